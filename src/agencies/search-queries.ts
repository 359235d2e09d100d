import { sql, type Kysely } from 'kysely';
import type { Schema, Status } from '../db/schema.ts';

/** An agency as the staff's list shows it: its names, status, how many systems, and the newest conditions it accepted. */
export interface AgencyListing {
  id: string;
  nameTh: string;
  nameEn: string;
  status: Status;
  createdAt: Date;
  systems: number;
  acceptedVersion: number | null;
}

export interface AgencySearch {
  /** Words in the Thai or English name. */
  text?: string | undefined;
  status?: Status | undefined;
  limit: number;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Agencies matching the search, oldest first (DOPA itself first of all). */
export async function searchAgencies(db: Kysely<Schema>, search: AgencySearch): Promise<AgencyListing[]> {
  let query = db
    .selectFrom('agencies as a')
    .select(['a.id', 'a.name_th', 'a.name_en', 'a.status', 'a.created_at'])
    .select((eb) => eb.selectFrom('agency_systems as s').select(eb.fn.countAll<string>().as('n')).whereRef('s.agency_id', '=', 'a.id').as('systems'))
    .select((eb) => eb.selectFrom('conditions_acceptances as c').select((e) => e.fn.max('c.version').as('v')).whereRef('c.agency_id', '=', 'a.id').as('accepted'));
  const text = search.text?.trim();
  if (text) {
    const pattern = likePattern(text);
    query = query.where((eb) => eb.or([eb('a.name_th', 'ilike', pattern), eb('a.name_en', 'ilike', pattern), eb(sql<string>`cast(a.id as text)`, '=', text.toLowerCase())]));
  }
  if (search.status !== undefined) query = query.where('a.status', '=', search.status);
  const rows = await query.orderBy('a.created_at').orderBy('a.id').limit(search.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    nameTh: r.name_th,
    nameEn: r.name_en,
    status: r.status,
    createdAt: new Date(r.created_at),
    systems: Number(r.systems ?? 0),
    acceptedVersion: r.accepted ?? null,
  }));
}
