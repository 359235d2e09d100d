import type { AdapterPayload } from 'oidc-provider';
import type { ActiveClient } from '../agencies/queries.ts';
import { requestableScopes } from './scopes.ts';
import { agencySectorUri } from './subjects.ts';

/** Fields of ours that ride along in the client metadata, for pages and pairwise subjects. */
export const extraClientFields = [
  'agency_id',
  'agency_name_th',
  'agency_name_en',
  'system_name',
  'purpose',
  'wire_profile',
  'api_key_hash',
  'previous_secret_hash',
  'daily_quota',
  'quota_used_up',
] as const;

/** The columns of an active system that its client metadata is made of. */
const clientColumns = [
  'client_id',
  'client_secret_hash',
  'name',
  'redirect_uris',
  'scopes',
  'token_endpoint_auth_method',
  'agency_id',
  'agency_name_th',
  'agency_name_en',
  'purpose',
  'wire_profile',
  'id_token_alg',
  'api_key_hash',
  'live_previous_secret_hash',
  'daily_quota',
  'quota_used_up',
] as const;
export type ClientFields = Pick<ActiveClient, (typeof clientColumns)[number]>;

/**
 * The oidc-provider client metadata for an active system. client_secret carries the stored hash; the
 * provider's secret comparison is replaced to check against it (see oidc/provider.ts).
 */
export function clientMetadata(system: ClientFields): AdapterPayload {
  return {
    client_id: system.client_id,
    ...(system.client_secret_hash ? { client_secret: system.client_secret_hash } : {}),
    client_name: system.name,
    redirect_uris: system.redirect_uris,
    // The approved data items, and their v1 names.
    scope: requestableScopes(system.scopes).join(' '),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: system.token_endpoint_auth_method,
    id_token_signed_response_alg: system.id_token_alg,
    sector_identifier_uri: agencySectorUri(system.agency_id),
    agency_id: system.agency_id,
    agency_name_th: system.agency_name_th,
    agency_name_en: system.agency_name_en,
    system_name: system.name,
    purpose: system.purpose,
    wire_profile: system.wire_profile,
    api_key_hash: system.api_key_hash,
    // The secret a rotation replaced, only while it is still accepted (the view decides, by the database's clock).
    previous_secret_hash: system.live_previous_secret_hash,
    // For the authorization endpoint's quota check (src/enforcement/daily-quota.ts), as of this lookup.
    daily_quota: system.daily_quota,
    quota_used_up: system.quota_used_up,
  };
}
