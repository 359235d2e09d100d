import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type QueryCreator, type SqlBool } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { credentialModels, live, liveAs, storedIdOf } from './payload-statements.ts';

/*
 * Queries of oidc-provider's storage (oidc_payloads, see src/oidc/payload-statements.ts) that other areas need:
 * a grant ended by a report or a withdrawal, and the grants a citizen's phone lists.
 */

/** One grant per sign-in, whichever of the browser's requests stores it first: its id comes from the sign-in's. */
export const grantIdOfSignIn = (loginId: string) => createHash('sha256').update(`grant of ${loginId}`).digest('base64url');

/**
 * Ends a grant with every code and token issued under it, as two CTEs added to another statement (a sign-in
 * reported after its approval, src/login/report-step.ts), and only `when` that statement's own change happened.
 * The grant is not deleted but stored as ended, so that it cannot be stored again (grantEnded in src/oidc/payload-statements.ts): the browser
 * that carries the approval on may be storing it at this very moment. Storing a row whose key another
 * transaction is inserting waits for that transaction, so either this statement ends the grant that was just
 * stored, or the later storing finds it ended. A code stored under an ended grant redeems nothing.
 */
export function withGrantEnded<DB extends Schema>(qb: QueryCreator<DB>, grantId: string, when: Expression<SqlBool>): QueryCreator<DB> {
  return (qb as unknown as QueryCreator<Schema>)
    .with('end_grant_issued', (q) =>
      q.deleteFrom('oidc_payloads').where('model', 'in', [...credentialModels]).where('grant_id', '=', grantId).where(when),
    )
    .with('end_grant', (q) => storeAsEnded(q, sql<string[]>`array[${grantId}]`, when)) as unknown as QueryCreator<DB>;
}

/** Stores each of `grantIds` as an ended grant, `when` it holds: a grant stored already ends, one not yet never starts. */
const storeAsEnded = <DB extends Schema>(q: QueryCreator<DB>, grantIds: Expression<string[]>, when: Expression<SqlBool>) =>
  (q as unknown as QueryCreator<Schema>)
    .insertInto('oidc_payloads')
    .columns(['model', 'id', 'payload', 'expires_at'])
    .expression(sql`select 'Grant', ended.id, cast('{}' as json), now() from unnest(cast(${grantIds} as text[])) as ended(id) where ${when}`)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ expires_at: sql`now()` }));

/**
 * Ends the grants of sign-ins the citizen approved whose browsers may not have stored them yet (see
 * withGrantEnded): stored or not, none of them will give a code.
 */
export async function endGrantsNotYetStored(db: Kysely<Schema>, grantIds: string[]): Promise<void> {
  if (grantIds.length > 0) await storeAsEnded(db, sql<string[]>`${grantIds}`, sql<boolean>`true`).execute();
}

/** Those of `grantIds` not stored at all, not even as ended: sign-ins whose browsers have not come back yet. */
export async function grantsNotStored(db: Kysely<Schema>, grantIds: string[]): Promise<string[]> {
  if (grantIds.length === 0) return [];
  const stored = await db.selectFrom('oidc_payloads').select('id').where('model', '=', 'Grant').where('id', 'in', grantIds).execute();
  const storedIds = new Set(stored.map((row) => row.id));
  return grantIds.filter((id) => !storedIds.has(id));
}

/**
 * The grant an access token was issued under, while the token is stored: what a console's sign-in was approved
 * under (src/consoles/sessions.ts). Tokens are stored under the hash of their value, as the adapter keeps them.
 */
export async function grantIdOfAccessToken(db: Kysely<Schema>, accessToken: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('oidc_payloads')
    .select('grant_id')
    .where('model', '=', 'AccessToken')
    .where('id', '=', storedIdOf('AccessToken', accessToken))
    .where(live)
    .executeTakeFirst();
  return row?.grant_id ?? undefined;
}

/**
 * Whether the grant `grantId` names is stored and live, for a statement of another area: a grant ended by a
 * device's replacement or a withdrawal is deleted, one ended by a report is stored as expired. `grantId` must be
 * qualified by its table, as oidc_payloads has a grant_id column of its own.
 */
export const grantIsLive = (grantId: Expression<string | null>) =>
  sql<SqlBool>`exists (select 1 from oidc_payloads as granted where granted.model = 'Grant' and granted.id = ${grantId} and ${liveAs('granted')})`;

/** A citizen's grant to a system, as their phone lists what they have consented to. */
export interface AccountGrant {
  grantId: string;
  clientId: string;
  /** The scopes the citizen approved, openid included. */
  scopes: string[];
  /** When the grant was stored, by the database's clock. */
  grantedAt: Date;
}

/*
 * A grant's scopes are read from its payload here, not with PostgreSQL's JSON operators: a grant holds only what
 * the citizen approved, but the column is parsed the same way whatever the row (see relationsOf).
 */
const grantedScopes = (payload: unknown): string[] => {
  const scope = (payload as { openid?: { scope?: unknown } } | null)?.openid?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
};

/** Every grant of a citizen that has not expired, oldest first (one per approved sign-in). */
export async function grantsOfAccount(db: Kysely<Schema>, accountId: string): Promise<AccountGrant[]> {
  const rows = await db
    .selectFrom('oidc_payloads')
    .select(['id', 'client_id', 'payload', 'created_at'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where('client_id', 'is not', null)
    .where(live)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({ grantId: row.id, clientId: row.client_id!, scopes: grantedScopes(row.payload), grantedAt: row.created_at }));
}

/** A grant withdrawal ended: `live` says whether it had not expired yet. */
export interface EndedGrant {
  grantId: string;
  scopes: string[];
  live: boolean;
}

/**
 * Ends every grant of a citizen to one system, expired ones too, with every code and token issued under them or
 * to that citizen for that system, in one statement: the citizen withdraws their consent. Pass the transaction
 * that records the withdrawal, so both are kept or lost together.
 */
export async function endGrantsOfAccountTo(db: Kysely<Schema>, accountId: string, clientId: string): Promise<EndedGrant[]> {
  const rows = await db
    .with('ended', (qb) =>
      qb
        .deleteFrom('oidc_payloads')
        .where('model', '=', 'Grant')
        .where('account_id', '=', accountId)
        .where('client_id', '=', clientId)
        .returning(['id', 'payload', live.as('live')]),
    )
    .with('issued', (qb) =>
      qb
        .deleteFrom('oidc_payloads')
        .where('model', 'in', [...credentialModels])
        .where((eb) =>
          eb.or([
            eb('grant_id', 'in', eb.selectFrom('ended').select('ended.id')),
            eb.and([eb('account_id', '=', accountId), eb('client_id', '=', clientId)]),
          ]),
        )
        .returning('id'),
    )
    .selectFrom('ended')
    .select(['id', 'payload', 'live'])
    .execute();
  return rows.map((row) => ({ grantId: row.id, scopes: grantedScopes(row.payload), live: row.live }));
}
