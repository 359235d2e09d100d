import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { loadSigningKeys } from './keys.ts';
import type { ProviderHost } from './provider-host.ts';

/** Migration 0006 announces every change of signing_keys on this channel. */
const CHANNEL = 'thaid_signing_keys';

const keyIdsOf = (keys: JWK[]) => keys.map((key) => key.kid).join(' ');

/**
 * Keeps a process signing with the newest keys and publishing exactly the keys still due, whichever process
 * rotated them. The database announces each change; `refreshIfDue` (run periodically) also drops a retired
 * key whose publication window has ended, which no change announces.
 */
export class SigningKeyFollower {
  readonly #db: Kysely<Schema>;
  #published = '';

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** The keys for the next provider; remembers which they are. */
  async keysToLoad(): Promise<JWK[]> {
    const keys = await loadSigningKeys(this.#db);
    this.#published = keyIdsOf(keys);
    return keys;
  }

  async follow(database: Database, providers: ProviderHost, onError: (error: unknown) => void): Promise<void> {
    await database.listen(
      CHANNEL,
      () => void providers.reload().catch(onError),
      // A rotation announced during a break is found by comparing the keys.
      () => void this.refreshIfDue(providers).catch(onError),
    );
  }

  async refreshIfDue(providers: ProviderHost): Promise<void> {
    if (keyIdsOf(await loadSigningKeys(this.#db)) !== this.#published) await providers.reload();
  }
}
