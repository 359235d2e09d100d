import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import { findActiveSystem } from '../agencies/queries.ts';
import type { Schema } from '../db/schema.ts';
import { endpointPaths } from './paths.ts';
import { logDeparture } from './wire-profile.ts';

/**
 * A widely used PHP OAuth client (league/oauth2-client), as the real service's official PHP sample uses it,
 * appends its parameters to an authorization URL that already carries them: client_id, redirect_uri and
 * response_type come twice with the same value, and state twice with two values (the sample's and the
 * client's own, which is the one the client checks). The real service serves it. In the thaid profile a
 * repeated parameter is therefore taken once when its values agree, and state by its last value; any other
 * disagreement, and any repeat in the strict profile, is left to the provider, which refuses it naming the
 * parameter (OpenID Connect allows each parameter once).
 */
export function repeatedAuthorizationParameters(db: Kysely<Schema>): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== endpointPaths.authorization || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const params = new URLSearchParams(ctx.querystring);
    const repeated = [...new Set(params.keys())].filter((name) => params.getAll(name).length > 1);
    if (repeated.length === 0) return next();
    const clientIds = new Set(params.getAll('client_id'));
    const conflicting = repeated.filter((name) => name !== 'state' && new Set(params.getAll(name)).size > 1);
    const [clientId] = clientIds as Set<string>;
    // PostgreSQL text holds no NUL: such a client id is left for the provider to refuse as unknown.
    if (clientIds.size !== 1 || conflicting.length > 0 || clientId!.includes('\0')) return next();
    const system = await findActiveSystem(db, clientId!);
    if (system?.wire_profile !== 'thaid') return next();
    for (const name of repeated) params.set(name, params.getAll(name).at(-1)!);
    logDeparture(ctx, clientId, `repeated the authorization parameters ${repeated.join(', ')}`);
    ctx.querystring = params.toString();
    return next();
  };
}
