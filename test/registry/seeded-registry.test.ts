import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { isValidPid } from '../../src/registry/pid.ts';
import { countCitizens, findCitizen, listCitizens } from '../../src/registry/queries.ts';
import { seedDemoPersonas, seedRegistry } from '../../src/registry/seed.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { generateCitizen } from '../../src/registry/generate.ts';
import { REGISTRY_REFERENCE_DATE } from '../../src/registry/seed.ts';
import { insertCitizens } from '../../src/registry/queries.ts';
import { titlesOn } from '../../src/registry/titles.ts';
import { openTestDatabase } from '../support/open-database.ts';

let database: Database;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
});
afterAll(() => dispose?.());

describe('the seeded registry in the database', () => {
  it('holds exactly the requested citizens, each with a valid check digit', async () => {
    const progress: number[] = [];
    const result = await seedRegistry(database.db, { seed: 7, count: 12_000, batchSize: 5000, onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ generated: 12_000, inserted: 12_000 });
    expect(progress).toEqual([5000, 10_000, 12_000]);
    expect(await countCitizens(database.db)).toBe(12_000);
    let checked = 0;
    for (let after: string | undefined; ; ) {
      const page = await listCitizens(database.db, { limit: 1000, after });
      if (page.length === 0) break;
      for (const citizen of page) expect(isValidPid(citizen.pid), citizen.pid).toBe(true);
      checked += page.length;
      after = page.at(-1)!.pid;
    }
    expect(checked).toBe(12_000);
  });

  it('adds only the missing citizens when seeded again, with the same data', async () => {
    await seedRegistry(database.db, { seed: 8, count: 2000 });
    const again = await seedRegistry(database.db, { seed: 8, count: 3000 });
    expect(again).toEqual({ generated: 3000, inserted: 1000 });
    const sample = generateCitizen(8, 2345, REGISTRY_REFERENCE_DATE);
    const [titleTh, titleEn] = titlesOn(sample);
    expect(await findCitizen(database.db, sample.pid)).toEqual({ ...sample, titleTh, titleEn });
  });

  it('gives a citizen recorded as a child who has since turned 15 the adult title', async () => {
    const recorded = { ...generateCitizen(9, 1, REGISTRY_REFERENCE_DATE), sex: 'female' as const, titleTh: 'เด็กหญิง', titleEn: 'Miss', birthdate: '2000-06-01' };
    await insertCitizens(database.db, [recorded]);
    expect(await findCitizen(database.db, recorded.pid)).toEqual({ ...recorded, titleTh: 'นางสาว', titleEn: 'Miss' });
  });

  it('stores the demo personas as they are written', async () => {
    await seedDemoPersonas(database.db);
    for (const persona of demoPersonas) expect(await findCitizen(database.db, persona.pid)).toEqual(persona);
  });
});
