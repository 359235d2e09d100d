import type { Kysely } from 'kysely';
import { setFirstPartyRedirectUris } from '../agencies/first-party-systems.ts';
import type { Schema } from '../db/schema.ts';
import { callbackUrl, consoles } from './consoles.ts';

/**
 * Points the staff console's and the agency portal's systems at this server's callbacks. A migration cannot know
 * ISSUER, so the server does it at start; a system's redirect URIs must match exactly, as for any client.
 * Returns the client IDs whose URIs changed.
 */
export async function pointConsolesAtIssuer(db: Kysely<Schema>, issuer: string): Promise<string[]> {
  const changed: string[] = [];
  for (const site of Object.values(consoles)) {
    if (await setFirstPartyRedirectUris(db, site.clientId, [callbackUrl(issuer, site)])) changed.push(site.clientId);
  }
  return changed;
}
