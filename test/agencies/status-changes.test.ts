import { sql } from 'kysely';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { lockWaiters, postgresServerUrl } from '../support/database.ts';
import { runCli } from '../support/cli.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
let device: VirtualDevice;
const redirectUri = 'https://rp.example.test/callback';
beforeAll(async () => {
  server = await startTestServer();
  device = await enrolledDevice(server, await newCitizen(server));
});
afterAll(() => server?.dispose());

const admin = () => ({ authorization: `Bearer ${testAdminToken}` });
const changeStatus = (kind: 'agencies' | 'systems', id: string, body: Record<string, unknown>) =>
  request(server.url).post(`/admin/api/${kind}/${encodeURIComponent(id)}/status`).set(admin()).send(body);
const newRp = () => createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'] });

function loginUrl(rp: CreatedRelyingParty) {
  const query = new URLSearchParams({ response_type: 'code', client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid', state: 'st' });
  return new URL(`${server.issuer}/api/v2/oauth2/auth/?${query}`);
}

async function tokensFor(rp: CreatedRelyingParty) {
  const login = await openLoginPage(server, loginUrl(rp));
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  const code = new URL(await login.continueToRelyingParty()).searchParams.get('code')!;
  const response = await token(rp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }).expect(200);
  return response.body as { access_token: string; refresh_token: string };
}
const token = (rp: CreatedRelyingParty, form: Record<string, string>) =>
  request(server.url).post('/api/v2/oauth2/token/').auth(rp.clientId, rp.clientSecret!).type('form').send(form);
const userinfo = (accessToken: string) => request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${accessToken}`);
const loginStatuses = (clientId: string) =>
  server.database.db.selectFrom('login_transactions').select('status').where('client_id', '=', clientId).execute().then((rows) => rows.map((r) => r.status));
const auditOf = (id: string) =>
  server.database.db.selectFrom('audit_events').select(['action', 'before', 'after']).where('target_id', '=', id).where('target_kind', 'in', ['system', 'agency']).orderBy('id').execute();

describe('suspending a system through the admin API', () => {
  it('refuses it at once, ends its sign-ins in progress, and reinstatement does not revive its tokens', async () => {
    const rp = await newRp();
    const old = await tokensFor(rp);
    const scanned = await openLoginPage(server, loginUrl(rp));
    const scannedLogin = await device.scan(scanned.appLink);
    const pending = await openLoginPage(server, loginUrl(rp));

    const suspended = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Data breach under review', notice: 'after' }).expect(200);
    expect(suspended.body).toMatchObject({ previousStatus: 'active', status: 'suspended', scheduled: false, notice: { kind: 'suspension', notice: 'after' } });

    expect((await token(rp, { grant_type: 'refresh_token', refresh_token: old.refresh_token }).expect(401)).body.error).toBe('invalid_client');
    expect((await userinfo(old.access_token)).status).toBe(401);
    expect((await loginStatuses(rp.clientId)).sort()).toEqual(['approved', 'cancelled', 'cancelled']);
    await expect(device.approve(scannedLogin.id, scanned.matchNumber, testPin)).rejects.toMatchObject({ status: expect.any(Number) });
    await expect(device.scan(pending.appLink)).rejects.toMatchObject({ name: 'DeviceApiError' });
    // The browser of a sign-in in progress gets an error page, is never sent on to the suspended system, and is
    // offered no new QR code for it.
    for (const ended of [await pending.browser.get(pending.loginPath), await pending.browser.post(`${pending.loginPath}/renew`)]) {
      expect(ended.status).toBe(400);
      expect(ended.headers.location).toBeUndefined();
      expect(ended.text).toContain('suspended or cancelled');
      expect(ended.text).not.toContain('class="short-code"');
    }

    await changeStatus('systems', rp.clientId, { status: 'active', reason: 'Review finished' }).expect(200);
    expect((await userinfo(old.access_token)).status).toBe(401);
    const fresh = await tokensFor(rp);
    expect((await userinfo(fresh.access_token).expect(200)).body.pid).toBeDefined();

    expect((await auditOf(rp.clientId)).map((e) => [e.action, e.before, (e.after as { status: string }).status])).toEqual([
      ['system.suspend', { status: 'active' }, 'suspended'],
      ['system.reinstate', { status: 'suspended' }, 'active'],
    ]);
    const shown = await request(server.url).get(`/admin/api/systems/${rp.clientId}`).set(admin()).expect(200);
    expect(shown.body.notices.map((n: { kind: string }) => n.kind)).toEqual(['reinstatement', 'suspension']);
  });

  it('leaves the systems of a cancelled agency as they are, and issues them no new secret', async () => {
    const rp = await newRp();
    await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Under review', notice: 'after' }).expect(200);
    await changeStatus('agencies', rp.agencyId, { status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);
    for (const change of [{ status: 'active', reason: 'Review finished' }, { status: 'cancelled', reason: 'Tidy up', notice: 'after' }]) {
      const refused = await changeStatus('systems', rp.clientId, change).expect(409);
      expect(refused.body).toMatchObject({ error: 'cancelled', error_description: expect.stringContaining('which is cancelled') });
    }
    const secret = await request(server.url).post(`/admin/api/systems/${rp.clientId}/secret`).set(admin()).send({ grace: '0' }).expect(409);
    expect(secret.body.error).toBe('cancelled');
    const shown = await request(server.url).get(`/admin/api/systems/${rp.clientId}`).set(admin()).expect(200);
    expect(shown.body.status).toBe('suspended');
    expect(shown.body.notices.map((n: { kind: string }) => n.kind)).toEqual(['cancellation', 'suspension']);
  });

  it('reinstates a system whose scheduled suspension took effect before the maintenance applied it', async () => {
    const rp = await newRp();
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('client_id', '=', rp.clientId).execute();
    const reinstated = await changeStatus('systems', rp.clientId, { status: 'active', reason: 'Audit received' }).expect(200);
    expect(reinstated.body).toMatchObject({ previousStatus: 'suspended', status: 'active' });
    expect((await auditOf(rp.clientId)).map((e) => e.action)).toEqual(['system.suspend.schedule', 'system.suspend', 'system.reinstate']);
  });

  it.skipIf(!postgresServerUrl)('waits for a maintenance applying a due change at that moment, and starts from what it left', async () => {
    const rp = await newRp();
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('client_id', '=', rp.clientId).execute();
    // Another process's maintenance holds the due notice, and gives it up without applying it.
    const maintenance = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await maintenance.connect();
    try {
      await maintenance.query('begin');
      await maintenance.query('select id from agency_notices where client_id = $1 for update', [rp.clientId]);
      const reinstating = changeStatus('systems', rp.clientId, { status: 'active', reason: 'Audit received' }).then((r) => r);
      await lockWaiters(maintenance, 1);
      await maintenance.query('rollback');
      const reinstated = await reinstating;
      expect(reinstated.status).toBe(200);
      expect(reinstated.body).toMatchObject({ previousStatus: 'suspended', status: 'active' });
    } finally {
      await maintenance.end();
    }
    expect((await auditOf(rp.clientId)).map((e) => e.action)).toEqual(['system.suspend.schedule', 'system.suspend', 'system.reinstate']);
  });

  it.skipIf(!postgresServerUrl)('locks the agency before the system, as an approval of a change does, so the two never deadlock', async () => {
    const rp = await newRp();
    // An approval of a change holds the agency, and goes on to lock the system.
    const approval = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await approval.connect();
    try {
      await approval.query('begin');
      await approval.query('select id from agencies where id = $1 for update', [rp.agencyId]);
      const suspending = changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Breach', notice: 'after' }).then((r) => r);
      await lockWaiters(approval, 1);
      await approval.query('select client_id from agency_systems where client_id = $1 for update', [rp.clientId]);
      await approval.query('commit');
      const suspended = await suspending;
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ previousStatus: 'active', status: 'suspended' });
    } finally {
      await approval.end();
    }
  });

  it.skipIf(!postgresServerUrl)('answers 503 with Retry-After, and changes nothing, when PostgreSQL ends the change in a deadlock', async () => {
    const rp = await newRp();
    // A transaction that holds the system and then asks for its agency, which the change holds: a deadlock, and
    // PostgreSQL ends the one that waited first, the change.
    const other = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select client_id from agency_systems where client_id = $1 for update', [rp.clientId]);
      const suspending = changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Breach', notice: 'after' }).then((r) => r);
      await lockWaiters(other, 1);
      const otherLocks = other.query('select id from agencies where id = $1 for update', [rp.agencyId]);
      const refused = await suspending;
      await otherLocks;
      await other.query('rollback');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringContaining('Send it again') });
    } finally {
      await other.end();
    }
    const again = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Breach', notice: 'after' }).expect(200);
    expect(again.body).toMatchObject({ previousStatus: 'active', status: 'suspended' });
  });

  it.skipIf(!postgresServerUrl)('gives no new secret to a system whose cancellation is being written at that moment', async () => {
    const rp = await newRp();
    // A cancellation under way: it holds the agency and has written the system's new status, not yet committed.
    const cancellation = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await cancellation.connect();
    try {
      await cancellation.query('begin');
      await cancellation.query('select id from agencies where id = $1 for update', [rp.agencyId]);
      await cancellation.query("update agency_systems set status = 'cancelled' where client_id = $1", [rp.clientId]);
      const rotating = request(server.url).post(`/admin/api/systems/${rp.clientId}/secret`).set(admin()).send({ grace: '0' }).then((r) => r);
      await lockWaiters(cancellation, 1);
      await cancellation.query('commit');
      const refused = await rotating;
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('cancelled');
    } finally {
      await cancellation.end();
    }
    expect(await auditOf(rp.clientId)).toEqual([]);
  });

  it('withdraws a scheduled change through the admin API, once, before it takes effect', async () => {
    const rp = await newRp();
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    const withdraw = (id: string, body: Record<string, unknown>) => request(server.url).post(`/admin/api/notices/${id}/withdraw`).set(admin()).send(body);
    expect((await withdraw(scheduled.body.notice.id, {}).expect(400)).body.error_description).toContain('reason');
    const withdrawn = await withdraw(scheduled.body.notice.id, { reason: 'Audit received' }).expect(200);
    expect(withdrawn.body).toMatchObject({ id: scheduled.body.notice.id, withdrawalReason: 'Audit received', withdrawnAt: expect.any(String), appliedAt: expect.any(String) });
    expect((await withdraw(scheduled.body.notice.id, { reason: 'Again' }).expect(409)).body.error).toBe('not_scheduled');
    const shownByCli = await runCli(['system', 'show', rp.clientId], { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: '/nonexistent-data-dir' });
    expect(shownByCli.stdout).toContain(`${scheduled.body.notice.id}  suspension of ${rp.clientId}, effective ${effectiveAt}  (withdrawn `);
    expect(shownByCli.stdout).toContain(': Audit received)');
    await withdraw('00000000-0000-4000-8000-000000000000', { reason: 'x' }).expect(404);
    await withdraw('not-a-notice', { reason: 'x' }).expect(404);

    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('client_id', '=', rp.clientId).execute();
    await server.maintain();
    expect((await request(server.url).get(`/admin/api/systems/${rp.clientId}`).set(admin()).expect(200)).body).toMatchObject({ status: 'active', active: true });
    // A change that is due acts already, before the maintenance applies it: too late to withdraw.
    const due = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit overdue again', notice: 'before', effectiveAt }).expect(200);
    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('id', '=', due.body.notice.id).execute();
    expect((await withdraw(due.body.notice.id, { reason: 'Too late' }).expect(409)).body.error_description).toContain('has taken effect');
    expect((await request(server.url).get(`/admin/api/systems/${rp.clientId}`).set(admin()).expect(200)).body.status).toBe('suspended');
    // A change that came with its notice cannot be withdrawn: it is undone by reinstating.
    await changeStatus('systems', rp.clientId, { status: 'active', reason: 'Audit received' }).expect(200);
    const now = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Breach', notice: 'after' }).expect(200);
    expect((await withdraw(now.body.notice.id, { reason: 'Oops' }).expect(409)).body.error_description).toContain('came with its change');
  });

  it('does not apply a change scheduled for a system once its agency is cancelled', async () => {
    const rp = await newRp();
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    await changeStatus('agencies', rp.agencyId, { status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);
    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('client_id', '=', rp.clientId).execute();
    await server.maintain();
    const shown = await request(server.url).get(`/admin/api/systems/${rp.clientId}`).set(admin()).expect(200);
    expect(shown.body.status).toBe('active');
    expect((await auditOf(rp.clientId)).map((e) => e.action)).toEqual(['system.suspend.schedule']);
  });

  it('schedules a change at most a year ahead, as a wrong year would hold every other change back', async () => {
    const rp = await newRp();
    const refused = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit', notice: 'before', effectiveAt: '2206-01-01T09:00:00+07:00' }).expect(400);
    expect(refused.body.error_description).toContain('effectiveAt');
    expect(refused.body.error_description).toContain('within a year from now');
  });

  it('schedules a change for the instant its time names, with any offset ISO 8601 writes (up to ±23:59)', async () => {
    const rp = await newRp();
    const instant = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000);
    // The same instant, written as a clock 23:59 ahead of UTC shows it: PostgreSQL reads offsets only to ±15:59.
    const effectiveAt = `${new Date(instant.getTime() + (23 * 60 + 59) * 60_000).toISOString().slice(0, 19)}+23:59`;
    const scheduled = await changeStatus('systems', rp.clientId, { status: 'suspended', reason: 'Audit', notice: 'before', effectiveAt }).expect(200);
    expect(scheduled.body.notice.effectiveAt).toBe(instant.toISOString());
  });

  it('cancellation is final: reinstatement is refused with 409', async () => {
    const rp = await newRp();
    await changeStatus('systems', rp.clientId, { status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);
    const refused = await changeStatus('systems', rp.clientId, { status: 'active', reason: 'Oops' }).expect(409);
    expect(refused.body.error).toBe('cancelled');
    // A system's agency goes on: what takes a cancelled system's place is a new one, asked for in a change request.
    expect(refused.body.error_description).toMatch(/new system in a change request/);
    expect((await auditOf(rp.clientId)).map((e) => e.action)).toEqual(['system.cancel']);
  });
});

describe('an agency suspended with notice before', () => {
  it('delivers the notice now and changes the status only when due', async () => {
    const rp = await newRp();
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await changeStatus('agencies', rp.agencyId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    expect(scheduled.body).toMatchObject({ status: 'active', scheduled: true, notice: { kind: 'suspension', appliedAt: null } });
    const pending = await openLoginPage(server, loginUrl(rp));

    await server.maintain();
    let agency = (await request(server.url).get(`/admin/api/agencies/${rp.agencyId}`).set(admin()).expect(200)).body;
    expect(agency.status).toBe('active');
    expect(agency.systems[0].active).toBe(true);
    expect(agency.notices).toHaveLength(1);
    expect((await token(rp, { grant_type: 'authorization_code', code: 'x', redirect_uri: redirectUri }).expect(400)).body.error).toBe('invalid_grant');

    // Due: refused at once, before the maintenance applies it.
    await server.database.db.updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('agency_id', '=', rp.agencyId).execute();
    expect((await token(rp, { grant_type: 'authorization_code', code: 'x', redirect_uri: redirectUri }).expect(401)).body.error).toBe('invalid_client');
    // And read as in force at once: a read applies what is due, without waiting for the maintenance.
    agency = (await request(server.url).get(`/admin/api/agencies/${rp.agencyId}`).set(admin()).expect(200)).body;
    expect(agency.status).toBe('suspended');
    expect(agency.notices[0].appliedAt).not.toBeNull();
    expect(await loginStatuses(rp.clientId)).toEqual(['cancelled']);
    await expect(device.scan(pending.appLink)).rejects.toMatchObject({ name: 'DeviceApiError' });
    expect((await auditOf(rp.agencyId)).map((e) => e.action)).toEqual(['agency.suspend.schedule', 'agency.suspend']);
  });
});

describe('a second change scheduled for the same agency', () => {
  it('is refused, naming the time of the first in Thailand time, as the forms take it', async () => {
    const rp = await newRp();
    const now = new Date();
    // 02:00 UTC, a month on: 09:00 the same day in Thailand.
    const effectiveAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 30, 2)).toISOString();
    await changeStatus('agencies', rp.agencyId, { status: 'suspended', reason: 'Audit overdue', notice: 'before', effectiveAt }).expect(200);
    const again = await changeStatus('agencies', rp.agencyId, { status: 'cancelled', reason: 'Contract ends', notice: 'before', effectiveAt }).expect(409);
    expect(again.body).toMatchObject({ error: 'change_scheduled', error_description: expect.stringContaining(`scheduled for ${effectiveAt.slice(0, 10)} 09:00:00 (Thailand time)`) });
  });
});

describe('validation', () => {
  it('answers 400 with what to fix, and 404 for an unknown target', async () => {
    const rp = await newRp();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ status: 'suspended', notice: 'after' }, /reason: is required/],
      [{ status: 'suspended', reason: 'r' }, /notice: is required to suspend/],
      [{ status: 'cancelled', reason: 'r', notice: 'before' }, /effectiveAt: is required with notice before/],
      [{ status: 'suspended', reason: 'r', notice: 'before', effectiveAt: '2020-01-01T00:00:00Z' }, /effectiveAt: must be in the future/],
      [{ status: 'active', reason: 'r', notice: 'after' }, /reinstatement takes effect at once/],
    ];
    for (const [body, message] of cases) {
      const response = await changeStatus('systems', rp.clientId, body).expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.error_description).toMatch(message);
    }
    await changeStatus('systems', 'no-such-client', { status: 'suspended', reason: 'r', notice: 'after' }).expect(404);
    await changeStatus('agencies', 'not-an-id', { status: 'suspended', reason: 'r', notice: 'after' }).expect(404);
    await request(server.url).get('/admin/api/agencies/00000000-0000-4000-8000-000000000000').set(admin()).expect(404);
    await request(server.url).get('/admin/api/systems').expect(401);
    expect(await auditOf(rp.clientId)).toEqual([]);
  });
});

describe('the CLI', () => {
  const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: '/nonexistent-data-dir' });

  it('suspends a system and shows the agency with its notices', async () => {
    const rp = await newRp();
    const suspended = await cli(['system', 'suspend', rp.clientId, '--reason', 'Misuse reported', '--notice', 'after', '--json']);
    expect(suspended.stderr).toBe('');
    expect(JSON.parse(suspended.stdout)).toMatchObject({ status: 'suspended', notice: { kind: 'suspension', reason: 'Misuse reported' } });

    const shown = await cli(['agency', 'show', rp.agencyId, '--json']);
    expect(shown.status).toBe(0);
    const agency = JSON.parse(shown.stdout);
    expect(agency.systems).toEqual([expect.objectContaining({ clientId: rp.clientId, status: 'suspended', active: false })]);
    expect(agency.notices).toEqual([expect.objectContaining({ clientId: rp.clientId, kind: 'suspension', reason: 'Misuse reported' })]);

    const text = (await cli(['agency', 'show', rp.agencyId])).stdout;
    expect(text).toContain(`${agency.notices[0].id}  suspension of ${rp.clientId}`);

    const list = JSON.parse((await cli(['system', 'list', '--json'])).stdout);
    expect(list.systems).toContainEqual(expect.objectContaining({ clientId: rp.clientId, status: 'suspended' }));

    const missing = await cli(['system', 'cancel', rp.clientId, '--reason', 'x']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('--notice before|after');
    const reinstated = await cli(['system', 'reinstate', rp.clientId, '--reason', 'Resolved']);
    expect(reinstated.status).toBe(0);
    expect(reinstated.stdout).toContain('suspended -> active');
  });

  it('prints a name’s control characters as escapes, so a name stored before they were refused cannot drive the terminal', async () => {
    const rp = await newRp();
    await server.database.db.updateTable('agencies').set({ name_en: 'Agency\u001b]0;owned\u0007\u001b[2J' }).where('id', '=', rp.agencyId).execute();
    for (const args of [['agency', 'show', rp.agencyId], ['agency', 'list'], ['system', 'show', rp.clientId]]) {
      const printed = await cli(args);
      expect(printed.status, args.join(' ')).toBe(0);
      expect(printed.stdout, args.join(' ')).not.toMatch(/\u001b|\u0007/);
      expect(printed.stdout, args.join(' ')).toContain('Agency\\u001b]0;owned\\u0007\\u001b[2J');
    }
    // --json is for programs: the name is as stored, escaped as JSON escapes it.
    expect(JSON.parse((await cli(['agency', 'show', rp.agencyId, '--json'])).stdout).nameEn).toBe('Agency\u001b]0;owned\u0007\u001b[2J');
  });
});
