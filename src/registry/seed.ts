import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { generateCitizens } from './generate.ts';
import { demoPersonas } from './personas.ts';
import { insertCitizens } from './queries.ts';

/**
 * The date the generated registry describes (ages, titles, card dates). Fixed, so a seed gives the same
 * citizens on every machine and every day.
 */
export const REGISTRY_REFERENCE_DATE = new Date(Date.UTC(2026, 0, 1));

export interface SeedOptions {
  seed: number;
  /** Generated citizens number 0..count-1; seeding again with the same seed adds only the missing ones. */
  count: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  generated: number;
  inserted: number;
}

export async function seedRegistry(db: Kysely<Schema>, options: SeedOptions): Promise<SeedResult> {
  const batchSize = options.batchSize ?? 5000;
  let inserted = 0;
  let done = 0;
  // Generate the next batch while the database stores the current one.
  let pending: Promise<void> = Promise.resolve();
  for (let start = 0; start < options.count; start += batchSize) {
    const batch = generateCitizens(options.seed, start, Math.min(batchSize, options.count - start), REGISTRY_REFERENCE_DATE);
    await pending;
    pending = insertCitizens(db, batch).then((n) => {
      inserted += n;
      done += batch.length;
      options.onProgress?.(done, options.count);
    });
  }
  await pending;
  return { generated: options.count, inserted };
}

export async function seedDemoPersonas(db: Kysely<Schema>): Promise<number> {
  return insertCitizens(db, demoPersonas);
}
