import type { Middleware } from 'koa';
import { nulRefused } from './json-body.ts';

/*
 * No address of ours takes a NUL character (%00) in its path or query: PostgreSQL text cannot hold one, and a
 * lookup by it would fail as a query instead of answering. Refused before any route reads it. The OpenID Connect
 * endpoints (under /api/) are the provider's: they take what a client sends and find nothing by such a value.
 */
export const refuseNulInAddress: Middleware = (ctx, next) => {
  if (/%00/i.test(ctx.url) && !/^\/api\//i.test(ctx.path)) throw nulRefused();
  return next();
};
