import type { Middleware } from 'koa';
import { apiVersionOf } from './paths.ts';
import { releasableScopes } from './scopes.ts';
import { isThaidProfile } from './wire-profile.ts';

/**
 * The token response as the real service shapes it, added after the library has answered:
 * - the released claims at its top level, where integrations read them (tokenResponse.pid,
 *   tokenResponse.address.formatted), in every profile;
 * - in the thaid profile, `expires_in` as the Unix time the access token expires, as the official samples'
 *   models and views read it;
 * - in v1 responses, that Unix time as `expire_in` too, as v1 integrations read it: a v1 name, so in every profile
 *   (strict keeps the standard `expires_in`, in seconds, beside it).
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
  if (typeof body.expires_in === 'number') {
    const expiresAt = Math.floor(Date.now() / 1000) + body.expires_in;
    if (apiVersionOf(ctx) === 'v1') body.expire_in = expiresAt;
    if (isThaidProfile(ctx.oidc.client)) body.expires_in = expiresAt;
  }
};
