import { createHash } from 'node:crypto';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { credentialMatches, systemSecretMatches } from '../agencies/client-credentials.ts';
import { isThaidProfile, logDeparture } from './wire-profile.ts';

/*
 * Every use of oidc-provider's internals, where the library offers no option: hashed client secrets, API keys,
 * at_hash, the thaid wire profile's quirks, the interaction the authorization endpoint started, and the size limit
 * of request bodies. Each item
 * names the library behaviour it relies on and the test that fails if the library changes it. The wrappers read
 * the request through Provider.ctx (the library's AsyncLocalStorage of its context), which is set while the
 * provider handles a request and unset elsewhere (our own routes, the CLI). Everything else uses the library's
 * documented configuration and ctx.oidc.
 */

type Client = InstanceType<Provider['Client']>;
type ClientLike = { [key: string]: unknown; clientId: string; clientAuthMethod?: string };
type AccessToken = InstanceType<Provider['AccessToken']>;
type AuthorizationCode = InstanceType<Provider['AuthorizationCode']>;
type RefreshToken = InstanceType<Provider['RefreshToken']>;

/** A model's static find, as the library calls it. */
type Find<T> = (value: string, options?: { ignoreExpiration?: boolean }) => Promise<T | undefined>;

/** Replaces a model's static find with one built on the original. */
function wrapFind<T>(model: object, wrap: (original: Find<T>) => Find<T>): void {
  const holder = model as { find: Find<T> };
  holder.find = wrap(holder.find.bind(model));
}

/** The headers integrations send the API key in: the real service's own, and the one another integration uses. */
const apiKeyHeaders = ['x-imauth-apikey', 'x-api-key'] as const;

/** invalid_client, with 401 as for a failed client authentication (the library's class answers 400). */
function apiKeyRefused(description: string) {
  const error = new errors.InvalidClient(description);
  Object.assign(error, { status: 401, statusCode: 401 });
  return error;
}

/**
 * API keys. A request may carry its system's API key; one that carries another is refused before anything is
 * done. Relies on: every endpoint resolves its client through the static Client.find (client authentication,
 * userinfo's token client, the authorization request). Test: test/oidc/wire-profiles.test.ts, "API keys".
 */
function checkApiKeys(provider: Provider): void {
  const find = provider.Client.find.bind(provider.Client);
  provider.Client.find = async (id: string) => {
    const client = await find(id);
    const ctx = Provider.ctx;
    if (!client || !ctx) return client;
    // The key is the calling system's: a lookup of another system (introspection's, of a token's owner) is not
    // checked against it.
    if (ctx.oidc?.client && ctx.oidc.client.clientId !== client.clientId) return client;
    const header = apiKeyHeaders.find((name) => ctx.get(name) !== '');
    if (!header) return client;
    const stored = (client as unknown as ClientLike)['api_key_hash'];
    if (typeof stored !== 'string') {
      throw apiKeyRefused(`No API key was issued to system ${client.clientId}: send the request without the ${header} header, or have one issued (the agency portal, or \`system new-api-key\`).`);
    }
    if (!credentialMatches(ctx.get(header), stored)) {
      throw apiKeyRefused(`The API key in the ${header} header is not the one issued to system ${client.clientId}. Send the key last issued to it (shown once, when issued), or no key.`);
    }
    return client;
  };
}

/**
 * at_hash in every ID token from the token endpoint, as the real service's show (its samples display it). The
 * library sets it only for ID tokens from the authorization endpoint. Relies on: IdToken#issue hashes an
 * at_hash set with IdToken#set, and the token endpoint has stored its access token as the AccessToken entity,
 * whose jti is the opaque token's value, before it issues the ID token. Test: test/oidc/wire-profiles.test.ts,
 * "ID token claims".
 */
function addAccessTokenHash(provider: Provider): void {
  const prototype = provider.IdToken.prototype as unknown as {
    issue(this: IdTokenInternals, options?: { use?: string }): Promise<string>;
  };
  interface IdTokenInternals {
    ctx?: { oidc?: { entities?: { AccessToken?: { jti?: string } } } };
    extra: Record<string, unknown>;
    set(key: string, value: unknown): void;
  }
  const issue = prototype.issue;
  prototype.issue = function issueWithAccessTokenHash(this: IdTokenInternals, options) {
    const accessToken = this.ctx?.oidc?.entities?.AccessToken?.jti;
    if (options?.use === 'idtoken' && accessToken && this.extra['at_hash'] === undefined) this.set('at_hash', accessToken);
    return issue.call(this, options);
  };
}

