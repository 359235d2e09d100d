import { generateCitizen } from '../../src/registry/generate.ts';
import { insertCitizens } from '../../src/registry/queries.ts';
import { REGISTRY_REFERENCE_DATE } from '../../src/registry/seed.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { titlesOn } from '../../src/registry/titles.ts';
import type { TestServer } from './server.ts';

// A registry seed no server uses for its own citizens, so every citizen made here is new.
const TEST_SEED = 99;
let nextIndex = 0;

/**
 * A citizen of the calling test's own, added to the server's registry, so tests share no devices; with the titles
 * the registry gives them today (a child when generated may have turned 15 since).
 */
export async function newCitizen(server: TestServer): Promise<Citizen> {
  const citizen = generateCitizen(TEST_SEED, nextIndex++, REGISTRY_REFERENCE_DATE);
  await insertCitizens(server.database.db, [citizen]);
  const [titleTh, titleEn] = titlesOn(citizen);
  return { ...citizen, titleTh, titleEn };
}
