import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import { recordAuditEvent, requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { adminTokenMatches } from './admin-token.ts';

const readMethods = new Set(['GET', 'HEAD']);

/**
 * Every read through the admin API is recorded in the audit log too: a citizen's history, the registry and the
 * audit log itself are read there, and who read what is what an auditor asks first. Actions record themselves,
 * with their before and after; a read is recorded once it has succeeded, before its answer leaves, and if the
 * record cannot be written the answer is an error rather than an unrecorded read.
 */
export function recordAdminReads(db: Kysely<Schema>, adminToken: string): Middleware {
  return async (ctx, next) => {
    await next();
    if (!ctx.path.startsWith('/admin/api/') || !readMethods.has(ctx.method) || ctx.status >= 400) return;
    const [scheme, token] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !adminTokenMatches(adminToken, token)) return;
    await recordAuditEvent(db, {
      actor: { kind: 'admin_token' },
      action: 'admin_api.read',
      target: { kind: 'admin_api', id: ctx.path },
      after: { query: ctx.querystring === '' ? null : ctx.querystring, status: ctx.status },
      requestId: requestIdOf(ctx),
    });
  };
}