/**
 * Token lookups of the thaid profile. (1) Two of the real service's official samples introspect (and its manual
 * revokes) a token sent as "Bearer <token>": the prefix is dropped. Relies on: introspection and revocation
 * authenticate the client before they look the token up with AccessToken.find / RefreshToken.find. (2) A token
 * granted without openid (a plain OAuth 2.0 sign-in, as many integrations make) may still read its claims at
 * userinfo, which the library allows only to tokens with openid. Relies on: userinfo checks the openid scope of
 * the token AccessToken.find returned. Tests: test/oidc/wire-profiles.test.ts, "Bearer prefix", "without openid".
 */
function acceptThaidTokenQuirks(provider: Provider): void {
  const stripBearer = (value: unknown) => {
    const ctx = Provider.ctx;
    if (typeof value !== 'string' || !/^Bearer\s+/i.test(value)) return value;
    const route = ctx?.oidc?.route;
    if ((route !== 'introspection' && route !== 'revocation') || !isThaidProfile(ctx?.oidc?.client as ClientLike | undefined)) return value;
    const params = ctx!.oidc.params as Record<string, unknown>;
    // Revocation looks the token up as every kind of token at once: the first lookup logs and replaces it.
    if (params['token'] === value) logDeparture(ctx, ctx?.oidc?.client?.clientId, `sent the token to ${route} with a "Bearer " prefix`);
    const bare = value.replace(/^Bearer\s+/i, '');
    // The answer is then the bare token's: the library leaves out a jti equal to the token it was sent.
    params['token'] = bare;
    return bare;
  };

  wrapFind<RefreshToken>(provider.RefreshToken, (find) => (value, options) => find(stripBearer(value) as string, options));

  wrapFind<AccessToken>(provider.AccessToken, (find) => async (value, options) => {
    const token = await find(stripBearer(value) as string, options);
    const ctx = Provider.ctx;
    if (!token || ctx?.oidc?.route !== 'userinfo' || token.scopes.has('openid') || !token.clientId) return token;
    const client = await provider.Client.find(token.clientId);
    // A system that may no longer act: refused as userinfo refuses a token whose client is gone.
    if (!client) throw new errors.InvalidToken('associated client not found');
    // The in-memory copy only: the stored token keeps its scopes, and userinfo still releases only granted claims.
    if (isThaidProfile(client)) token.scope = `openid ${token.scope ?? ''}`.trim();
    return token;
  });
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * PKCE for confidential clients of the thaid profile is not checked: the real service's official C# sample
 * redeems its code with a fresh code_verifier, which works only there. A mismatch is logged and the code's
 * challenge set aside for this request; so is a code_verifier sent for a code whose request had no
 * code_challenge, which the library would otherwise refuse. Public clients are always checked. Relies on: the
 * authorization_code grant reads the code with AuthorizationCode.find, then checks ctx.oidc.params.code_verifier
 * against the code's codeChallenge (and refuses a verifier when there is no challenge); the code is consumed by
 * id, so the in-memory change is never stored. Test: test/oidc/wire-profiles.test.ts, "PKCE".
 */
function relaxPkceForConfidentialThaidClients(provider: Provider): void {
  wrapFind<AuthorizationCode>(provider.AuthorizationCode, (find) => async (value, options) => {
    const code = await find(value, options);
    const ctx = Provider.ctx;
    const client = ctx?.oidc?.client as (Client & ClientLike) | undefined;
    if (!code || ctx?.oidc?.route !== 'token' || !client || client.clientAuthMethod === 'none') return code;
    // Only the system's own unused code: anything else the library refuses anyway, and nothing is logged for it.
    if (!isThaidProfile(client) || code.clientId !== client.clientId || (code as { consumed?: unknown }).consumed) return code;
    const params = ctx.oidc.params as Record<string, unknown>;
    const verifier = params['code_verifier'];
    if (!code.codeChallenge) {
      if (verifier === undefined || verifier === '') return code;
      logDeparture(ctx, client.clientId, 'redeemed a code requested without a code_challenge with a code_verifier');
      params['code_verifier'] = undefined;
      return code;
    }
    if (typeof verifier === 'string' && code.codeChallengeMethod === 'S256' && s256(verifier) === code.codeChallenge) return code;
    logDeparture(ctx, client.clientId, verifier === undefined ? 'redeemed a PKCE code without its code_verifier' : 'redeemed a PKCE code with a code_verifier that does not match its code_challenge');
    code.codeChallenge = undefined;
    params['code_verifier'] = undefined;
    return code;
  });
}

/**
 * Client secrets are stored hashed; a client's metadata carries the hash as client_secret (see
 * client-metadata.ts), and, for a grace window after a rotation, the replaced secret's hash as
 * previous_secret_hash (present only while it is still accepted). Relies on: client_secret_basic and
 * client_secret_post authentication call Client#compareClientSecret (an undocumented method) with the secret
 * sent; client_secret_jwt, which would need the secret itself, is not enabled. Tests:
 * test/oidc/discovery-and-endpoints.test.ts, "the token endpoint"; test/agencies/secret-rotation.test.ts.
 */
function compareHashedSecrets(provider: Provider): void {
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string; [key: string]: unknown }, actual: string) {
    return systemSecretMatches(actual, { current: this.clientSecret, livePrevious: this['previous_secret_hash'] });
  };
}

