import type { Middleware } from 'koa';
import { MethodNotAllowedError } from '../errors.ts';

/** The real service's endpoint paths (see the ThaID profile). */
const oidcPrefix = '/api/v2/oauth2';

export const endpointPaths = {
  authorization: `${oidcPrefix}/auth/`,
  token: `${oidcPrefix}/token/`,
  introspection: `${oidcPrefix}/introspect/`,
  revocation: `${oidcPrefix}/revoke/`,
  userinfo: `${oidcPrefix}/userinfo/`,
  jwks: `${oidcPrefix}/jwks/`,
} as const;

/** The older v1 API's prefix: the same endpoints, with the v1 names of claims (README, "The v1 API"). */
const v1Prefix = '/api/v1/oauth2';

const discoveryPath = '/.well-known/openid-configuration';

const withAndWithoutSlash = (path: string, target: string): [string, string][] => [
  [path, target],
  [path.slice(0, -1), target],
];

const aliases = new Map<string, string>([
  ...Object.values(endpointPaths).flatMap((path) => withAndWithoutSlash(path, path)),
  [discoveryPath, discoveryPath],
  [`${oidcPrefix}${discoveryPath}`, discoveryPath],
  [`${oidcPrefix}${discoveryPath}/`, discoveryPath],
  [`${discoveryPath}/`, discoveryPath],
  // One of the real service's official samples fetches its keys at the host's root.
  ...withAndWithoutSlash('/jwks/', endpointPaths.jwks),
]);

/** The v1 endpoints, each answered by its v2 endpoint. */
const v1Aliases = new Map<string, string>(
  (['authorization', 'token', 'introspection', 'revocation', 'userinfo'] as const).flatMap((endpoint) =>
    withAndWithoutSlash(endpointPaths[endpoint].replace(oidcPrefix, v1Prefix), endpointPaths[endpoint]),
  ),
);

/*
 * oidc-provider's router finds an endpoint whatever the case of the path's letters, and tries again without one
 * trailing slash: /API/V2/OAUTH2/TOKEN/ and /api/v2/oauth2/token// reach the token endpoint too. Every path is
 * looked up here the same way and answered as its endpoint's one spelling, so that everything that checks which
 * endpoint a request is for (the disclosure record, the rate limits) sees the request the provider serves.
 * A path with other than ASCII characters names none of them, in either.
 */
const folded = (table: Map<string, string>) => new Map([...table].map(([path, target]) => [path.toUpperCase(), target]));
const foldedAliases = folded(aliases);
const foldedV1Aliases = folded(v1Aliases);

function lookUp(table: Map<string, string>, path: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(path)) return undefined;
  const key = path.toUpperCase();
  return table.get(key) ?? (key.length > 1 && key.endsWith('/') ? table.get(key.slice(0, -1)) : undefined);
}

/** The API a request came in by: claims in its responses use that API's names and formats. */
export function apiVersionOf(ctx: { state?: { apiVersion?: unknown } }): 'v1' | 'v2' {
  return ctx.state?.apiVersion === 'v1' ? 'v1' : 'v2';
}

/**
 * What each endpoint is called in messages, and the methods it answers; one that answers GET also answers HEAD,
 * but for the authorization endpoint, where a HEAD (a link checker's, say) would start a sign-in that no one
 * finishes and count against the system's daily quota.
 */
const endpointMethods = new Map<string, { name: string; methods: string[]; head?: false }>([
  [endpointPaths.authorization, { name: 'The authorization endpoint', methods: ['GET', 'POST'], head: false }],
  [endpointPaths.token, { name: 'The token endpoint', methods: ['POST'] }],
  [endpointPaths.introspection, { name: 'The introspection endpoint', methods: ['POST'] }],
  [endpointPaths.revocation, { name: 'The revocation endpoint', methods: ['POST'] }],
  [endpointPaths.userinfo, { name: 'The userinfo endpoint', methods: ['GET', 'POST'] }],
  [endpointPaths.jwks, { name: 'The JWKS endpoint', methods: ['GET'] }],
  [discoveryPath, { name: 'The discovery document', methods: ['GET'] }],
]);

/**
 * Integrations write the endpoints with and without their trailing slash, configure either the host or the
 * authority https://HOST/api/v2/oauth2, and older ones call the v1 API: answer all of them from the same routes. An endpoint asked with a
 * method it does not answer (a GET to the token endpoint, say) gets 405 naming the methods it does. Every OPTIONS
 * gets 204 with them in Allow: a CORS preflight the provider answered keeps its Access-Control headers, and a plain
 * OPTIONS, which the provider leaves unanswered, is answered alike rather than refused.
 */
export const endpointAliases: Middleware = async (ctx, next) => {
  const v1Target = lookUp(foldedV1Aliases, ctx.path);
  if (v1Target) ctx.state.apiVersion = 'v1';
  const target = v1Target ?? lookUp(foldedAliases, ctx.path);
  if (target && target !== ctx.path) ctx.path = target;
  const endpoint = endpointMethods.get(ctx.path);
  const methods = endpoint && [...endpoint.methods, ...(endpoint.methods.includes('GET') && endpoint.head !== false ? ['HEAD'] : []), 'OPTIONS'];
  if (endpoint && methods && ctx.method === 'HEAD' && !methods.includes('HEAD')) throw new MethodNotAllowedError(endpoint.name, ctx.method, methods);
  await next();
  if (!endpoint || !methods) return;
  const unanswered = ctx.status === 404 && ctx.body == null;
  if (ctx.method === 'OPTIONS' && (unanswered || ctx.status === 204)) {
    ctx.status = 204;
    ctx.set('Allow', methods.join(', '));
    return;
  }
  if (!unanswered || methods.includes(ctx.method)) return;
  throw new MethodNotAllowedError(endpoint.name, ctx.method, methods);
};
