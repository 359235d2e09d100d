import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import type { Schema } from '../db/schema.ts';
import { supportedScopes } from '../oidc/scopes.ts';
import { insertViolation } from './violation-queries.ts';

/** The data items in `requested` that the service knows and `allowed` (a client's scope) does not hold. */
function unapprovedItems(requested: string, allowed: string): string[] {
  const known = new Set(supportedScopes);
  const approved = new Set(allowed.split(' '));
  return [...new Set(requested.split(' '))].filter((scope) => known.has(scope) && !approved.has(scope));
}

/**
 * A system asking for data items outside its approval is refused with invalid_scope by the provider itself (its
 * client's scope lists the approved items). Each such refusal that reaches the relying party (a valid client and
 * registered redirect URI) is also recorded as a policy violation, before the answer leaves. Only the refusal
 * path writes: a request that passes costs one lookup in a WeakMap. Relies on: the provider emits
 * 'authorization.error' with the request's context for each error it answers an authorization request with, the
 * last one being what it sends (an unregistered redirect URI replaces the scope error), and on the authorization
 * route's error handler answering within the provider's middleware stack.
 */
export function recordUnapprovedScopeRequests(provider: Provider, db: Kysely<Schema>): void {
  const refusals = new WeakMap<object, { error?: unknown }>();
  provider.on('authorization.error', (ctx, error) => refusals.set(ctx, error as { error?: unknown }));
  provider.use(async (ctx, next) => {
    await next();
    if (refusals.get(ctx)?.error !== 'invalid_scope' || ctx.oidc?.route !== 'authorization') return;
    const client = ctx.oidc.client;
    if (!client) return;
    const items = unapprovedItems(String(ctx.oidc.params?.['scope'] ?? ''), client.scope ?? '');
    // Also refused with invalid_scope: a strict-profile request without openid, which asks for nothing unapproved.
    if (items.length === 0) return;
    const requestId = typeof ctx.state['requestId'] === 'string' ? ctx.state['requestId'] : null;
    try {
      await insertViolation(db, { kind: 'unapproved_scope', agencyId: String(client['agency_id']), clientId: client.clientId, items, requestId });
    } catch (error) {
      // The relying party gets its refusal all the same; the failure is in the log.
      ctx.state['log']?.warn({ err: error, clientId: client.clientId, items }, 'recording a policy violation failed');
    }
  });
}
