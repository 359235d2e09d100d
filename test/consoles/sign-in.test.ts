import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dopaAgencyId, firstPartyClientIds } from '../../src/agencies/first-party-systems.ts';
import { formatPid } from '../../src/registry/pid.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { appLinkOf, loginPathOf } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { deviceOf, signInToConsole } from '../support/consoles.ts';
import { consoles } from '../../src/consoles/consoles.ts';
import { safeReturnPath } from '../../src/consoles/sign-in.ts';
import { pointConsolesAtIssuer } from '../../src/consoles/first-party-redirects.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = () => ({ authorization: `Bearer ${testAdminToken}` });
const grant = (pid: string, role: string) => request(server.url).post('/admin/api/staff').set(admin()).send({ pid, role }).expect(201);
const revoke = (pid: string, role: string) => request(server.url).post(`/admin/api/staff/${pid}/roles/${role}/revoke`).set(admin()).expect(200);
const nameOf = (c: Citizen) => `${c.givenNameTh} ${c.familyNameTh}`;

/** What a page must never show: a stack trace or the error's class. */
const expectNoStackTrace = (html: string) => {
  expect(html).not.toMatch(/\bat .+\.ts:\d+/);
  expect(html).not.toMatch(/\b(TypeError|ReferenceError|ConsolePageError|Error:)/);
};

