import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { runCli } from '../support/cli.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = (method: 'get' | 'post', url: string) =>
  request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });

interface Row {
  id: string;
  actor_kind: string;
  actor_pid: string | null;
  actor_role: string | null;
  action: string;
  target_kind: string;
  target_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

const rows = async (): Promise<Row[]> =>
  (await sql<Row>`select * from audit_events order by id`.execute(server.database.db)).rows.map((r) => ({ ...r, id: String(r.id) }));

/** The rows written by `action`, checking nothing else was written meanwhile. */
async function rowsWrittenBy(action: () => Promise<unknown>): Promise<Row[]> {
  const before = (await rows()).length;
  await action();
  return (await rows()).slice(before);
}

describe('the audit log', () => {
  const secrets: string[] = [];

  it('records a relying party created through the admin API, without its secret or API key', async () => {
    let created!: Awaited<ReturnType<typeof createRelyingParty>>;
    const written = await rowsWrittenBy(async () => {
      created = await createRelyingParty(server, { name: 'Audited agency' });
    });
    expect(created.clientSecret).toBeTruthy();
    secrets.push(created.clientSecret!, created.apiKey);
    expect(written).toHaveLength(1);
    const [row] = written;
    expect(row).toMatchObject({
      actor_kind: 'admin_token',
      actor_pid: null,
      actor_role: null,
      action: 'relying_party.create',
      target_kind: 'relying_party',
      target_id: created.clientId,
      before: null,
    });
    expect(row!.after).toMatchObject({ clientId: created.clientId, agencyId: created.agencyId, name: 'Audited agency' });
    expect(row!.request_id).toMatch(/\S/);
    const json = JSON.stringify(row);
    expect(json).not.toContain(created.clientSecret);
    expect(json).not.toContain(created.apiKey);
  });

  it('records the request id the request came with', async () => {
    const written = await rowsWrittenBy(() =>
      admin('post', '/relying-parties').set('x-request-id', 'audit-test-request-1').send({ name: 'B', redirectUris: ['http://localhost/cb'], scopes: ['pid'] }).expect(201),
    );
    expect(written.map((r) => r.request_id)).toEqual(['audit-test-request-1']);
  });

  it('records a key rotation', async () => {
    let added: string[] = [];
    const written = await rowsWrittenBy(async () => {
      added = (await admin('post', '/signing-keys/rotate').expect(200)).body.added;
    });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ actor_kind: 'admin_token', action: 'keys.rotate', target_kind: 'signing_keys' });
    expect(written[0]!.after).toMatchObject({ added });
    expect(JSON.stringify(written[0])).not.toMatch(/"d":|private/);
  });

