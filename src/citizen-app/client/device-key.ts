/*
 * This phone's ThaID key: a P-256 key pair made by WebCrypto with a private half that cannot be exported, kept in
 * IndexedDB (which stores CryptoKey objects as they are). The device id and citizen ID the server gave at
 * enrolment are kept beside it.
 */

export interface StoredDevice {
  keyPair: CryptoKeyPair;
  publicJwk: JsonWebKey;
  name: string;
  deviceId?: string;
  pid?: string;
}

const DATABASE = 'thaid-app';
const STORE = 'device';
const ENTRY = 'this-phone';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const database = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(database.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    });
  } finally {
    database.close();
  }
}

export const loadDevice = () => inStore<StoredDevice | undefined>('readonly', (store) => store.get(ENTRY));
export const saveDevice = (device: StoredDevice) => inStore<unknown>('readwrite', (store) => store.put(device, ENTRY));
export const forgetDevice = () => inStore<unknown>('readwrite', (store) => store.delete(ENTRY));

/** A new key pair for an enrolment; the private key never leaves WebCrypto. */
export async function newDeviceKey(name: string): Promise<StoredDevice> {
  const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  return { keyPair, publicJwk: { kty, crv, x, y }, name };
}
