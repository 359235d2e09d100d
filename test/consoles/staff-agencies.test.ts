import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dopaAgencyId } from '../../src/agencies/first-party-systems.ts';
import { applyDueStatusChanges } from '../../src/agencies/status-changes.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { formatPid } from '../../src/registry/pid.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { noticeOf, postForm, signedInStaff, textOf, type SignedInStaff } from './staff-fixtures.ts';

let server: TestServer;
let citizen: Citizen;
let device: VirtualDevice;
let approver: SignedInStaff;
let reviewer: SignedInStaff;
const redirectUri = 'https://rp.example.test/callback';

beforeAll(async () => {
  server = await startTestServer();
  citizen = await newCitizen(server);
  device = await enrolledDevice(server, citizen);
  approver = await signedInStaff(server, ['approver']);
  reviewer = await signedInStaff(server, ['reviewer']);
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
let agencies = 0;
const newRp = () => createRelyingParty(server, { name: `หน่วยงานทดสอบสถานะ ${++agencies}.`, redirectUris: [redirectUri], scopes: ['pid', 'name'] });

/** A complete sign-in of the citizen to the relying party: its tokens. */
async function tokensFor(rp: CreatedRelyingParty) {
  const url = new URL(`${server.issuer}${authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid name' })}`);
  const login = await openLoginPage(server, url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  const code = new URL(await login.continueToRelyingParty()).searchParams.get('code')!;
  const answer = await request(server.url)
    .post('/api/v2/oauth2/token/')
    .auth(rp.clientId, rp.clientSecret!)
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })
    .expect(200);
  return answer.body as { access_token: string };
}
const userinfo = (accessToken: string) => request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${accessToken}`);
const systemStatus = async (clientId: string) => (await db().selectFrom('agency_systems').select('status').where('client_id', '=', clientId).executeTakeFirstOrThrow()).status;
const agencyStatus = async (id: string) => (await db().selectFrom('agencies').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('a system suspended through the console', () => {
  let rp: CreatedRelyingParty;
  let accessToken: string;
  let page: string;

  beforeAll(async () => {
    rp = await newRp();
    accessToken = (await tokensFor(rp)).access_token;
    page = `/staff/systems/${rp.clientId}`;
    // One request for a data item the system is not permitted: a policy violation.
    await request(server.url)
      .get(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid address' }))
      .set('x-request-id', 'violation-1')
      .expect(303);
  });

  it("shows the system's status, quota, today's requests, violations and letter", async () => {
    const answer = await reviewer.browser.agent.get(page).expect(200);
    const text = textOf(answer.text);
    expect(answer.text).toContain('data-status="active"');
    expect(text).toContain(redirectUri);
    expect(text).toContain('ไม่จำกัด · no limit');
    // The sign-in counts; the refused request does not.
    expect(text).toMatch(/คำขอวันนี้ · Requests today 1\b/);
    expect(answer.text).toMatch(/<tr data-violation="\d+">/);
    expect(text).toContain('ที่อยู่ตามทะเบียนบ้าน');
    expect(text).toContain('violation-1');
    const letter = await db().selectFrom('permission_letters').select('number').where('agency_id', '=', rp.agencyId).executeTakeFirstOrThrow();
    expect(answer.text).toContain(`href="/staff/letters/${letter.number}"`);
    // A reviewer reads, but is not offered the forms.
    expect(answer.text).not.toContain(`action="/staff/systems/${rp.clientId}/status"`);
    expect(text).toContain('Only approvers and administrators suspend, reinstate or cancel.');
  });

  it('refuses the forms to a reviewer', async () => {
    const refused = await postForm(reviewer, `${page}/status`, { change: 'suspend', reason: 'Breach', notice: 'after' }).expect(403);
    expect(textOf(refused.text)).toContain('This needs the approver or administrator role');
    expect(await systemStatus(rp.clientId)).toBe('active');
  });

  it('suspends at once, with a notice, and its tokens fail at userinfo at once', async () => {
    await userinfo(accessToken).expect(200);
    const before = await approver.browser.agent.get(page).expect(200);
    expect(before.text).toContain(`action="/staff/systems/${rp.clientId}/status"`);
    expect(before.text).toContain('name="change" value="suspend"');
    expect(before.text).toContain('name="change" value="cancel"');
    expect(before.text).not.toContain('name="change" value="reinstate"');

    const answer = await postForm(approver, `${page}/status`, { change: 'suspend', reason: 'Data breach under review', notice: 'after', effectiveAt: '' })
      .set('x-request-id', 'console-suspend-1')
      .expect(303);
    expect(answer.headers.location).toBe(page);
    expect(await systemStatus(rp.clientId)).toBe('suspended');
    expect((await userinfo(accessToken)).status).toBe(401);

    const after = await approver.browser.agent.get(page).expect(200);
    expect(noticeOf(after.text)).toMatchObject({ kind: 'done', text: expect.stringContaining(`System ${rp.clientId} is suspended; the agency has its notice.`) });
    expect(after.text).toContain('data-status="suspended"');
    expect(after.text).toContain('data-kind="suspension"');
    expect(textOf(after.text)).toContain('Data breach under review');
    expect(after.text).toContain('name="change" value="reinstate"');

    const audit = await db().selectFrom('audit_events').selectAll().where('target_id', '=', rp.clientId).where('action', '=', 'system.suspend').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_pid: approver.citizen.pid, actor_role: 'approver', request_id: 'console-suspend-1' });
  });

  it('reinstates it; the tokens issued before stay refused', async () => {
    await postForm(approver, `${page}/status`, { change: 'reinstate', reason: 'Review finished' }).expect(303);
    expect(await systemStatus(rp.clientId)).toBe('active');
    expect((await userinfo(accessToken)).status).toBe(401);
    expect(noticeOf((await approver.browser.agent.get(page)).text)?.text).toContain('is reinstated');
  });

  it('cancels only with the confirmation ticked, and then for good', async () => {
    await postForm(approver, `${page}/status`, { change: 'cancel', reason: 'Contract ended', notice: 'after' }).expect(303);
    expect(noticeOf((await approver.browser.agent.get(page)).text)?.text).toContain('tick the box confirming that you understand cancellation is final');
    expect(await systemStatus(rp.clientId)).toBe('active');

    await postForm(approver, `${page}/status`, { change: 'cancel', reason: 'Contract ended', notice: 'after', confirm: 'on' }).expect(303);
    expect(await systemStatus(rp.clientId)).toBe('cancelled');
    const after = await approver.browser.agent.get(page).expect(200);
    expect(textOf(after.text)).toContain('Cancellation is final: it cannot be reinstated.');
    expect(after.text).not.toContain('name="change"');

    // A forged reinstatement is refused by the domain, with the reason on the page.
    await postForm(approver, `${page}/status`, { change: 'reinstate', reason: 'Oops' }).expect(303);
    expect(noticeOf((await approver.browser.agent.get(page)).text)?.text).toContain('cancellation is final');
    expect(await systemStatus(rp.clientId)).toBe('cancelled');
  });

  it('says what to fix when the form is incomplete', async () => {
    const other = await newRp();
    const path = `/staff/systems/${other.clientId}`;
    const cases: [Record<string, string>, string][] = [
      [{ change: 'suspend', reason: '', notice: 'after' }, 'reason: must not be empty'],
      [{ change: 'suspend', reason: 'Why', notice: 'before', effectiveAt: '' }, 'effectiveAt: is required with notice before'],
      [{ change: 'suspend', reason: 'Why', notice: 'before', effectiveAt: '2020-01-01T09:00' }, 'effectiveAt: must be in the future'],
      [{ change: 'suspend', reason: 'Why' }, 'notice: is required to suspend'],
      [{ change: 'delete', reason: 'Why' }, 'did not say which change to make'],
    ];
    for (const [form, message] of cases) {
      await postForm(approver, `${path}/status`, form).expect(303);
      expect(noticeOf((await approver.browser.agent.get(path)).text)).toMatchObject({ kind: 'problem', text: expect.stringContaining(message) });
    }
    expect(await systemStatus(other.clientId)).toBe('active');
  });
});

describe('an agency suspended through the console, with notice before', () => {
  it('sends the notice now and makes the change at the time given (Thailand time)', async () => {
    const rp = await newRp();
    const staff = await signedInStaff(server, ['administrator']);
    const page = `/staff/agencies/${rp.agencyId}`;
    const inAMinute = new Date(Date.now() + 7 * 3600_000 + 60_000).toISOString().slice(0, 19);
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: 'Conditions not accepted', notice: 'before', effectiveAt: inAMinute }).expect(303);
    const shown = await staff.browser.agent.get(page).expect(200);
    expect(noticeOf(shown.text)?.text).toContain(`The notice is sent: The agency will be suspended at ${inAMinute.replace('T', ' ')} (Thailand time).`);
    expect(shown.text).toContain('data-status="active"');
    expect(textOf(shown.text)).toContain('A suspension is scheduled for');
    expect(shown.text).not.toContain('name="change" value="suspend"');
    const notice = await db().selectFrom('agency_notices').selectAll().where('agency_id', '=', rp.agencyId).executeTakeFirstOrThrow();
    expect(notice.effective_at.toISOString()).toBe(new Date(`${inAMinute}+07:00`).toISOString());
    expect(notice.applied_at).toBeNull();
    const audit = await db().selectFrom('audit_events').selectAll().where('target_id', '=', rp.agencyId).where('action', '=', 'agency.suspend.schedule').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_pid: staff.citizen.pid, actor_role: 'administrator' });

    await db().updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('id', '=', notice.id).execute();
    await applyDueStatusChanges(db());
    expect(await agencyStatus(rp.agencyId)).toBe('suspended');
  });

  it('shows the change on its page from the moment it takes effect, as the endpoints enforce it, before the maintenance applies it', async () => {
    const rp = await newRp();
    const staff = await signedInStaff(server, ['administrator']);
    const page = `/staff/agencies/${rp.agencyId}`;
    const inAnHour = new Date(Date.now() + 7 * 3600_000 + 3600_000).toISOString().slice(0, 19);
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: 'Audit findings', notice: 'before', effectiveAt: inAnHour }).expect(303);
    await db().updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('agency_id', '=', rp.agencyId).execute();
    // The system is refused already: the token endpoint reads the active systems as of now.
    await request(server.url).post('/api/v2/oauth2/token/').auth(rp.clientId, rp.clientSecret!).type('form').send({ grant_type: 'authorization_code', code: 'x', redirect_uri: redirectUri }).expect(401);
    const shown = await staff.browser.agent.get(page).expect(200);
    expect(shown.text).toContain('data-status="suspended"');
    expect(textOf(shown.text)).not.toContain('A suspension is scheduled for');
  });

  it('withdraws the scheduled change, with a reason the agency reads, and nothing happens at the time given', async () => {
    const rp = await newRp();
    const staff = await signedInStaff(server, ['approver']);
    const page = `/staff/agencies/${rp.agencyId}`;
    const inAnHour = new Date(Date.now() + 7 * 3600_000 + 3600_000).toISOString().slice(0, 19);
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: 'Conditions not accepted', notice: 'before', effectiveAt: inAnHour }).expect(303);
    const notice = await db().selectFrom('agency_notices').select('id').where('agency_id', '=', rp.agencyId).executeTakeFirstOrThrow();
    const scheduled = await staff.browser.agent.get(page).expect(200);
    expect(scheduled.text).toContain(`action="/staff/notices/${notice.id}/withdraw"`);
    // A reviewer may not.
    await postForm(reviewer, `/staff/notices/${notice.id}/withdraw`, { reason: 'No' }).expect(403);

    await postForm(staff, `/staff/notices/${notice.id}/withdraw`, { reason: '' }).expect(303);
    expect(noticeOf((await staff.browser.agent.get(page)).text)?.text).toContain('say why');
    const withdrawn = await postForm(staff, `/staff/notices/${notice.id}/withdraw`, { reason: 'The conditions were accepted meanwhile' }).expect(303);
    expect(withdrawn.headers.location).toBe(page);
    const shown = await staff.browser.agent.get(page).expect(200);
    expect(noticeOf(shown.text)?.text).toContain('The scheduled change is withdrawn');
    expect(textOf(shown.text)).toContain('The conditions were accepted meanwhile');
    expect(shown.text).not.toContain(`action="/staff/notices/${notice.id}/withdraw"`);
    // Another change may be scheduled now.
    expect(shown.text).toContain('name="change" value="suspend"');

    await db().updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('id', '=', notice.id).execute();
    await applyDueStatusChanges(db());
    expect(await agencyStatus(rp.agencyId)).toBe('active');
    await postForm(staff, `/staff/notices/${notice.id}/withdraw`, { reason: 'Again' }).expect(303);
    expect(noticeOf((await staff.browser.agent.get(page)).text)?.text).toContain('was withdrawn already');
    const audit = await db().selectFrom('audit_events').selectAll().where('target_id', '=', rp.agencyId).where('action', '=', 'agency.suspend.withdraw').execute();
    expect(audit).toEqual([expect.objectContaining({ actor_kind: 'staff', actor_pid: staff.citizen.pid, actor_role: 'approver' })]);
  });

  it('never offers to suspend DOPA itself, and refuses a forged form', async () => {
    const page = `/staff/agencies/${dopaAgencyId}`;
    const answer = await approver.browser.agent.get(page).expect(200);
    expect(textOf(answer.text)).toContain('This is DOPA\'s own, through which staff and agencies sign in: it cannot be suspended or cancelled.');
    expect(answer.text).not.toContain('name="change"');
    await postForm(approver, `${page}/status`, { change: 'suspend', reason: 'x', notice: 'after' }).expect(303);
    expect(noticeOf((await approver.browser.agent.get(page)).text)?.text).toContain('DOPA itself');
    expect(await agencyStatus(dopaAgencyId)).toBe('active');
  });
});

describe('the agencies overview', () => {
  it('searches by name and filters by status', async () => {
    const rp = await newRp();
    const name = `หน่วยงานทดสอบสถานะ ${agencies}.`;
    const found = await reviewer.browser.agent.get('/staff/agencies').query({ q: name }).expect(200);
    const listed = (html: string) => [.../<table class="agencies">[\s\S]*?<\/table>/.exec(html)![0].matchAll(/<tr data-agency="([^"]+)">/g)].map((m) => m[1]);
    expect(listed(found.text)).toEqual([rp.agencyId]);
    const everyone = await reviewer.browser.agent.get('/staff/agencies').expect(200);
    expect(listed(everyone.text)).toContain(dopaAgencyId);
    expect(listed(everyone.text).length).toBeGreaterThan(agencies);
    const suspended = await reviewer.browser.agent.get('/staff/agencies').query({ q: name, status: 'suspended' }).expect(200);
    expect(suspended.text).toContain('No agencies match.');
    await reviewer.browser.agent.get('/staff/agencies').query({ status: 'gone' }).expect(400);
  });

  it('shows every agency’s disclosures as counts and as the chart, never a citizen', async () => {
    const rp = await newRp();
    await tokensFor(rp);
    const answer = await reviewer.browser.agent.get('/staff/agencies').expect(200);
    const chart = /<img class="chart" src="([^"]+)"/.exec(answer.text)?.[1]?.replaceAll('&amp;', '&');
    expect(chart).toMatch(/^\/staff\/disclosures\/volume\.svg\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    const row = new RegExp(`<tr data-agency="${rp.agencyId}">[\\s\\S]*?</tr>`).exec(/<table class="volume">[\s\S]*<\/table>/.exec(answer.text)![0])![0];
    // The token response is one disclosure.
    expect(textOf(row)).toMatch(/หน่วยงานทดสอบสถานะ \d+\. .* 1 1 \d{4}-\d{2}-\d{2} \(1\)/);
    for (const personal of [citizen.pid, formatPid(citizen.pid), citizen.givenNameTh, citizen.familyNameEn]) expect(answer.text).not.toContain(personal);

    const svg = await reviewer.browser.agent.get(chart!).buffer(true).expect(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const drawn = svg.body.toString('utf8');
    expect(drawn).toContain('<svg');
    expect(drawn).toContain('หน่วยงานทดสอบสถานะ');
    expect(drawn).not.toContain(citizen.pid);
    await reviewer.browser.agent.get('/staff/disclosures/volume.svg?from=2026-13-01').expect(400);
    // Not an image for anyone signed out.
    await request(server.url).get(chart!).expect(303);
  });

  it('shows an agency with its systems, quota use, notices, letters and the conditions it accepted', async () => {
    const rp = await newRp();
    await postForm(approver, `/staff/systems/${rp.clientId}/status`, { change: 'suspend', reason: 'Quota abuse', notice: 'after' }).expect(303);
    const answer = await reviewer.browser.agent.get(`/staff/agencies/${rp.agencyId}`).expect(200);
    const text = textOf(answer.text);
    expect(answer.text).toContain(`data-client-id="${rp.clientId}"`);
    expect(text).toContain('ระงับชั่วคราว · Suspended');
    expect(text).toContain('Quota abuse');
    expect(answer.text).toMatch(/<table class="letters">[\s\S]*DOPA-DID-\d{4}-\d{4}/);
    expect(text).toContain('has not accepted version 1');
    await reviewer.browser.agent.get('/staff/agencies/00000000-0000-4000-8000-000000000000').expect(404);
    await reviewer.browser.agent.get('/staff/systems/no-such-client').expect(404);
  });
});
