import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { grantIsLive } from '../oidc/grant-queries.ts';
import type { ConsoleName } from './consoles.ts';

/** A live session: who is signed in to which console, and the token its forms carry. */
export interface ConsoleSession {
  idHash: string;
  console: ConsoleName;
  pid: string;
  name: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertConsoleSession(
  db: Kysely<Schema>,
  session: { idHash: string; console: ConsoleName; pid: string; name: string; csrfToken: string; expiresAt: Date; grantId: string },
): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({
      id_hash: session.idHash,
      console: session.console,
      pid: session.pid,
      name: session.name,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
      grant_id: session.grantId,
    })
    .execute();
}

/**
 * The session, if it is still live (not ended, before its expiry, used within the idle limit, and the grant its
 * sign-in was approved under not ended), marked as used now; undefined otherwise. One statement, so two requests at once cannot revive an idle session.
 */
export async function useLiveConsoleSession(
  db: Kysely<Schema>,
  of: { idHash: string; console: ConsoleName; idleSeconds: number },
): Promise<ConsoleSession | undefined> {
  const row = await db
    .updateTable('console_sessions')
    .set({ last_seen_at: sql<Date>`now()` })
    .where('id_hash', '=', of.idHash)
    .where('console', '=', of.console)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${of.idleSeconds})`)
    .where(grantIsLive(sql.ref('console_sessions.grant_id')))
    .returning(['id_hash', 'console', 'pid', 'name', 'csrf_token', 'created_at', 'expires_at'])
    .executeTakeFirst();
  return (
    row && {
      idHash: row.id_hash,
      console: row.console,
      pid: row.pid,
      name: row.name,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }
  );
}

/** Ends a session (sign-out, or a new sign-in in the same browser). */
export async function endConsoleSession(db: Kysely<Schema>, idHash: string): Promise<void> {
  await db.updateTable('console_sessions').set({ ended_at: sql<Date>`now()` }).where('id_hash', '=', idHash).where('ended_at', 'is', null).execute();
}

/** The server's maintenance: sessions that ended, expired or went idle more than a day ago. Returns how many. */
export async function deleteFinishedConsoleSessions(db: Kysely<Schema>, idleSeconds: number): Promise<number> {
  const result = await db
    .deleteFrom('console_sessions')
    .where((eb) =>
      eb.or([
        eb('ended_at', '<', sql<Date>`now() - interval '1 day'`),
        eb('expires_at', '<', sql<Date>`now() - interval '1 day'`),
        eb('last_seen_at', '<', sql<Date>`now() - interval '1 day' - make_interval(secs => ${idleSeconds})`),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
