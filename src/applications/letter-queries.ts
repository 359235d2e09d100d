import { sql, type Kysely, type Selectable } from 'kysely';
import type { PermissionLettersTable, Schema } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import { administeredAgencyIds } from './queries.ts';

/*
 * The statements of permission letters and their numbering (migration 0021), in the approval's transaction
 * (letters.ts). Letters are only inserted.
 */

export type PermissionLetterRow = Selectable<PermissionLettersTable>;

/** The next letter number's sequence in the Buddhist-era year: gap-free, as the counter row is the transaction's. */
export async function nextLetterSequence(db: Kysely<Schema>, yearBe: number): Promise<number> {
  const row = await db
    .insertInto('permission_letter_sequences')
    .values({ year_be: yearBe, last_sequence: 1 })
    .onConflict((oc) => oc.column('year_be').doUpdateSet((eb) => ({ last_sequence: eb('permission_letter_sequences.last_sequence', '+', 1) })))
    .returning('last_sequence')
    .executeTakeFirstOrThrow();
  return row.last_sequence;
}

/** Today in Thailand by the database's clock, YYYY-MM-DD. */
export async function todayInThailand(db: Kysely<Schema>): Promise<string> {
  const { rows } = await sql<{ today: string }>`select to_char(now() at time zone 'Asia/Bangkok', 'YYYY-MM-DD') as today`.execute(db);
  return rows[0]!.today;
}

export interface NewPermissionLetter {
  number: string;
  yearBe: number;
  sequence: number;
  applicationId: string;
  agencyId: string;
  issuedOn: string;
  agencyNameTh: string;
  agencyNameEn: string;
  purpose: string;
  systems: unknown;
  dataItems: string[];
  conditionsVersion: number;
  preparedBy: string;
  approvedBy: string;
}

export async function insertPermissionLetter(db: Kysely<Schema>, letter: NewPermissionLetter): Promise<PermissionLetterRow> {
  return db
    .insertInto('permission_letters')
    .values({
      number: letter.number,
      year_be: letter.yearBe,
      sequence: letter.sequence,
      application_id: letter.applicationId,
      agency_id: letter.agencyId,
      issued_on: letter.issuedOn,
      agency_name_th: letter.agencyNameTh,
      agency_name_en: letter.agencyNameEn,
      purpose: letter.purpose,
      systems: JSON.stringify(letter.systems),
      data_items: letter.dataItems,
      conditions_version: letter.conditionsVersion,
      prepared_by: letter.preparedBy,
      approved_by: letter.approvedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLetterRow(db: Kysely<Schema>, number: string): Promise<PermissionLetterRow | undefined> {
  return db.selectFrom('permission_letters').selectAll().where('number', '=', number).executeTakeFirst();
}

export interface LetterFilter {
  agencyId?: string | undefined;
  applicationId?: string | undefined;
  /** Only the letters of agencies this citizen administers. */
  visibleTo?: string | undefined;
}

/** Letters, newest first. */
export async function listLetterRows(db: Kysely<Schema>, filter: LetterFilter): Promise<PermissionLetterRow[]> {
  let query = db.selectFrom('permission_letters').selectAll();
  if (filter.agencyId !== undefined) {
    if (!isUuid(filter.agencyId)) return [];
    query = query.where('agency_id', '=', filter.agencyId);
  }
  if (filter.applicationId !== undefined) {
    if (!isUuid(filter.applicationId)) return [];
    query = query.where('application_id', '=', filter.applicationId);
  }
  if (filter.visibleTo !== undefined) query = query.where('agency_id', 'in', administeredAgencyIds(db, filter.visibleTo));
  return query.orderBy('issued_at', 'desc').orderBy('number', 'desc').execute();
}
