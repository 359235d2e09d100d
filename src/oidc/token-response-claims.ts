import type { Middleware } from 'koa';
import { claimScopes } from './scopes.ts';

/**
 * The real service puts the released claims at the top level of the token response, and integrations read
 * them there (tokenResponse.pid, tokenResponse.address.formatted). Add them after the library has answered.
 */
export const tokenResponseClaims: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as Record<string, unknown> | undefined;
  const account = ctx.oidc?.account;
  if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !body || typeof body.scope !== 'string' || !account) return;
  const claims = await account.claims('userinfo', body.scope, {}, []);
  for (const scope of body.scope.split(' ')) {
    if (claimScopes.includes(scope) && claims[scope] !== undefined && !(scope in body)) body[scope] = claims[scope];
  }
};
