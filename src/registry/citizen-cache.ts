import type { Kysely } from 'kysely';
import { reading } from '../db/request-transaction.ts';
import type { Schema } from '../db/schema.ts';
import type { Citizen } from './citizen.ts';
import { findCitizen } from './queries.ts';

/**
 * Registry records the provider reads on every code exchange and userinfo call, kept for a short while.
 * Records only change when the registry is reseeded, so a copy up to `ttlMs` old is as good as the database's.
 */
export class CitizenCache {
  readonly #db: Kysely<Schema>;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { citizen: Citizen; until: number }>();

  constructor(db: Kysely<Schema>, options: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  async find(pid: string): Promise<Citizen | undefined> {
    const cached = this.#entries.get(pid);
    if (cached && cached.until > Date.now()) return cached.citizen;
    const citizen = await findCitizen(await reading(this.#db), pid);
    this.#entries.delete(pid);
    if (citizen) {
      // Maps iterate in insertion order, so the first key is the oldest entry.
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(pid, { citizen, until: Date.now() + this.#ttlMs });
    }
    return citizen;
  }
}