describe('signing in to the staff console with ThaID', () => {
  it('signs a member of staff in through the login page and the phone, and shows their name and roles', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    await grant(citizen.pid, 'administrator');

    const { page } = await signInToConsole(server, 'staff', citizen);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(nameOf(citizen));
    expect(page.text).toContain(formatPid(citizen.pid));
    expect(page.text).toContain('ผู้ตรวจสอบ · <span lang="en">Reviewer</span>');
    expect(page.text).toContain('ผู้ดูแลระบบ · <span lang="en">Administrator</span>');
    expect(page.text).not.toContain('ผู้อนุมัติ · <span lang="en">Approver</span>');
    expect(page.text).toContain('href="/staff/audit"');
    expect(page.text).toContain('href="/staff/staff"');
  });

  it('shows the phone who asks: DOPA and its staff console, for the citizen ID and name only', async () => {
    const citizen = await newCitizen(server);
    const agent = request.agent(server.url);
    const start = await agent.get('/staff/login').expect(303);
    const authorization = new URL(start.headers.location as string);
    expect(authorization.origin + authorization.pathname).toBe(`${server.issuer}/api/v2/oauth2/auth/`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: firstPartyClientIds.staff,
      redirect_uri: `${server.issuer}/staff/callback`,
      scope: 'openid pid name',
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    const flowCookie = (start.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('thaid_staff_sign_in='))!;
    expect(flowCookie).toMatch(/path=\/staff/i);
    expect(flowCookie).toMatch(/httponly/i);
    expect(flowCookie).toMatch(/samesite=lax/i);

    const loginPage = await agent.get(`${authorization.pathname}${authorization.search}`).expect(200);
    const device = await deviceOf(server, citizen);
    const asked = await device.scan(appLinkOf(loginPage.text)!);
    expect(asked.agency.th).toBe('กรมการปกครอง');
    expect(asked.dataItems.map((i) => i.scope)).toEqual(['pid', 'name']);
    await device.deny(asked.id);
    // Refused on the phone: the callback says so, and no session starts.
    let response = await agent.get(loginPathOf(loginPage.text));
    while (response.status === 303 || response.status === 302) response = await agent.get((response.headers.location as string).replace(server.issuer, ''));
    expect(response.status).toBe(400);
    expect(response.text).toContain('การเข้าสู่ระบบถูกปฏิเสธหรือยกเลิก');
    expect(response.text).toContain('The sign-in was refused or cancelled');
    expect(response.text).toContain('href="/staff/login"');
    expectNoStackTrace(response.text);
    await agent.get('/staff').expect(303);
  });

  it('records the sign-in in the citizen’s history as a disclosure to DOPA’s staff console, like any other', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'approver');
    await signInToConsole(server, 'staff', citizen);
    const history = await request(server.url).get(`/admin/api/citizens/${citizen.pid}/history`).set(admin()).expect(200);
    const disclosure = history.body.entries.find((e: { kind: string }) => e.kind === 'disclosure');
    expect(disclosure).toMatchObject({
      agency: { id: dopaAgencyId, th: 'กรมการปกครอง' },
      system: { clientId: firstPartyClientIds.staff },
      endpoint: expect.stringContaining('token'),
    });
    expect(disclosure.items.map((i: { scope: string }) => i.scope).sort()).toEqual(['name', 'openid', 'pid']);
  });

  it('refuses a citizen without a staff role with a 403 page in Thai and English, naming what is missing', async () => {
    const citizen = await newCitizen(server);
    const { page, agent } = await signInToConsole(server, 'staff', citizen);
    expect(page.status).toBe(403);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('ไม่มีสิทธิ์เข้าใช้คอนโซลเจ้าหน้าที่');
    expect(page.text).toContain('No access to the staff console');
    expect(page.text).toContain('you hold no DOPA staff role');
    expect(page.text).toContain('reviewer, approver or administrator');
    expect(page.text).toContain(nameOf(citizen));
    expectNoStackTrace(page.text);
    // Still signed in: the page offers to sign out, and the other pages are refused the same way.
    expect(page.text).toContain('action="/staff/logout"');
    expect((await agent.get('/staff/audit').expect(403)).text).toContain('No access to the staff console');
  });

  it('reads the roles on every request: a removed role takes effect at the next one', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    await grant(citizen.pid, 'administrator');
    const { agent } = await signInToConsole(server, 'staff', citizen);
    await agent.get('/staff/staff').expect(200);

    await revoke(citizen.pid, 'administrator');
    const refused = await agent.get('/staff/staff').expect(403);
    expect(refused.text).toContain('This page is for the administrator role only');
    expect(refused.text).toContain('hold the roles Reviewer, but not administrator');
    expect(refused.text).not.toContain('href="/staff/staff"');
    await agent.get('/staff').expect(200);

    await revoke(citizen.pid, 'reviewer');
    await agent.get('/staff').expect(403);
  });

  it('ends the session at sign-out, even for a copy of its cookie', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    const { agent, csrfToken, sessionCookie } = await signInToConsole(server, 'staff', citizen);
    await request(server.url).get('/staff').set('cookie', sessionCookie).expect(200);

    const out = await agent.post('/staff/logout').type('form').send({ _csrf: csrfToken }).expect(303);
    expect(out.headers.location).toBe('/staff/signed-out');
    const signedOut = await agent.get('/staff/signed-out').expect(200);
    expect(signedOut.text).toContain('You have signed out');
    expect(signedOut.text).not.toContain('action="/staff/logout"');
    expect((await agent.get('/staff').expect(303)).headers.location).toBe('/staff/login?next=%2Fstaff');
    // The cookie as it was before: the server ended the session, so it opens nothing.
    expect((await request(server.url).get('/staff').set('cookie', sessionCookie).expect(303)).headers.location).toMatch(/^\/staff\/login/);
  });

  it('keeps the session in a signed, HttpOnly, SameSite=Lax cookie of /staff, and refuses one tampered with', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    const { sessionCookie } = await signInToConsole(server, 'staff', citizen);
    expect(sessionCookie).toMatch(/^thaid_staff_session=[\w-]{43}; thaid_staff_session\.sig=[\w-]+$/);

    const session = /thaid_staff_session=([^;]+)/.exec(sessionCookie)![1]!;
    const changed = `${session.slice(0, -1)}${session.endsWith('A') ? 'B' : 'A'}`;
    const tampered = sessionCookie.replace(`thaid_staff_session=${session}`, `thaid_staff_session=${changed}`);
    expect((await request(server.url).get('/staff').set('cookie', tampered).expect(303)).headers.location).toBe('/staff/login?next=%2Fstaff');
    // Without its signature, the same.
    await request(server.url).get('/staff').set('cookie', `thaid_staff_session=${session}`).expect(303);
    const post = await request(server.url).post('/staff/logout').set('cookie', tampered).type('form').send({ _csrf: 'x' }).expect(401);
    expect(post.text).toContain('You are not signed in');
    expectNoStackTrace(post.text);
    // The untouched cookie still works.
    await request(server.url).get('/staff').set('cookie', sessionCookie).expect(200);
  });

  it('ends a session after 30 minutes without a request, and after 12 hours whatever happens', async () => {
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    const idle = await signInToConsole(server, 'staff', citizen);
    const long = await signInToConsole(server, 'staff', citizen);
    const db = server.database.db;
    await sql`update console_sessions set last_seen_at = now() - interval '31 minutes' where pid = ${citizen.pid}`.execute(db);
    await idle.agent.get('/staff').expect(303);
    await sql`update console_sessions set last_seen_at = now(), expires_at = now() - interval '1 second' where pid = ${citizen.pid}`.execute(db);
    await long.agent.get('/staff').expect(303);

    // The server's maintenance forgets them a day later.
    const rows = () => db.selectFrom('console_sessions').select('id_hash').where('pid', '=', citizen.pid).execute();
    expect(await rows()).toHaveLength(2);
    await sql`update console_sessions set expires_at = now() - interval '25 hours' where pid = ${citizen.pid}`.execute(db);
    await server.maintain();
    expect(await rows()).toEqual([]);
  });

  it('sends a signed-out browser to the sign-in and back to the page it asked for', async () => {
    expect((await request(server.url).get('/staff/').expect(303)).headers.location).toBe('/staff/login?next=%2Fstaff%2F');
    expect((await request(server.url).get('/agency').expect(303)).headers.location).toBe('/agency/login?next=%2Fagency');
    const anonymous = await request(server.url).get('/staff/audit?action=staff.add').expect(303);
    expect(anonymous.headers.location).toBe(`/staff/login?next=${encodeURIComponent('/staff/audit?action=staff.add')}`);
    const post = await request(server.url).post('/staff/staff/add').type('form').send({ pid: '1103000123455', role: 'reviewer' }).expect(401);
    expect(post.text).toContain('ยังไม่ได้เข้าสู่ระบบ');
    expectNoStackTrace(post.text);

    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    const { page } = await signInToConsole(server, 'staff', citizen, { next: '/staff/audit?action=staff.add' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="staff.add"');
  });

  it('never sends the browser elsewhere after the sign-in', async () => {
    const site = consoles.staff;
    for (const next of ['https://evil.example/staff', '//evil.example/staff', '/staff/../admin', '/staff\\..\\admin', '/agency', '/staff/logout', '/staffing']) {
      expect(safeReturnPath(site, next)).toBe('/staff');
    }
    expect(safeReturnPath(site, '/staff/audit?actor=admin_token')).toBe('/staff/audit?actor=admin_token');
    const citizen = await newCitizen(server);
    await grant(citizen.pid, 'reviewer');
    const { page } = await signInToConsole(server, 'staff', citizen, { next: 'https://evil.example/staff' });
    expect(page.text).toContain('Your roles'); // the console's home
  });

  it('answers a callback without a sign-in in progress with a clear page, never a 500', async () => {
    const stale = await request(server.url).get('/staff/callback?code=abc&state=def').expect(400);
    expect(stale.text).toContain('This sign-in has expired');
    expect(stale.text).toContain('การเข้าสู่ระบบนี้หมดอายุแล้ว');
    expectNoStackTrace(stale.text);
    // A callback whose state is not the one this browser sent.
    const agent = request.agent(server.url);
    await agent.get('/staff/login').expect(303);
    const forged = await agent.get('/staff/callback?code=abc&state=forged').expect(400);
    expect(forged.text).toContain('The sign-in could not be verified');
    expectNoStackTrace(forged.text);
  });
});

