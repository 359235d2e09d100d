import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findApiKeyHash, replaceApiKey } from './api-key-queries.ts';
import { hashCredential, newApiKey } from './client-credentials.ts';
import { refuseIfCancelled } from './credential-guard.ts';

/**
 * Which API key a system has now, as a page may show it: a hash of the stored hash ("none" for no key), which tells
 * the key nothing. An issue asked from a page names it, so that the button pressed twice, or two administrators at
 * once, replace the key once.
 */
export const apiKeyVersionOf = (apiKeyHash: string | null): string =>
  apiKeyHash === null ? 'none' : createHash('sha256').update(`api key version ${apiKeyHash}`).digest('base64url').slice(0, 16);

export interface IssuedApiKey {
  clientId: string;
  /** Shown once; only its hash is kept. */
  apiKey: string;
  /** Whether the system had a key before, which stopped working at once. */
  replacedKey: boolean;
}

/**
 * Gives a system a new API key, on behalf of its agency's administrator in the portal or of the admin token, with
 * its audit record in the same transaction (never the key). A key replaced stops at once: a key is optional, so a
 * relying party that has not deployed the new one yet can send none meanwhile, and there is no grace to keep.
 * A system approved in the staff console has a key that no one was shown; this is how its agency gets one.
 */
export async function issueApiKeyRecorded(
  db: Kysely<Schema>,
  issue: { clientId: string; replacing?: string | undefined; actor: AuditActor; requestId: string | null },
): Promise<IssuedApiKey> {
  return db.transaction().execute(async (trx) => {
    await refuseIfCancelled(trx, issue.clientId, 'API key');
    const system = await findApiKeyHash(trx, issue.clientId);
    if (!system) throw new NotFoundError(`No system with client_id ${issue.clientId}.`);
    if (issue.replacing !== undefined && issue.replacing !== apiKeyVersionOf(system.api_key_hash)) throw keyChanged(issue.clientId);
    const apiKey = newApiKey();
    if (!(await replaceApiKey(trx, issue.clientId, { replacedHash: system.api_key_hash, newKeyHash: hashCredential(apiKey) }))) {
      throw keyChanged(issue.clientId);
    }
    const replacedKey = system.api_key_hash !== null;
    await recordAuditEvent(trx, {
      actor: issue.actor,
      action: 'system.api_key.issue',
      target: { kind: 'system', id: issue.clientId },
      after: { replacedKey },
      requestId: issue.requestId,
    });
    return { clientId: issue.clientId, apiKey, replacedKey };
  });
}

const keyChanged = (clientId: string) =>
  new ConflictError(
    'api_key_changed',
    `System ${clientId}'s API key was replaced after the page you acted on was shown (the button pressed twice, or another administrator): it was not replaced again. Read the page again.`,
  );
