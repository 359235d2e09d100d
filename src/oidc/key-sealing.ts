import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/*
 * The private signing keys are stored sealed: each is a compact JWE (dir, A256GCM) under the key-encryption key,
 * which never enters the database. It comes from KEY_ENCRYPTION_KEY (32 bytes, base64url), which every process
 * on one PostgreSQL database must share, or, unset, from DATA_DIR/key-encryption-key, written with mode 0600 on
 * first start. The JWE header names the key-encryption key by a short fingerprint, so a process given another
 * one says so instead of failing to decrypt.
 */

const keyEncryptionKeyFile = (dataDir: string) => path.join(dataDir, 'key-encryption-key');
const fingerprintOf = (key: Uint8Array) => createHash('sha256').update(key).digest('base64url').slice(0, 12);

export class KeySealer {
  readonly #key: Uint8Array;
  readonly fingerprint: string;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error('A key-encryption key is 32 bytes.');
    this.#key = key;
    this.fingerprint = fingerprintOf(key);
  }

  async seal(jwk: JWK): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: this.fingerprint, cty: 'jwk+json' })
      .encrypt(this.#key);
  }

  async open(sealed: string, kid: string): Promise<JWK> {
    const header = JSON.parse(Buffer.from(sealed.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: string };
    if (header.kid !== this.fingerprint) {
      throw new Error(
        `Signing key ${kid} was sealed with another key-encryption key (fingerprint ${header.kid}, this process has ${this.fingerprint}). ` +
          'Give every process on this database the same KEY_ENCRYPTION_KEY.',
      );
    }
    const { plaintext } = await compactDecrypt(sealed, this.#key);
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  }
}

/** The key-encryption key from KEY_ENCRYPTION_KEY, or DATA_DIR's file (made now if there is none). */
export function keySealerFor(options: { keyEncryptionKey: string | undefined; dataDir: string }): KeySealer {
  if (options.keyEncryptionKey) return new KeySealer(Buffer.from(options.keyEncryptionKey, 'base64url'));
  const file = keyEncryptionKeyFile(options.dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return new KeySealer(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url'));
}

// The sealer of each open database: the key functions (keys.ts) are called with the database alone, from the
// server, the ledger's signer and the admin API.
const sealers = new WeakMap<Kysely<Schema>, KeySealer>();

export function sealKeysWith(db: Kysely<Schema>, sealer: KeySealer): void {
  sealers.set(db, sealer);
}

export function sealerOf(db: Kysely<Schema>): KeySealer {
  const sealer = sealers.get(db);
  if (!sealer) throw new Error('No key-encryption key is set for this database: call sealKeysWith first.');
  return sealer;
}
