import type { Kysely } from 'kysely';
import type { Account, FindAccount } from 'oidc-provider';
import type { Schema } from '../db/schema.ts';
import { CitizenCache } from '../registry/citizen-cache.ts';
import { citizenClaims } from './citizen-claims.ts';
import { claimScopes } from './scopes.ts';

/**
 * The account id is the citizen's pid. It never leaves the server as `sub` (subjects are pairwise per agency,
 * see subjects.ts), only as the claim of the pid scope.
 */
export function createFindAccount(db: Kysely<Schema>): FindAccount {
  const citizens = new CitizenCache(db);
  return async (_ctx, pid): Promise<Account | undefined> => {
    const citizen = await citizens.find(pid);
    if (!citizen) return undefined;
    const all = citizenClaims(citizen);
    return {
      accountId: pid,
      // Only claims of granted scopes, even though the library filters again: nothing else can slip out.
      claims: (_use, scope) => {
        const granted = new Set(scope.split(' ').filter((s) => claimScopes.includes(s)));
        return {
          sub: pid,
          ...Object.fromEntries(Object.entries(all).filter(([claim]) => granted.has(claim))),
        };
      },
    };
  };
}
