/**
 * The smallest PostgreSQL storage oidc-provider accepts, for the benchmark's second baseline: the same bare
 * provider with its codes, tokens, sessions, grants and interactions kept in one table, one prepared statement per
 * adapter call, as any persisted deployment of the library would need. It shows what storing costs by itself, apart
 * from what the emulator adds on top of storing.
 */
import pg from 'pg';

interface Payload {
  uid?: string;
  grantId?: string;
  consumed?: number;
  [key: string]: unknown;
}

export async function baselineStorage(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query(`create table if not exists baseline_payloads (
    model text not null, id text not null, payload jsonb not null, grant_id text, uid text,
    expires_at timestamptz, consumed_at timestamptz, primary key (model, id))`);
  await pool.query('create index if not exists baseline_payloads_uid on baseline_payloads (uid)');
  await pool.query('create index if not exists baseline_payloads_grant on baseline_payloads (grant_id)');

  const run = (name: string, text: string, values: unknown[]) => pool.query({ name, text, values });
  const found = (row: { payload: Payload; consumed_at: Date | null } | undefined): Payload | undefined =>
    row && { ...row.payload, ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}) };
  const live = '(expires_at is null or expires_at > now())';

  return class BaselineAdapter {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }
    async upsert(id: string, payload: Payload, expiresIn?: number) {
      await run(
        'baseline-upsert',
        `insert into baseline_payloads (model, id, payload, grant_id, uid, expires_at)
         values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
         on conflict (model, id) do update set payload = excluded.payload, expires_at = excluded.expires_at`,
        [this.model, id, payload, payload.grantId ?? null, payload.uid ?? null, expiresIn ?? null],
      );
    }
    async find(id: string) {
      const { rows } = await run('baseline-find', `select payload, consumed_at from baseline_payloads where model = $1 and id = $2 and ${live}`, [this.model, id]);
      return found(rows[0]);
    }
    async findByUid(uid: string) {
      const { rows } = await run('baseline-find-uid', `select payload, consumed_at from baseline_payloads where model = $1 and uid = $2 and ${live}`, [this.model, uid]);
      return found(rows[0]);
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      await run('baseline-consume', 'update baseline_payloads set consumed_at = now() where model = $1 and id = $2', [this.model, id]);
    }
    async destroy(id: string) {
      await run('baseline-destroy', 'delete from baseline_payloads where model = $1 and id = $2', [this.model, id]);
    }
    async revokeByGrantId(grantId: string) {
      await run('baseline-revoke', 'delete from baseline_payloads where grant_id = $1', [grantId]);
    }
  };
}
