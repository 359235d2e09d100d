import type { Kysely } from 'kysely';
import type { Account, FindAccount } from 'oidc-provider';
import type { Schema } from '../db/schema.ts';
import { CitizenCache } from '../registry/citizen-cache.ts';
import { citizenClaims } from './citizen-claims.ts';
import { apiVersionOf } from './paths.ts';
import { releasableScopes } from './scopes.ts';

/**
 * The `version` claim of ID tokens from the v2 endpoints. The real service's ID tokens carry one and its samples
 * show it, but its value is not public; the v1 ID token seen in public code has none.
 */
const idTokenVersion = '2.0';

/**
 * The account id is the citizen's pid. It never leaves the server as `sub` (subjects are pairwise per agency,
 * see subjects.ts), only as the claim of the pid scope.
 */
export function createFindAccount(db: Kysely<Schema>): FindAccount {
  const citizens = new CitizenCache(db);
  return async (ctx, pid): Promise<Account | undefined> => {
    const citizen = await citizens.find(pid);
    if (!citizen) return undefined;
    const api = apiVersionOf(ctx);
    const all = citizenClaims(citizen, api);
    // The data items the system is approved for today: an approval narrowed after tokens were issued applies
    // to them at once (announcement clause 7).
    const approved = new Set(ctx.oidc.client?.scope?.split(' ') ?? []);
    return {
      accountId: pid,
      // Only claims of scopes both granted and still approved, even though the library filters again.
      claims: (use, scope) => {
        const granted = new Set(scope.split(' ').filter((s) => releasableScopes.includes(s) && approved.has(s)));
        return {
          sub: pid,
          ...(use === 'id_token' && api === 'v2' ? { version: idTokenVersion } : {}),
          ...Object.fromEntries(Object.entries(all).filter(([claim]) => granted.has(claim))),
        };
      },
    };
  };
}
