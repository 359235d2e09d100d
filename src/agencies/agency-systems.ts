import type { Kysely } from 'kysely';
import type { IdTokenAlg, Schema, Status, WireProfile } from '../db/schema.ts';
import { withUsage, type SystemUsage } from '../enforcement/usage-queries.ts';
import { systemRowsOfAgency } from './listing-queries.ts';
import { apiKeyVersionOf } from './api-key-issue.ts';
import { systemsWithUnseenApiKey } from './api-key-queries.ts';
import { secretVersionOf } from './secret-rotation.ts';

/** One system of an agency, as its administrator reads it in the agency portal: everything but its secrets. */
export interface AgencySystemDetail extends SystemUsage {
  clientId: string;
  name: string;
  status: Status;
  /** Whether it may act right now (its agency active too, and no change scheduled that has taken effect). */
  active: boolean;
  redirectUris: string[];
  /** The data items it is approved for; openid is always given and is not listed. */
  dataItems: string[];
  /** A public client has no secret (it signs in with PKCE alone), so there is none to rotate. */
  publicClient: boolean;
  profile: WireProfile;
  idTokenAlg: IdTokenAlg;
  /** Which secret it has now (secretVersionOf, never the secret): a rotation names it; null for a public client. */
  secretVersion: string | null;
  /** Until when the secret replaced by the last rotation still works; null when none does. */
  previousSecretExpiresAt: Date | null;
  /** Which API key it has now (apiKeyVersionOf, never the key): an issue names it. */
  apiKeyVersion: string;
  hasApiKey: boolean;
  /** Whether its API key is one no one was shown (made at an approval in the staff console, not issued since). */
  apiKeyUnseen: boolean;
  createdAt: Date;
}

/** The agency's systems, oldest first, with their quota and today's requests. */
export async function systemsOfAgency(db: Kysely<Schema>, agencyId: string): Promise<AgencySystemDetail[]> {
  const [rows, unseen] = await Promise.all([systemRowsOfAgency(db, agencyId), systemsWithUnseenApiKey(db, agencyId)]);
  const now = Date.now();
  return withUsage(
    db,
    rows.map((row) => {
      const graceEnds = row.previous_secret_expires_at === null ? null : new Date(row.previous_secret_expires_at);
      return {
        clientId: row.client_id,
        name: row.name,
        status: row.status,
        active: Boolean(row.active),
        redirectUris: row.redirect_uris,
        dataItems: row.scopes.filter((scope) => scope !== 'openid'),
        publicClient: row.token_endpoint_auth_method === 'none',
        profile: row.wire_profile,
        idTokenAlg: row.id_token_alg,
        secretVersion: row.client_secret_hash === null ? null : secretVersionOf(row.client_secret_hash),
        previousSecretExpiresAt: graceEnds !== null && graceEnds.getTime() > now ? graceEnds : null,
        apiKeyVersion: apiKeyVersionOf(row.api_key_hash),
        hasApiKey: row.api_key_hash !== null,
        apiKeyUnseen: unseen.has(row.client_id),
        createdAt: new Date(row.created_at),
      };
    }),
  );
}
