import type { Middleware } from 'koa';
import { apiVersionOf } from './paths.ts';
import { releasableScopes } from './scopes.ts';
import { isThaidProfile } from './wire-profile.ts';

/**
 * The token response as the real service shapes it, added after the library has answered:
 * - the released claims at its top level, where integrations read them (tokenResponse.pid,
 *   tokenResponse.address.formatted), in every profile;
 * - in the thaid profile, `expires_in` as the Unix time the access token expires, as the official samples'
 *   models and views read it; v1 responses also name it `expire_in`, as v1 integrations read it.
 */
export const tokenResponseClaims: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !body) return;
  const account = ctx.oidc.account;
  if (typeof body.scope === 'string' && account) {
    const claims = await account.claims('userinfo', body.scope, {}, []);
    for (const scope of body.scope.split(' ')) {
      if (releasableScopes.includes(scope) && claims[scope] !== undefined && !(scope in body)) body[scope] = claims[scope];
    }
  }
  if (typeof body.expires_in === 'number' && isThaidProfile(ctx.oidc.client)) {
    body.expires_in = Math.floor(Date.now() / 1000) + body.expires_in;
    if (apiVersionOf(ctx) === 'v1') body.expire_in = body.expires_in;
  }
};
