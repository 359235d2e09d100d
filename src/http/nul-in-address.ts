import type { Middleware } from 'koa';
import { nulRefused } from './json-body.ts';

/** The consoles and the admin API: their lookups take ids and filters straight from the address. */
const guarded = /^\/(admin|staff|agency)(\/|$)/i;

/*
 * No address of the consoles or the admin API takes a NUL character (%00) in its path or query: PostgreSQL text
 * cannot hold one, and a lookup by it would fail as a query instead of answering. Refused before any route reads
 * it. The device API and the provider's endpoints answer such ids as ids they do not know (404, not found).
 */
export const refuseNulInAddress: Middleware = (ctx, next) => {
  if (guarded.test(ctx.path) && /%00/i.test(ctx.url)) throw nulRefused();
  return next();
};