/**
 * The interaction the authorization endpoint has just started, if this request was one that did. Relies on: the
 * authorization endpoint leaves the interaction it saved as ctx.oidc.entities.Interaction when it answers with
 * the redirect to the login page. Test: test/login/login-page-in-chromium.test.ts (the page in the first answer).
 */
export function interactionStartedBy(ctx: object) {
  const { oidc } = ctx as { oidc?: { route?: string; entities?: { Interaction?: unknown } } };
  if (oidc?.route !== 'authorization') return undefined;
  return oidc.entities?.Interaction as InstanceType<Provider['Interaction']> | undefined;
}

/** The most a request body to the provider's endpoints may hold: the library's own limit, which it offers no option for. */
export const providerBodyLimitBytes = 56 * 1024;

/** Calls `listener` with each error of an endpoint whose body the library reads, as the library emits it. */
export function onBodyEndpointError(provider: Provider, listener: (ctx: KoaContextWithOIDC, error: Error) => void): void {
  provider.on('grant.error', listener);
  provider.on('introspection.error', listener);
  provider.on('revocation.error', listener);
  provider.on('userinfo.error', listener);
}

/**
 * Whether the provider refused a request for its body's size. Relies on: the library reads the bodies of the
 * token, introspection, revocation and userinfo endpoints itself, up to 56 KiB, and refuses a larger one with
 * invalid_request "failed to parse the request body", whose cause is an Error "request entity too large"; it
 * emits the error as these endpoints' error events (onBodyEndpointError). Test: test/http/json-body.test.ts, "a
 * body over the size an address takes".
 */
export function isBodyTooLargeForProvider(error: unknown): boolean {
  if (!(error instanceof errors.InvalidRequest)) return false;
  const { cause } = error as { cause?: unknown };
  return cause instanceof Error && cause.message === 'request entity too large';
}

/*
 * Also relied on, with no wrapper here: the login page is served at the provider's own resume address
 * (/api/v2/oauth2/auth/<uid>, src/login/paths.ts), and once the browser's request has stored the interaction's
 * result, the page's handler hands the request on (next()) for the provider to resume from that result. Relies
 * on: the resume route reads the interaction afresh and destroys it before it uses the result (the adapter lets
 * one destroy pass, so one resume). Tests: test/login/full-login.test.ts, test/login/login-transactions.test.ts
 * ("reloads at once").
 */

/** Applies every item above (secrets, API keys and at_hash in every profile, the rest for thaid) to a new provider, once. */
export function applyProviderHooks(provider: Provider): void {
  compareHashedSecrets(provider);
  checkApiKeys(provider);
  addAccessTokenHash(provider);
  acceptThaidTokenQuirks(provider);
  relaxPkceForConfidentialThaidClients(provider);
}
