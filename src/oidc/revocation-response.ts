import type { Middleware } from 'koa';
import { isThaidProfile } from './wire-profile.ts';

/**
 * The real service answers a revocation with a JSON message (its C# sample reads `message`; its manual shows
 * {"status":"OK","message":"revoked"}); RFC 7009 answers with an empty 200, which the strict profile keeps.
 */
export const revocationResponse: Middleware = async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'revocation' || ctx.status !== 200 || !isThaidProfile(ctx.oidc.client)) return;
  ctx.body = { status: 'OK', message: 'revoked' };
};
