import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Schema } from '../db/schema.ts';

/*
 * A system's daily quota of authorization requests (agency_systems.daily_quota, null for no limit), counted per
 * day in Asia/Bangkok in system_daily_usage (migration 0023). Neither the check nor the count is a statement of
 * its own: the check is a column of the provider's client lookup, and the count a part of the statement that
 * stores a new sign-in's interaction. One request is one sign-in the provider starts (the interaction it
 * stores); a refused request starts none and is not counted. The check in the lookup refuses early, with no
 * write. Requests checked at the same moment all pass it; the count then admits only as many as the quota has
 * left, as the counter row is locked while it is raised and a raise that would pass the quota stores nothing.
 */

/** Today in Thailand, by the database's clock (Thailand keeps no daylight saving time). */
const bangkokToday = sql<string>`cast(now() at time zone 'Asia/Bangkok' as date)`;

/**
 * Whether the quota of the system row `system` (a table or alias with daily_quota and client_id, such as
 * active_systems) is used up today: a column for the client lookup. AND evaluates left to right, so a system
 * without a quota never reads its usage; one with a quota reads a single row by its primary key.
 */
export function quotaUsedUp(system: string) {
  const quota = sql.ref(`${system}.daily_quota`);
  return sql<boolean>`(${quota} is not null and coalesce((
    select u.requests from system_daily_usage u where u.client_id = ${sql.ref(`${system}.client_id`)} and u.day = ${bangkokToday}
  ), 0) >= ${quota})`;
}

/**
 * Adds one to today's count of the system `clientId` when `isNew` holds and its quota has room, returning a row
 * when it did: the body of a data-modifying CTE of the statement that stores a new interaction
 * (src/oidc/payload-statements.ts), which stores it only then, so that counting costs no statement of its own.
 * The raise holds the counter row's lock and is checked against the count as it stands then.
 */
export function countRequestWithinQuota(clientId: unknown, isNew: Expression<SqlBool>) {
  const client = sql`cast(${clientId} as text)`;
  // Parenthesised, as a CTE's body is.
  return sql<{ counted: number }>`(insert into system_daily_usage as u (client_id, day, requests)
    select ${client}, ${bangkokToday}, 1
    where ${client} is not null and ${isNew}
      and not exists (select 1 from agency_systems s where s.client_id = ${client} and s.daily_quota <= 0)
    on conflict (client_id, day) do update set requests = u.requests + 1
      where not exists (select 1 from agency_systems s where s.client_id = u.client_id and s.daily_quota <= u.requests)
    returning 1 as counted)`;
}

/** A system's daily quota (null for none), for the words of a refusal. */
export const dailyQuotaOf = (clientId: unknown) =>
  sql<number | null>`(select s.daily_quota from agency_systems s where s.client_id = cast(${clientId} as text))`;

export interface SystemUsage {
  dailyQuota: number | null;
  requestsToday: number;
  /** Policy violations recorded for the system, ever. */
  violations: number;
}

/** The quota, today's requests and the violations of each system named, for staff. */
async function usageOfSystems(db: Kysely<Schema>, clientIds: readonly string[]): Promise<Map<string, SystemUsage>> {
  if (clientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('agency_systems as s')
    .leftJoin('system_daily_usage as u', (join) => join.onRef('u.client_id', '=', 's.client_id').on('u.day', '=', bangkokToday))
    .select(['s.client_id', 's.daily_quota', 'u.requests'])
    .select((eb) =>
      eb.selectFrom('policy_violations as v').select(eb.fn.countAll<string>().as('n')).whereRef('v.client_id', '=', 's.client_id').as('violations'),
    )
    .where('s.client_id', 'in', clientIds)
    .execute();
  return new Map(
    rows.map((r) => [r.client_id, { dailyQuota: r.daily_quota, requestsToday: r.requests ?? 0, violations: Number(r.violations ?? 0) }]),
  );
}

/** Rows with a clientId, each given its usage (no quota and nothing counted for a system not found). */
export async function withUsage<T extends { clientId: string }>(db: Kysely<Schema>, systems: T[]): Promise<(T & SystemUsage)[]> {
  const usage = await usageOfSystems(db, systems.map((s) => s.clientId));
  return systems.map((s) => ({ ...s, ...(usage.get(s.clientId) ?? { dailyQuota: null, requestsToday: 0, violations: 0 }) }));
}