describe('signing in to the agency portal', () => {
  it('lets any citizen in, shows who is signed in, and keeps its session to /agency', async () => {
    const citizen = await newCitizen(server);
    const { page, agent } = await signInToConsole(server, 'agency', citizen);
    expect(page.status).toBe(200);
    expect(page.text).toContain('พอร์ทัลหน่วยงาน');
    expect(page.text).toContain('Agency portal');
    expect(page.text).toContain(nameOf(citizen));
    expect(page.text).toContain('action="/agency/logout"');
    // The portal's session is not the console's.
    expect((await agent.get('/staff').expect(303)).headers.location).toBe('/staff/login?next=%2Fstaff');
  });
});

describe('the first-party systems', () => {
  it('are registered with this server’s callbacks', async () => {
    const systems = await server.database.db.selectFrom('agency_systems').select(['client_id', 'redirect_uris', 'token_endpoint_auth_method', 'scopes', 'daily_quota']).where('agency_id', '=', dopaAgencyId).orderBy('client_id').execute();
    expect(systems).toEqual([
      { client_id: 'dopa-agency-portal', redirect_uris: [`${server.issuer}/agency/callback`], token_endpoint_auth_method: 'none', scopes: ['openid', 'pid', 'name'], daily_quota: null },
      { client_id: 'dopa-staff-console', redirect_uris: [`${server.issuer}/staff/callback`], token_endpoint_auth_method: 'none', scopes: ['openid', 'pid', 'name'], daily_quota: null },
    ]);
  });

  it('follow ISSUER: the server gives them its own callbacks at start, and only when they differ', async () => {
    const db = server.database.db;
    expect(await pointConsolesAtIssuer(db, server.issuer)).toEqual([]);
    expect(await pointConsolesAtIssuer(db, 'https://thaid.example.test')).toEqual([firstPartyClientIds.staff, firstPartyClientIds.agency]);
    const moved = await db.selectFrom('agency_systems').select('redirect_uris').where('client_id', '=', firstPartyClientIds.staff).executeTakeFirstOrThrow();
    expect(moved.redirect_uris).toEqual(['https://thaid.example.test/staff/callback']);
    expect(await pointConsolesAtIssuer(db, server.issuer)).toHaveLength(2);
  });

  it('cannot be suspended or cancelled, nor can DOPA itself', async () => {
    const change = (path: string, body: Record<string, unknown>) => request(server.url).post(`/admin/api/${path}/status`).set(admin()).send(body);
    for (const clientId of Object.values(firstPartyClientIds)) {
      const suspended = await change(`systems/${clientId}`, { status: 'suspended', reason: 'test', notice: 'after' }).expect(409);
      expect(suspended.body).toMatchObject({ error: 'first_party', error_description: expect.stringContaining('cannot be suspended or cancelled') });
      await change(`systems/${clientId}`, { status: 'cancelled', reason: 'test', notice: 'before', effectiveAt: new Date(Date.now() + 3600_000).toISOString() }).expect(409);
    }
    const agency = await change(`agencies/${dopaAgencyId}`, { status: 'cancelled', reason: 'test', notice: 'after' }).expect(409);
    expect(agency.body.error_description).toContain('is DOPA itself');
    const statuses = await server.database.db.selectFrom('active_systems').select('client_id').where('agency_id', '=', dopaAgencyId).execute();
    expect(statuses).toHaveLength(2);
    const audited = await server.database.db.selectFrom('audit_events').select('id').where('target_id', 'in', [dopaAgencyId, ...Object.values(firstPartyClientIds)]).execute();
    expect(audited).toEqual([]);
  });
});

