import type { Middleware } from 'koa';

/** The real service's endpoint paths (see the ThaID profile). */
export const oidcPrefix = '/api/v2/oauth2';

export const endpointPaths = {
  authorization: `${oidcPrefix}/auth/`,
  token: `${oidcPrefix}/token/`,
  introspection: `${oidcPrefix}/introspect/`,
  revocation: `${oidcPrefix}/revoke/`,
  userinfo: `${oidcPrefix}/userinfo/`,
  jwks: `${oidcPrefix}/jwks/`,
} as const;

const discoveryPath = '/.well-known/openid-configuration';

const aliases = new Map<string, string>([
  ...Object.values(endpointPaths).map((path): [string, string] => [path.slice(0, -1), path]),
  [`${oidcPrefix}${discoveryPath}`, discoveryPath],
  [`${oidcPrefix}${discoveryPath}/`, discoveryPath],
  [`${discoveryPath}/`, discoveryPath],
]);

/**
 * Integrations write the endpoints with and without their trailing slash, and configure either the host or
 * the authority https://HOST/api/v2/oauth2: answer all of them from the same routes.
 */
export const endpointAliases: Middleware = async (ctx, next) => {
  const target = aliases.get(ctx.path);
  if (target) ctx.path = target;
  await next();
};
