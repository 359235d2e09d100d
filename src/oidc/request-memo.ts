import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from 'koa';

/*
 * What one HTTP request has already read or written of the provider's storage and clients. The library reads
 * back what it has just stored (the interaction it resumes, the grant it has just saved) and reads one client
 * several times in a request; with the memo those reads cost no statement. A statement that fetches a token
 * also fetches its grant and its client into the memo (src/oidc/adapter.ts), as every endpoint that takes a
 * token reads both next.
 *
 * Nothing outlives its request, so a system suspended or a grant revoked by another request counts from that
 * request's next lookup, as it did without the memo: the moment a request first reads a row is the moment it
 * sees. Outside a request (the CLI, maintenance), there is no memo and every read is a statement.
 */

const memos = new AsyncLocalStorage<Map<string, unknown>>();

/** Gives each request its own, empty memo. */
export const requestMemo: Middleware = (_ctx, next) => memos.run(new Map(), next);

/** A key's entry: `found` is false when the request has not looked it up; `value` null means known absent. */
export function recall<T>(key: string): { found: true; value: T | null } | { found: false } {
  const memo = memos.getStore();
  if (!memo?.has(key)) return { found: false };
  return { found: true, value: memo.get(key) as T | null };
}

/** Records what the request now knows of `key` (null: there is none). */
export function remember(key: string, value: unknown): void {
  memos.getStore()?.set(key, value);
}

/** Records `key` unless the request already knows it: the first answer within a request stays its answer. */
export function rememberFirst(key: string, value: unknown): void {
  const memo = memos.getStore();
  if (memo && !memo.has(key)) memo.set(key, value);
}

/** Forgets everything: after a statement whose effect on the memo's rows is not known here (a revocation). */
export function forgetAll(): void {
  memos.getStore()?.clear();
}
