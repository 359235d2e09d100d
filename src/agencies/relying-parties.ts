import type { Kysely } from 'kysely';
import type { IdTokenAlg, Schema, WireProfile } from '../db/schema.ts';
import { hashCredential, newApiKey, newClientId, newClientSecret } from './client-credentials.ts';
import { insertAgencyWithSystem } from './queries.ts';

export interface RelyingPartyRequest {
  /** Agency name in Thai (or the only name given). */
  name: string;
  /** Agency name in English; defaults to `name`. */
  nameEn?: string | undefined;
  systemName?: string | undefined;
  purpose?: string | undefined;
  redirectUris: string[];
  /** Data items the system is approved for; `openid` is always included. */
  scopes: string[];
  /** A public client (a single-page or native app) has no secret and must use PKCE. */
  publicClient?: boolean | undefined;
  /** 'thaid' (default) behaves as the real service does; 'strict' as the standards are written. */
  profile?: WireProfile | undefined;
  /** How its ID tokens are signed; RS256 by default. */
  idTokenAlg?: IdTokenAlg | undefined;
  /** Fixed credentials, for the documented demo relying party only. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  apiKey?: string | undefined;
}

export interface RelyingPartyCredentials {
  agencyId: string;
  clientId: string;
  /** Shown once; only its hash is stored. Absent for public clients. */
  clientSecret: string | undefined;
  /** Shown once, as the secret is; requests may carry it in x-imauth-apikey (or x-api-key). */
  apiKey: string;
  redirectUris: string[];
  scopes: string[];
  profile: WireProfile;
  idTokenAlg: IdTokenAlg;
}

/** Registers an agency that is already approved, with one system: a demo shortcut past the approval workflow. */
export async function createApprovedRelyingParty(
  db: Kysely<Schema>,
  request: RelyingPartyRequest,
): Promise<RelyingPartyCredentials> {
  const clientId = request.clientId ?? newClientId();
  const clientSecret = request.publicClient ? undefined : (request.clientSecret ?? newClientSecret());
  const apiKey = request.apiKey ?? newApiKey();
  const profile = request.profile ?? 'thaid';
  const idTokenAlg = request.idTokenAlg ?? 'RS256';
  const scopes = [...new Set(['openid', ...request.scopes])];
  const { agencyId } = await insertAgencyWithSystem(
    db,
    { nameTh: request.name, nameEn: request.nameEn ?? request.name },
    {
      clientId,
      name: request.systemName ?? request.name,
      purpose: request.purpose ?? `Sign-in to ${request.name}`,
      redirectUris: request.redirectUris,
      scopes,
      tokenEndpointAuthMethod: request.publicClient ? 'none' : 'client_secret_basic',
      clientSecretHash: clientSecret === undefined ? null : hashCredential(clientSecret),
      wireProfile: profile,
      idTokenAlg,
      apiKeyHash: hashCredential(apiKey),
    },
  );
  return { agencyId, clientId, clientSecret, apiKey, redirectUris: request.redirectUris, scopes, profile, idTokenAlg };
}
