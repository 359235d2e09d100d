import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from 'koa';

/** One write of the provider's storage: a payload stored under (model, id), the row removed, or the row consumed. */
export type StorageWrite =
  | {
      kind: 'upsert';
      model: string;
      id: string;
      /** The payload as JSON text. */
      payload: string;
      /** The grant and the client the payload names, kept beside it (see the adapter's relationsOf). */
      grantId: string | null;
      clientId: string | null;
      uid: string | null;
      userCode: string | null;
      /** Seconds from the moment of writing; null for no expiry. */
      expiresIn: number | null;
    }
  | { kind: 'destroy'; model: string; id: string }
  /** Marks the row consumed; fails, and the writes made with it are not made, if it was consumed already. */
  | { kind: 'consume'; model: string; id: string };

/** Makes writes, in one statement where there are several. */
export type WriteStorage = (writes: StorageWrite[]) => Promise<void>;

/**
 * The storage writes of one request, held until the request next reads the storage or its response is about
 * to leave. Most steps of a sign-in write two or three rows one after the other (a code's consumption and the
 * tokens it buys, a code and the end of its interaction), and held together they reach the database as one
 * statement.
 *
 * Writes go out in the order they were made: a second write to the same row sends the earlier ones first,
 * so no statement writes a row twice, and a consumption starts a statement of its own, whose other writes are
 * made only if it succeeds. Nothing is held once the request has ended; a late write is made at once.
 */
export class HeldWrites implements WriteHolder {
  #held: StorageWrite[] = [];
  #write: WriteStorage | undefined;
  /** Every batch sent so far; a failed one keeps failing whoever waits for the writes. */
  #sent: Promise<void> = Promise.resolve();
  #released = false;

  /** Holds `write` for `writeStorage` to make later; false once the request is over and it must be made now. */
  hold(write: StorageWrite, writeStorage: WriteStorage): boolean {
    if (this.#released) return false;
    const sameRow = this.#held.some((held) => held.model === write.model && held.id === write.id);
    // A consumption decides whether the writes held after it are made; those held before it do not wait on it.
    if (sameRow || write.kind === 'consume' || (this.#write && this.#write !== writeStorage)) this.#send();
    this.#write = writeStorage;
    this.#held.push(write);
    return true;
  }

  /** The request these writes belong to, until it ends: work it leaves running belongs to none. */
  get request(): object | undefined {
    return this.#released ? undefined : this;
  }

  /** Makes every held write; resolves once all writes so far are in the database. */
  flush(): Promise<void> {
    this.#send();
    return this.#sent;
  }

  /** The request is over: makes what is held and holds nothing more. */
  release(): Promise<void> {
    this.#released = true;
    return this.flush();
  }

  #send(): void {
    const writes = this.#held;
    const write = this.#write;
    if (writes.length === 0 || !write) return;
    this.#held = [];
    this.#sent = this.#sent.then(() => write(writes));
    // Whoever flushes next sees a failure; until then it is not an unhandled rejection.
    this.#sent.catch(() => {});
  }
}

/** What the storage hands its writes to while a request, or a capture, is under way. */
export interface WriteHolder {
  hold(write: StorageWrite, writeStorage: WriteStorage): boolean;
  flush(): Promise<void>;
  /** The HTTP request the writes belong to (a capture belongs to the request it runs in), if any. */
  readonly request?: object;
}

const scope = new AsyncLocalStorage<WriteHolder>();

/** The writes held for the request (or capture) under way, if there is one. */
export const heldWrites = (): WriteHolder | undefined => scope.getStore();

/** The HTTP request under way, the same object for all of it, captures included; undefined outside one. */
export const requestUnderWay = (): object | undefined => scope.getStore()?.request;

/**
 * The storage writes `run` makes, kept instead of made, so that a statement of another area makes them together
 * with its own change: a device's answer stores the interaction it answers (and an approval, the grant it
 * makes) in the answer's own statement. Reading the database meanwhile fails, as the read could not see them.
 */
export async function capturedStorageWrites(run: () => Promise<unknown>): Promise<StorageWrite[]> {
  const captured: StorageWrite[] = [];
  const capture: WriteHolder = {
    hold: (write) => captured.push(write) > 0,
    flush: () => Promise.reject(new Error('The provider storage was read while its writes were being captured')),
    request: requestUnderWay(),
  };
  await scope.run(capture, run);
  return captured;
}

/**
 * Holds the storage writes made while a request is handled, and makes them before its response leaves, so that
 * no response tells of a write that is not in the database. A failed write fails the request; when the request
 * failed already, its own error is the one reported.
 */
export const holdStorageWrites: Middleware = async (ctx, next) => {
  const held = new HeldWrites();
  try {
    await scope.run(held, next);
  } catch (error) {
    await held.release().catch(() => {});
    throw error;
  }
  await held.release();
};
