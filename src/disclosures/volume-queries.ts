import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/*
 * Counts of disclosures (ledger entries of kind 'disclosure'), per day in Thai time and per agency or data item.
 * Counts only: no citizen ID ever leaves these statements. Each reads the ledger through its (agency_id,
 * created_at) index, one agency at a time.
 */

/** Days begin and end at midnight in Thailand (UTC+7 all year, no daylight saving time). */
export const VOLUME_TIME_ZONE = 'Asia/Bangkok';
const UTC_OFFSET = '+07:00';

/** A range of whole days, both ends included, as YYYY-MM-DD in Thai time. */
export interface DayRange {
  from: string;
  to: string;
}

/** The day after `date` (YYYY-MM-DD). */
export function nextDay(date: string, days = 1): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = nextDay(day)) days.push(day);
  return days;
}

/** Today in Thailand. */
export function todayInThailand(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The instants the range covers: from its first midnight, up to (not including) the midnight after its last day. */
function bounds(range: DayRange): { start: Date; end: Date } {
  return { start: new Date(`${range.from}T00:00:00${UTC_OFFSET}`), end: new Date(`${nextDay(range.to)}T00:00:00${UTC_OFFSET}`) };
}

const thaiDay = sql<string>`to_char(e.created_at at time zone ${sql.lit(VOLUME_TIME_ZONE)}, 'YYYY-MM-DD')`;

export interface AgencyVolume {
  /** Per day and data item: how many disclosures carried the item. Days and items without any are left out. */
  days: { date: string; item: string; count: number }[];
  totals: {
    /** Disclosures in the range (one may carry several items). */
    disclosures: number;
    items: { item: string; count: number }[];
  };
}

/** What the systems of one agency were given, per day and data item. */
export async function agencyVolume(db: Kysely<Schema>, agencyId: string, range: DayRange): Promise<AgencyVolume> {
  const { start, end } = bounds(range);
  const perDay = await sql<{ date: string; item: string; count: number }>`
    select ${thaiDay} as date, item, cast(count(*) as integer) as count
    from ledger_entries e cross join lateral unnest(e.items) as item
    where e.agency_id = ${agencyId} and e.created_at >= ${start} and e.created_at < ${end} and e.kind = 'disclosure'
    group by 1, 2
    order by 1, 2`.execute(db);
  const total = await sql<{ count: number }>`
    select cast(count(*) as integer) as count
    from ledger_entries e
    where e.agency_id = ${agencyId} and e.created_at >= ${start} and e.created_at < ${end} and e.kind = 'disclosure'`.execute(db);
  const days = perDay.rows.map((row) => ({ date: row.date, item: row.item, count: Number(row.count) }));
  const byItem = new Map<string, number>();
  for (const day of days) byItem.set(day.item, (byItem.get(day.item) ?? 0) + day.count);
  return {
    days,
    totals: {
      disclosures: Number(total.rows[0]?.count ?? 0),
      items: [...byItem].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([item, count]) => ({ item, count })),
    },
  };
}

export interface AgencyDailyVolume {
  agency: { id: string; th: string; en: string };
  /** Disclosures in the range. */
  total: number;
  /** Per day; days without any are left out. */
  days: { date: string; count: number }[];
}

/** Every agency's disclosures per day, for staff: the agencies with any in the range, most first. */
export async function allAgenciesVolume(db: Kysely<Schema>, range: DayRange): Promise<AgencyDailyVolume[]> {
  const { start, end } = bounds(range);
  // One index range scan per agency (the agencies are few; the ledger is long).
  const result = await sql<{ id: string; name_th: string; name_en: string; date: string; count: number }>`
    select a.id, a.name_th, a.name_en, v.date, v.count
    from agencies a
    cross join lateral (
      select ${thaiDay} as date, cast(count(*) as integer) as count
      from ledger_entries e
      where e.agency_id = cast(a.id as text) and e.created_at >= ${start} and e.created_at < ${end} and e.kind = 'disclosure'
      group by 1
    ) v
    order by a.id, v.date`.execute(db);
  const agencies = new Map<string, AgencyDailyVolume>();
  for (const row of result.rows) {
    let agency = agencies.get(row.id);
    if (!agency) {
      agency = { agency: { id: row.id, th: row.name_th, en: row.name_en }, total: 0, days: [] };
      agencies.set(row.id, agency);
    }
    const count = Number(row.count);
    agency.days.push({ date: row.date, count });
    agency.total += count;
  }
  return [...agencies.values()].sort((a, b) => b.total - a.total || (a.agency.en < b.agency.en ? -1 : a.agency.en > b.agency.en ? 1 : 0));
}
