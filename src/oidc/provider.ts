import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import Provider, { errors, interactionPolicy, type Configuration } from 'oidc-provider';
import type { CookieSigner } from '../http/cookie-signer.ts';
import { clientMetadata, extraClientFields } from './client-metadata.ts';
import { findActiveSystem } from '../agencies/queries.ts';
import { reading } from '../db/request-transaction.ts';
import type { Schema } from '../db/schema.ts';
import { createAdapterClass } from './adapter.ts';
import { renderError } from './error-page.ts';
import { createFindAccount } from './find-account.ts';
import { lifetimes } from './lifetimes.ts';
import { endpointPaths } from './paths.ts';
import { claimsByScope, releasableScopes, supportedScopes } from './scopes.ts';
import { subjectFor } from './subjects.ts';
import { tokenResponseClaims } from './token-response-claims.ts';
import { applyProviderHooks } from './provider-internals.ts';
import { explainClientAuthFailures } from './client-auth-failures.ts';
import { logRefusedGrants } from './refused-grants.ts';
import { revocationResponse } from './revocation-response.ts';
import { isThaidProfile } from './wire-profile.ts';
import { dailyQuotaCheck } from '../enforcement/daily-quota.ts';
import { recordUnapprovedScopeRequests } from '../enforcement/unapproved-scopes.ts';

/** Options of the provider's short-lived cookies (the interaction's); a route that sets one uses the same. */
export const shortCookieOptions = { signed: true, httpOnly: true, sameSite: 'lax' } as const;

export interface ProviderOptions {
  issuer: string;
  db: Kysely<Schema>;
  /** Private JWKs, current keys first. */
  signingKeys: JWK[];
  /** Signs the provider's cookies; the same keys as the outer app's. */
  cookieSigner: CookieSigner;
  /** Secret salt of pairwise subject identifiers; fixed for the life of the installation. */
  pairwiseSalt: string;
  trustProxy: boolean;
  /** Where the login page for an authorization request lives. */
  loginPageUrl: (uid: string) => string;
}

/**
 * Every authorization request needs the citizen's approval on their device, even when the browser still has a
 * session from an earlier sign-in: the login prompt is satisfied only by a result from this very interaction.
 */
function freshApprovalPolicy() {
  const policy = interactionPolicy.base();
  // In the strict profile every sign-in is an OpenID Connect one; the thaid profile also serves plain OAuth 2.0
  // requests for data items, as the real service does for the many integrations that send no openid. The check
  // runs before any interaction starts, so a refused request goes back to the relying party at once.
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('openid_scope_required', 'The openid scope is required', (ctx) => {
      const scopes = String(ctx.oidc.params?.scope ?? '').split(' ');
      if (!isThaidProfile(ctx.oidc.client) && !scopes.includes('openid')) {
        throw new errors.InvalidScope('a system of the strict profile must request the openid scope', 'openid');
      }
      // Without openid or a data item nothing would be released and no one signed in: the citizen is not asked.
      if (!scopes.some((scope) => scope === 'openid' || releasableScopes.includes(scope))) {
        throw new errors.InvalidScope('the scope requests neither openid nor a data item (pid, name, …); scopes are separated by spaces', 'openid');
      }
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  // A system over its daily quota starts no new sign-in; it is told so at its redirect URI.
  policy.get('login')!.checks.add(dailyQuotaCheck(), 1);
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('device_approval_required', 'Every sign-in is approved on the citizen’s ThaID device', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

export function createProvider(options: ProviderOptions): Provider {
  const { db } = options;
  const findClient = async (clientId: string) => {
    const system = await findActiveSystem(await reading(db), clientId);
    return system && clientMetadata(system);
  };

  const configuration: Configuration = {
    adapter: createAdapterClass(db, findClient),
    findAccount: createFindAccount(db),
    claims: claimsByScope(),
    // Scope-based claims go into the ID token too, as ThaID integrations expect them there.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // A relying party must name its redirect URI, as the real service requires, even when it has only one.
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      requestObjectSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'ES256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    extraClientMetadata: { properties: [...extraClientFields] },
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx, pid, client) => subjectFor(options.pairwiseSalt, String(client['agency_id']), pid),
    sectorIdentifierUriValidate: () => false,
    scopes: [...supportedScopes],
    // Tokens live by their own lifetimes and their grant, not by the browser session at this provider: every
    // sign-in is approved afresh on the device, so that session is never used again.
    expiresWithSession: async () => false,
    // The real service returns a refresh token with every code exchange, with or without openid.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh gives a new refresh token, for confidential clients too (the library's default rotates
    // theirs only late in its life): one used again after it was replaced is a stolen copy, and the library then
    // ends the whole grant.
    rotateRefreshToken: true,
    routes: endpointPaths,
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // A system may introspect only the tokens issued to it.
        allowedPolicy: async (ctx, _client, token) => token.clientId === ctx.oidc.client?.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => {
          if (token.clientId === ctx.oidc.client?.clientId) return true;
          // RFC 7009, 2.1: a token issued to another client is refused and the client told so; the thaid profile
          // answers as for a token it does not know.
          if (!isThaidProfile(client)) throw new errors.UnauthorizedClient('the token was not issued to this client, so it cannot revoke it');
          return false;
        },
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      registration: { enabled: false },
      claimsParameter: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    interactions: { policy: freshApprovalPolicy(), url: async (_ctx, interaction) => options.loginPageUrl(interaction.uid) },
    jwks: { keys: options.signingKeys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      // Typed as a list of keys; the provider also takes a signer with Keygrip's methods.
      keys: options.cookieSigner as unknown as string[],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { ...shortCookieOptions },
    },
    ttl: {
      AuthorizationCode: lifetimes.AuthorizationCode,
      AccessToken: lifetimes.AccessToken,
      IdToken: lifetimes.IdToken,
      RefreshToken: lifetimes.RefreshToken,
      Grant: lifetimes.Grant,
      Interaction: lifetimes.Interaction,
      Session: lifetimes.Session,
    },
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
    renderError,
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.trustProxy;

  applyProviderHooks(provider);
  recordUnapprovedScopeRequests(provider, db);
  logRefusedGrants(provider);
  provider.use(tokenResponseClaims);
  provider.use(revocationResponse);
  provider.use(explainClientAuthFailures);
  return provider;
}

