import type { Middleware } from 'koa';
import { UnauthorizedError } from '../errors.ts';
import { adminTokenMatches } from './admin-token.ts';

/** Lets through only requests that carry the admin token, as every route of the admin API requires. */
export function requireAdminToken(adminToken: string): Middleware {
  return async (ctx, next) => {
    const [scheme, token] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !adminTokenMatches(adminToken, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="thaid-emulator admin"');
      throw new UnauthorizedError('A valid admin token is needed: send it as "Authorization: Bearer <token>".');
    }
    await next();
  };
}
