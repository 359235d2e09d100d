import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { currentConditions, insertNextVersion, type ConditionsVersion } from './queries.ts';

/** Who may publish: whoever holds the admin token, or a member of staff. */
export type Publisher = Extract<AuditActor, { kind: 'admin_token' } | { kind: 'staff' }>;

export interface ConditionsTexts {
  textTh: string;
  textEn: string;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/**
 * Publishes a new version of the conditions of use. It is in force at once (DOPA may change the conditions with
 * immediate effect, clause 10(3)), and from then on every agency shows as not having accepted it until it does.
 * Published versions are never changed (migration 0020's trigger). The version and its audit record are written
 * in one transaction. A text identical to the current version's is refused: it would ask every agency to accept
 * again what it has accepted.
 */
export async function publishConditions(db: Kysely<Schema>, texts: ConditionsTexts, by: Publisher, requestId: string | null = null): Promise<ConditionsVersion> {
  try {
    return await db.transaction().execute(async (trx) => {
      const previous = await currentConditions(trx);
      if (previous.text_th === texts.textTh && previous.text_en === texts.textEn) {
        throw new ConflictError('no_change', `Both texts are those of version ${previous.version}, the current one: nothing to publish.`);
      }
      const published = await insertNextVersion(trx, texts, by.kind === 'admin_token' ? 'admin_token' : by.pid);
      await recordAuditEvent(trx, {
        actor: by,
        action: 'conditions.publish',
        target: { kind: 'conditions', id: String(published.version) },
        before: { version: previous.version },
        after: { version: published.version, textTh: published.text_th, textEn: published.text_en },
        requestId,
      });
      return published;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new ConflictError('publication_conflict', 'Another version was published at the same moment. Read the current version, then publish again if yours is still needed.');
  }
}
