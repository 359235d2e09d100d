import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { setSystemRedirectUris, systemRedirectUris } from './queries.ts';

/*
 * DOPA itself as an agency, and its two systems through which staff and agencies sign in with ThaID
 * (migration 0022). They are relying parties like any other, but no one may suspend or cancel them: staff would
 * lock themselves out of the console that reinstates systems.
 */

export const dopaAgencyId = 'd0a0d0a0-0000-4000-8000-000000000001';

export const firstPartyClientIds = {
  staff: 'dopa-staff-console',
  agency: 'dopa-agency-portal',
} as const;

const clientIds: readonly string[] = Object.values(firstPartyClientIds);

/** Why a status change of this agency or system is refused, or undefined when it is not one of DOPA's own. */
export function firstPartyRefusal(target: { kind: 'agency' | 'system'; id: string }): string | undefined {
  if (target.kind === 'agency' && target.id.toLowerCase() === dopaAgencyId) {
    return `Agency ${target.id} is DOPA itself, whose staff console and agency portal sign people in: it cannot be suspended or cancelled.`;
  }
  if (target.kind === 'system' && clientIds.includes(target.id)) {
    return `System ${target.id} is DOPA's own sign-in for the ${target.id === firstPartyClientIds.staff ? 'staff console' : 'agency portal'}: it cannot be suspended or cancelled.`;
  }
  return undefined;
}

/**
 * Gives a first-party system exactly these redirect URIs, when it has others: true when it changed them. The
 * server calls it at start, as the URIs follow its ISSUER.
 */
export async function setFirstPartyRedirectUris(db: Kysely<Schema>, clientId: string, redirectUris: string[]): Promise<boolean> {
  if (!clientIds.includes(clientId)) throw new Error(`${clientId} is not a first-party system`);
  const current = await systemRedirectUris(db, clientId);
  if (!current) throw new Error(`The first-party system ${clientId} is missing: migration 0022 creates it`);
  if (current.length === redirectUris.length && current.every((uri, i) => uri === redirectUris[i])) return false;
  await setSystemRedirectUris(db, clientId, redirectUris);
  return true;
}