  it('records an enrolment code issued, without the code', async () => {
    const pid = demoPersonas[0]!.pid;
    let code = '';
    const written = await rowsWrittenBy(async () => {
      code = (await admin('post', '/enrolment-codes').send({ pid }).expect(201)).body.code;
    });
    secrets.push(code);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ actor_kind: 'admin_token', action: 'enrolment_code.issue', target_kind: 'citizen', target_id: pid });
    const json = JSON.stringify(written[0]);
    expect(json).not.toContain(code);
    expect(json).not.toContain(code.replace('-', ''));
  });

  it('records nothing for an action that fails', async () => {
    const unknown = demoPersonas[0]!.pid === '1100000000001' ? '1100000000010' : '1100000000001';
    const written = await rowsWrittenBy(async () => {
      await admin('post', '/enrolment-codes').send({ pid: '1234567890123' }).expect(400);
      await admin('post', '/enrolment-codes').send({ pid: unknown }).expect((r) => expect([400, 404]).toContain(r.status));
    });
    expect(written).toEqual([]);
  });

  it('records a tree head signed through the admin API', async () => {
    const written = await rowsWrittenBy(() => admin('post', '/ledger/tree-heads').expect(200));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ actor_kind: 'admin_token', action: 'ledger.tree_head.sign', target_kind: 'ledger_tree_head' });
  });

  it('records every read, with what was read, and no refused one', async () => {
    const pid = demoPersonas[0]!.pid;
    const written = await rowsWrittenBy(async () => {
      await admin('get', '/citizens?limit=2').expect(200);
      await admin('get', `/citizens/${pid}`).expect(200);
      await admin('get', `/citizens/${pid}/history?limit=5`).expect(200);
      await admin('get', '/audit').expect(200);
      await admin('get', '/audit?limit=0').expect(400);
      await request(server.url).get(`/admin/api/citizens/${pid}`).expect(401);
    });
    expect(written.map((r) => [r.actor_kind, r.action, r.target_kind, r.target_id, r.after])).toEqual([
      ['admin_token', 'admin_api.read', 'admin_api', '/admin/api/citizens', { query: 'limit=2', status: 200 }],
      ['admin_token', 'admin_api.read', 'admin_api', `/admin/api/citizens/${pid}`, { query: null, status: 200 }],
      ['admin_token', 'admin_api.read', 'admin_api', `/admin/api/citizens/${pid}/history`, { query: 'limit=5', status: 200 }],
      ['admin_token', 'admin_api.read', 'admin_api', '/admin/api/audit', { query: null, status: 200 }],
    ]);
  });

  it('keeps no secret anywhere in the log', async () => {
    const all = JSON.stringify(await rows());
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('refuses to change, remove or truncate a row', async () => {
    const db = server.database.db;
    await expect(sql`update audit_events set action = 'forged'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
    expect((await rows()).every((r) => r.action !== 'forged')).toBe(true);
    expect((await rows()).length).toBeGreaterThanOrEqual(5);
  });

  it('lists events newest first, filtered by action and time, a page at a time', async () => {
    const before = (await rows()).length;
    const all = (await admin('get', '/audit').expect(200)).body;
    const ids = all.events.map((e: { id: string }) => Number(e.id));
    // Everything up to this read; the read itself is recorded once it has answered.
    expect(ids.length).toBe(before);
    expect((await rows()).length).toBe(before + 1);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.next_cursor).toBeNull();

    const creations = (await admin('get', '/audit?action=relying_party.create').expect(200)).body.events;
    expect(creations).toHaveLength(2);
    expect(creations.every((e: { action: string }) => e.action === 'relying_party.create')).toBe(true);
    expect(creations[0].actor).toEqual({ kind: 'admin_token', pid: null, role: null });

    const future = (await admin('get', `/audit?since=${new Date(Date.now() + 60_000).toISOString()}`).expect(200)).body.events;
    expect(future).toEqual([]);
    const past = (await admin('get', `/audit?since=${new Date(Date.now() - 3_600_000).toISOString()}&actor=admin_token`).expect(200)).body.events;
    // The three reads since are in it too, newest first.
    expect(past.map((e: { id: string }) => Number(e.id)).slice(3)).toEqual(ids);
    const byPerson = (await admin('get', `/audit?actor=${demoPersonas[0]!.pid}`).expect(200)).body.events;
    expect(byPerson).toEqual([]);

    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { events: { id: string }[]; next_cursor: string | null } = (
        await admin('get', `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
      ).body;
      expect(page.events.length).toBeLessThanOrEqual(2);
      pages.push(...page.events.map((e) => Number(e.id)));
      cursor = page.next_cursor;
    } while (cursor !== null);
    // The pages start after the reads this test has made so far (each page's own read comes after it).
    expect(pages.slice(pages.indexOf(ids[0]!))).toEqual(ids);
  });

  it('explains bad filters', async () => {
    const since = await admin('get', '/audit?since=yesterday').expect(400);
    expect(since.body.error).toBe('invalid_request');
    expect(since.body.error_description).toContain('since');
    for (const year0 of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59']) {
      expect((await admin('get', `/audit?since=${encodeURIComponent(year0)}`).expect(400)).body.error_description).toContain('in the years 1900 to 2999');
    }
    expect((await admin('get', '/audit?limit=0').expect(400)).body.error_description).toContain('limit');
    expect((await admin('get', '/audit?actor=someone').expect(400)).body.error_description).toContain('admin_token');
    expect((await admin('get', '/audit?cursor=abc').expect(400)).body.error_description).toContain('cursor');
    expect((await admin('get', '/audit?acter=admin_token').expect(400)).body.error_description).toContain('unknown parameter acter');
    await request(server.url).get('/admin/api/audit').expect(401);
  });

  it('is listed by `thaid-emulator audit list`, newest first', async () => {
    const expected = (await rows()).map((r) => r.id).reverse();
    const json = await cli(['audit', 'list', '--json']);
    const afterJson = (await rows()).length;
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const events = JSON.parse(json.stdout) as { id: string; action: string }[];
    expect(events.map((e) => e.id)).toEqual(expected);
    expect(events.at(-1)!.action).toBe('relying_party.create');

    const text = await cli(['audit', 'list', '--actor', 'admin_token', '--since', new Date(Date.now() - 3_600_000).toISOString()]);
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split('\n');
    // Everything up to it, the JSON listing's read included.
    expect(lines).toHaveLength(afterJson);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ {2}admin_token {2}admin_api\.read {2}admin_api \/admin\/api\/audit$/);

    const none = await cli(['audit', 'list', '--since', new Date(Date.now() + 60_000).toISOString()]);
    expect(none.stdout.trim()).toBe('No audit events.');
  });
});
