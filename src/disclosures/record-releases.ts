import type { Context, Middleware } from 'koa';
import type { Kysely } from 'kysely';
import { withRequestTransaction } from '../db/request-transaction.ts';
import type { Schema } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { apiVersionOf, endpointPaths } from '../oidc/paths.ts';
import { releasableScopes } from '../oidc/scopes.ts';
import type { DisclosureEntry, Requester } from './ledger-entry.ts';
import { appendEntry } from './ledger-queries.ts';

/** A release that could not be recorded is not made: the relying party is told to try again. */
class ReleaseNotRecordedError extends AppError {
  constructor(cause: unknown) {
    super(503, 'temporarily_unavailable', 'The release of this citizen’s data could not be recorded in their history, so nothing was released. Try again in a few seconds.');
    this.cause = cause;
  }
}

/** The endpoints whose answers carry citizen claims. Introspection answers with the pairwise sub and no claims. */
const releasingEndpoints = new Map<string, DisclosureEntry['endpoint']>([
  [endpointPaths.token, 'token'],
  [endpointPaths.userinfo, 'userinfo'],
]);

interface ClientFields {
  clientId: string;
  agency_id?: unknown;
  agency_name_th?: unknown;
  agency_name_en?: unknown;
  system_name?: unknown;
  purpose?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function requesterOf(client: ClientFields): Requester {
  return {
    agency: { id: text(client.agency_id), th: text(client.agency_name_th), en: text(client.agency_name_en) },
    system: { clientId: client.clientId, name: text(client.system_name) },
    purpose: text(client.purpose),
  };
}

/**
 * The data items an answer carried: the claims at its top level (the token response carries them there in every
 * profile, userinfo is nothing else), and `openid` when it carried the sign-in itself (an ID token, or `sub`).
 */
function itemsCarried(endpoint: DisclosureEntry['endpoint'], body: Record<string, unknown>, grantedScope: string): string[] {
  const granted = new Set(grantedScope.split(' '));
  const items = releasableScopes.filter((scope) => granted.has(scope) && body[scope] !== undefined);
  const signIn = endpoint === 'token' ? typeof body['id_token'] === 'string' : body['sub'] !== undefined;
  return signIn ? ['openid', ...items] : items;
}

/** The disclosure an answer makes, if it made one. */
function disclosureOf(ctx: Context, endpoint: DisclosureEntry['endpoint']): DisclosureEntry | undefined {
  const oidc = ctx.oidc;
  // A HEAD answer carries no body, so no claims.
  if (ctx.status !== 200 || ctx.method === 'HEAD' || !oidc?.client || !oidc.account) return undefined;
  const body = ctx.body;
  const entities = oidc.entities as { AccessToken?: { scope?: string; grantId?: string }; Grant?: { jti?: string } };
  const accessToken = entities.AccessToken;
  let items: string[];
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    const answer = body as Record<string, unknown>;
    items = itemsCarried(endpoint, answer, String(endpoint === 'token' ? (answer['scope'] ?? '') : (accessToken?.scope ?? '')));
  } else {
    // A signed or encrypted userinfo answer: what its token's scopes release.
    items = (accessToken?.scope ?? '').split(' ').filter((scope) => scope === 'openid' || releasableScopes.includes(scope));
  }
  if (items.length === 0) return undefined;
  return {
    kind: 'disclosure',
    at: new Date().toISOString(),
    pid: oidc.account.accountId,
    ...requesterOf(oidc.client as unknown as ClientFields),
    items,
    endpoint,
    api: apiVersionOf(ctx),
    grantId: entities.Grant?.jti ?? accessToken?.grantId ?? null,
    requestId: typeof ctx.state.requestId === 'string' ? ctx.state.requestId : null,
  };
}

/**
 * Every answer that carries citizen claims (the token response, userinfo) is recorded in the ledger before it
 * leaves, in one transaction with the writes that made it (the code's consumption, the tokens). If the record or
 * the commit fails, everything rolls back, the code can be redeemed again, and the relying party gets 503
 * temporarily_unavailable with no claims. Must run outside the middleware that shapes the token response, so it
 * records the answer as sent.
 */
export function recordReleases(db: Kysely<Schema>): Middleware {
  return async (ctx, next) => {
    const endpoint = releasingEndpoints.get(ctx.path);
    if (!endpoint) return next();
    await withRequestTransaction(db, async (transaction) => {
      await next();
      try {
        const disclosure = disclosureOf(ctx, endpoint);
        // A single insert needs no transaction of its own; with the release's writes, it is one of them.
        if (disclosure) await appendEntry(transaction.begun ? await transaction.writer() : db, disclosure);
        await transaction.commit();
      } catch (error) {
        await transaction.rollback().catch(() => {});
        throw new ReleaseNotRecordedError(error);
      }
    });
  };
}
