import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { assertLetterAccess, noSuchLetter } from './access.ts';
import type { ApplicationActor } from './actors.ts';
import { findLetterRow, insertPermissionLetter, listLetterRows, nextLetterSequence, todayInThailand, type NewPermissionLetter } from './letter-queries.ts';
import { toLetter, type LetterSystem, type PermissionLetter } from './views.ts';

/*
 * Permission letters: DOPA's written permission (clause 5 of the announcements), one for each approved
 * application. A letter is numbered DOPA-DID-<year>-<sequence>: the Buddhist-era year of its date in Thailand,
 * and its place in that year from 0001, without gaps.
 */

/** The Buddhist era counts from 543 BCE: 2026 is 2569. */
const buddhistYear = (gregorianYear: number): number => gregorianYear + 543;

export const letterNumber = (yearBe: number, sequence: number): string => `DOPA-DID-${yearBe}-${String(sequence).padStart(4, '0')}`;

export interface LetterContent {
  applicationId: string;
  agencyId: string;
  agencyNameTh: string;
  agencyNameEn: string;
  purpose: string;
  systems: LetterSystem[];
  conditionsVersion: number;
  preparedBy: string;
  approvedBy: string;
}

/** Issues the letter, in the approval's transaction: dated today in Thailand, with the year's next number. */
export async function issueLetter(trx: Kysely<Schema>, content: LetterContent): Promise<PermissionLetter> {
  const issuedOn = await todayInThailand(trx);
  const yearBe = buddhistYear(Number(issuedOn.slice(0, 4)));
  const sequence = await nextLetterSequence(trx, yearBe);
  const dataItems = [...new Set(content.systems.flatMap((system) => system.dataItems))];
  const letter: NewPermissionLetter = { ...content, number: letterNumber(yearBe, sequence), yearBe, sequence, issuedOn, dataItems };
  return toLetter(await insertPermissionLetter(trx, letter));
}

/** One letter, if the actor may read it: an agency's administrator reads only their agencies' letters. */
export async function showLetter(db: Kysely<Schema>, actor: ApplicationActor, number: string): Promise<PermissionLetter> {
  const row = await findLetterRow(db, number);
  if (!row) throw noSuchLetter(number);
  await assertLetterAccess(db, actor, row);
  return toLetter(row);
}

/** Letters, newest first: all of them for staff and the admin token, their agencies' for an agency's administrator. */
export async function listLetters(db: Kysely<Schema>, actor: ApplicationActor, filter: { agencyId?: string | undefined } = {}): Promise<PermissionLetter[]> {
  const rows = await listLetterRows(db, { ...filter, ...(actor.kind === 'agency' ? { visibleTo: actor.pid } : {}) });
  return rows.map(toLetter);
}
