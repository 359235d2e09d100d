import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * How long the next attempt must wait after a key's `failures`-th failure in a row, in seconds (0: not at all).
 * Failures are in a row until a success clears them, or until the longest wait (the pause) has passed after the
 * last one's wait ended: a key that failed now and then over weeks is not paused for good.
 */
export interface FailurePolicy {
  waitAfter(failures: number): number;
  /** The count from which the wait no longer grows: every later failure waits as long as this one. */
  ceiling: number;
}

/**
 * The failure count once the stored one (`f`) has one more, or 1 when a whole pause has passed since the last
 * failure and since the end of the wait it set: the first attempt after a pause is still in the row, so a paused
 * key that fails again is paused again.
 */
function countWithOneMore(policy: FailurePolicy) {
  const pause = sql.lit(policy.waitAfter(policy.ceiling));
  return sql<number>`(case when greatest(f.blocked_until, f.last_failure_at) > now() - make_interval(secs => ${pause}) then f.failures + 1 else 1 end)`;
}

/** The policy's waits as one SQL expression of the failure count `count`. */
function waitSeconds(policy: FailurePolicy, count: RawBuilder<number>) {
  const cases = Array.from({ length: policy.ceiling }, (_, i) => sql`when ${count} = ${sql.lit(i + 1)} then ${sql.lit(policy.waitAfter(i + 1))}`);
  return sql<number>`(case ${sql.join(cases, sql` `)} else ${sql.lit(policy.waitAfter(policy.ceiling))} end)`;
}

export interface TakenAttempt {
  /** Whether the attempt may go on (and was counted in advance as a failure of `attemptKey`). */
  taken: boolean;
  /** When the attempt was refused: the time before which none will be taken. */
  blockedUntil: Date | null;
}

/**
 * Takes one attempt for `attemptKey`, counting it as a failure in advance, unless that key or `checkedKey` is
 * blocked, in one statement: however many attempts arrive at once, they pass one at a time and none past the
 * limit. A success then clears the count (clearFailures).
 */
export async function takeAttempt(db: Kysely<Schema>, attemptKey: string, checkedKey: string, policy: FailurePolicy): Promise<TakenAttempt> {
  const { rows } = await sql<{ taken: boolean; blocked_until: Date | null }>`
    with checked as (
      select blocked_until from enrolment_failures where key = ${checkedKey} and blocked_until > now()
    ), taken as (
      insert into enrolment_failures as f (key, failures, last_failure_at, blocked_until)
      select ${attemptKey}, 1, now(), now() + make_interval(secs => ${waitSeconds(policy, sql<number>`1`)})
      where not exists (select 1 from checked)
      on conflict (key) do update
        set failures = ${countWithOneMore(policy)}, last_failure_at = now(),
            blocked_until = now() + make_interval(secs => ${waitSeconds(policy, countWithOneMore(policy))})
        where f.blocked_until is null or f.blocked_until <= now()
      returning failures
    )
    select exists (select 1 from taken) as taken,
      greatest((select blocked_until from checked),
               (select blocked_until from enrolment_failures where key = ${attemptKey} and blocked_until > now())) as blocked_until`.execute(db);
  const row = rows[0]!;
  return { taken: row.taken, blockedUntil: row.taken ? null : row.blocked_until };
}

/** Counts one failure of `key` (after the attempt failed). */
export async function recordFailure(db: Kysely<Schema>, key: string, policy: FailurePolicy): Promise<void> {
  await sql`
    insert into enrolment_failures as f (key, failures, last_failure_at, blocked_until)
    values (${key}, 1, now(), now() + make_interval(secs => ${waitSeconds(policy, sql<number>`1`)}))
    on conflict (key) do update
      set failures = ${countWithOneMore(policy)}, last_failure_at = now(),
          blocked_until = greatest(f.blocked_until, now() + make_interval(secs => ${waitSeconds(policy, countWithOneMore(policy))}))`.execute(db);
}

/** Forgets the failures of `keys`: an attempt of theirs succeeded. */
export async function clearFailures(db: Kysely<Schema>, keys: string[]): Promise<void> {
  await db.deleteFrom('enrolment_failures').where('key', 'in', keys).execute();
}
