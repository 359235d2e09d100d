import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateApplication, submitApplication } from '../../src/applications/actions.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import { showApplication } from '../../src/applications/reads.ts';
import { adminTokenActor } from '../../src/applications/actors.ts';
import { rotateClientSecret } from '../../src/agencies/secret-rotation.ts';
import { formatPid } from '../../src/registry/pid.ts';
import { newCitizen } from '../support/citizens.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { signInToConsole } from '../support/consoles.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { approvedAgency, filedApplication, filedChange, noticeOf, postForm, signedInStaff, textOf, type SignedInStaff } from './staff-fixtures.ts';

let server: TestServer;
/** A reviewer who also holds the approver role: the two-person rule must still hold for them. */
let reviewer: SignedInStaff;
let approver: SignedInStaff;
let reviewerOnly: SignedInStaff;
beforeAll(async () => {
  server = await startTestServer();
  reviewer = await signedInStaff(server, ['reviewer', 'approver']);
  approver = await signedInStaff(server, ['approver']);
  reviewerOnly = await signedInStaff(server, ['reviewer']);
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
const statusOf = async (id: string) => (await showApplication(db(), adminTokenActor, id)).status;

describe('an application through the staff console, from the queue to a working relying party', () => {
  let filed: Awaited<ReturnType<typeof filedApplication>>;
  let form: ApplicationForm;
  let page: string;
  let letterNumber: string;

  beforeAll(async () => {
    filed = await filedApplication(server);
    form = filed.form;
    page = `/staff/applications/${filed.id}`;
  });

  it('lists the application in the queue, newest first, and filters by status, kind and agency name', async () => {
    const older = await filedApplication(server);
    const queue = await reviewer.browser.agent.get('/staff/applications').expect(200);
    const rows = [...queue.text.matchAll(/data-application="([^"]+)"/g)].map((m) => m[1]);
    expect(rows.indexOf(older.id)).toBeLessThan(rows.indexOf(filed.id));
    expect(queue.text).toContain(form.agency!.nameTh!);

    const byName = await reviewer.browser.agent.get('/staff/applications').query({ q: form.agency!.nameEn!, status: 'submitted', kind: 'new' }).expect(200);
    expect([...byName.text.matchAll(/data-application="([^"]+)"/g)].map((m) => m[1])).toEqual([filed.id]);
    const changes = await reviewer.browser.agent.get('/staff/applications').query({ q: form.agency!.nameEn!, kind: 'change' }).expect(200);
    expect(changes.text).not.toContain(`data-application="${filed.id}"`);
    const approved = await reviewer.browser.agent.get('/staff/applications').query({ status: 'approved', q: form.agency!.nameEn! }).expect(200);
    expect(approved.text).toContain('No applications match these filters.');

    const wrong = await reviewer.browser.agent.get('/staff/applications').query({ status: 'finished' }).expect(400);
    expect(textOf(wrong.text)).toContain('status : must be one of draft, submitted');
  });

  it('pages the queue, each page continuing after the last one', async () => {
    const seen = new Set<string>();
    let next: string | undefined = '/staff/applications';
    while (next) {
      const answer: { text: string } = await reviewer.browser.agent.get(next).expect(200);
      const ids = [...answer.text.matchAll(/data-application="([^"]+)"/g)].map((m) => m[1]!);
      expect(ids.length).toBeLessThanOrEqual(25);
      for (const id of ids) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      next = /<a href="([^"]+)" rel="next">/.exec(answer.text)?.[1]?.replaceAll('&amp;', '&');
    }
    const all = await db().selectFrom('applications').select('id').execute();
    expect(seen.size).toBe(all.length);
  });

  it('shows every field of the form as filed, the systems and data items with their reasons, the conditions version and the history', async () => {
    const answer = await reviewer.browser.agent.get(page).expect(200);
    const text = textOf(answer.text);
    const agency = form.agency!;
    for (const value of [agency.nameTh, agency.nameEn, agency.abbreviationTh, agency.abbreviationEn, agency.ministry, agency.domain, agency.address]) {
      expect(text).toContain(value);
    }
    const admin = form.administrator!;
    for (const value of [formatPid(admin.pid!), admin.name, admin.nameEn, admin.position, admin.phone, admin.email]) expect(text).toContain(value);
    for (const value of Object.values(form.contact!)) expect(text).toContain(value);
    expect(text).toContain(form.purpose);
    expect(text).toContain(form.startDate);
    expect(text).toContain(`${form.accessControllers![0]!.name}, ${form.accessControllers![0]!.position}`);
    const system = form.systems![0]!;
    for (const uri of system.redirectUris!) expect(text).toContain(uri);
    for (const item of system.dataItems!) expect(text).toContain(item.reason);
    expect(text).toContain('วันเดือนปีเกิด');
    expect(text).toContain('1,200');
    expect(text).toContain('ฉบับที่ 1 · version 1');
    expect(answer.text).toContain('data-transition="submit"');
    expect(answer.text).toContain('data-transition="create"');
    expect(text).toContain(`Agency's administrator`);
  });

  it('offers a reviewer the review actions, and sends the application back for changes with a message', async () => {
    const before = await reviewer.browser.agent.get(page).expect(200);
    expect(before.text).toContain(`action="${page}/request-changes"`);
    expect(before.text).toContain(`action="${page}/prepare"`);
    expect(before.text).toContain(`action="${page}/reject"`);
    expect(before.text).not.toContain(`action="${page}/approve"`);

    // An empty message changes nothing, and says what is missing.
    const empty = await postForm(reviewer, `${page}/request-changes`, { message: '  ' }).expect(303);
    expect(empty.headers.location).toBe(page);
    expect(noticeOf((await reviewer.browser.agent.get(page)).text)).toMatchObject({ kind: 'problem', text: expect.stringContaining('say what to change') });
    expect(await statusOf(filed.id)).toBe('submitted');

    const sent = await postForm(reviewer, `${page}/request-changes`, { message: 'อธิบายเหตุผลที่ต้องใช้วันเกิด · Say why you need the birth date.' }).set('x-request-id', 'console-changes-1').expect(303);
    expect(sent.headers.location).toBe(page);
    const after = await reviewer.browser.agent.get(page).expect(200);
    expect(noticeOf(after.text)).toMatchObject({ kind: 'done', text: expect.stringContaining('Sent back to the agency for changes.') });
    expect(after.text).toContain('data-status="changes_requested"');
    expect(textOf(after.text)).toContain('Say why you need the birth date.');
    expect(textOf(after.text)).toContain(reviewer.citizen.givenNameTh);
    expect(await statusOf(filed.id)).toBe('changes_requested');

    const audit = await db().selectFrom('audit_events').selectAll().where('target_id', '=', filed.id).where('action', '=', 'application.request_changes').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_pid: reviewer.citizen.pid, actor_role: 'reviewer', request_id: 'console-changes-1' });
  });

  it('prepares the approval after the agency submits again: only what was asked for can be permitted', async () => {
    form = {
      ...form,
      systems: [{ ...form.systems![0]!, dataItems: form.systems![0]!.dataItems!.map((d) => (d.scope === 'birthdate' ? { ...d, reason: 'Only adults may use the service' } : d)) }],
    };
    await updateApplication(db(), filed.applicant, filed.id, form);
    await submitApplication(db(), filed.applicant, filed.id);

    const answer = await reviewer.browser.agent.get(page).expect(200);
    // The form offers exactly what the system asked for, as checkboxes.
    const offered = [...answer.text.matchAll(/name="system-0-scope" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(['pid', 'name', 'birthdate']);
    const uris = [...answer.text.matchAll(/name="system-0-redirect-uri" value="([^"]+)"/g)].map((m) => m[1]);
    expect(uris).toEqual(form.systems![0]!.redirectUris);

    const [production, local] = form.systems![0]!.redirectUris!;
    const fields = (scopes: string[], quota = '500'): [string, string][] => [
      ['system-0', 'on'],
      ['system-0-redirect-uri', local!],
      ...scopes.map((scope): [string, string] => ['system-0-scope', scope]),
      ['system-0-daily-quota', quota],
      ['purpose', form.purpose!],
      ['note', 'The birth date is not needed.'],
    ];
    // A forged form permitting a data item not asked for is refused by the domain; so is a bad quota.
    await postForm(reviewer, `${page}/prepare`, fields(['pid', 'address'])).expect(303);
    expect(noticeOf((await reviewer.browser.agent.get(page)).text)?.text).toContain('cannot permit address');
    await postForm(reviewer, `${page}/prepare`, fields(['pid'], 'lots')).expect(303);
    expect(noticeOf((await reviewer.browser.agent.get(page)).text)?.text).toContain('dailyQuota');
    await postForm(reviewer, `${page}/prepare`, [['purpose', form.purpose!]]).expect(303);
    expect(noticeOf((await reviewer.browser.agent.get(page)).text)?.text).toContain('must permit at least one system');
    expect(await statusOf(filed.id)).toBe('submitted');

    await postForm(reviewer, `${page}/prepare`, fields(['pid', 'name'])).expect(303);
    const prepared = await showApplication(db(), adminTokenActor, filed.id);
    expect(prepared.status).toBe('prepared');
    expect(prepared.preparation).toMatchObject({
      purpose: form.purpose,
      note: 'The birth date is not needed.',
      systems: [{ index: 0, redirectUris: [local], scopes: ['pid', 'name'], dailyQuota: 500 }],
    });
    const shown = await reviewer.browser.agent.get(page).expect(200);
    expect(noticeOf(shown.text)?.text).toContain('Another person, an approver, must approve it.');
    const permitted = textOf(/<section class="card preparation">([\s\S]*?)<\/section>/.exec(shown.text)![1]!);
    expect(permitted).toContain(local);
    expect(permitted).not.toContain(production);
    expect(permitted).toContain('500');
  });

  it('does not offer the approval to the person who prepared it, and the domain refuses their forged form', async () => {
    const answer = await reviewer.browser.agent.get(page).expect(200);
    expect(answer.text).not.toContain(`action="${page}/approve"`);
    expect(textOf(answer.text)).toContain('You prepared this application, so you cannot approve it: a second person, another approver, must approve it.');
    expect(answer.text).toContain('คุณเป็นผู้เตรียมอนุมัติคำขอนี้ จึงอนุมัติเองไม่ได้');

    const forged = await postForm(reviewer, `${page}/approve`, {}).expect(403);
    const text = textOf(forged.text);
    expect(text).toContain('Not permitted');
    expect(text).toContain('No one approves their own preparation');
    expect(text).toContain('ผู้ที่เตรียมอนุมัติคำขอจะอนุมัติคำขอนั้นเองไม่ได้');
    expect(text).toContain('Nothing was done.');
    expect(await statusOf(filed.id)).toBe('prepared');
  });

  it('keeps the approval from a reviewer without the approver role', async () => {
    const answer = await reviewerOnly.browser.agent.get(page).expect(200);
    expect(answer.text).not.toContain(`action="${page}/approve"`);
    expect(textOf(answer.text)).toContain('This application awaits an approver.');
    const refused = await postForm(reviewerOnly, `${page}/approve`, {}).expect(403);
    expect(textOf(refused.text)).toContain('This needs the approver role');
    expect(await statusOf(filed.id)).toBe('prepared');
  });

  it('is approved by a second person: a letter, and no secret shown to staff', async () => {
    const answer = await approver.browser.agent.get(page).expect(200);
    expect(answer.text).toContain(`action="${page}/approve"`);
    const approved = await postForm(approver, `${page}/approve`, {}).set('x-request-id', 'console-approve-1').expect(303);
    expect(approved.headers.location).toBe(page);

    const application = await showApplication(db(), adminTokenActor, filed.id);
    expect(application.status).toBe('approved');
    letterNumber = application.letters[0]!.number;
    const after = await approver.browser.agent.get(page).expect(200);
    expect(noticeOf(after.text)?.text).toContain(`permission letter ${letterNumber} is issued`);
    expect(noticeOf(after.text)?.text).toContain("The agency's administrator issues the systems' secrets in the agency portal.");
    expect(after.text).toContain(`href="/staff/letters/${letterNumber}"`);
    expect(after.text).not.toMatch(/client_secret|api_key|apiKey/i);

    const audit = await db().selectFrom('audit_events').selectAll().where('target_id', '=', filed.id).where('action', '=', 'application.approve').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_pid: approver.citizen.pid, actor_role: 'approver', request_id: 'console-approve-1' });
    expect(application.letters[0]).toMatchObject({ preparedBy: reviewer.citizen.pid, approvedBy: approver.citizen.pid });
  });

  it('gives a client that completes a login with openid-client once the agency issues its secret', async () => {
    const application = await showApplication(db(), adminTokenActor, filed.id);
    const { clientId, redirectUris } = application.letters[0]!.systems[0]!;
    // What the agency's administrator does in the portal: a secret for the new system, shown to them once.
    const { clientSecret } = await rotateClientSecret(db(), clientId, 0);
    const config = await oidc.discovery(new URL(server.issuer), clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), { execute: [oidc.allowInsecureRequests] });
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const rp = await startRelyingPartyLogin(config, redirectUris[0]!, 'openid pid name');
    const login = await openLoginPage(server, rp.url);
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()).toMatchObject({ pid: citizen.pid, name: `${citizen.givenNameTh} ${citizen.familyNameTh}` });
  });

  it('shows the permission letter as a printable page with everything it permits', async () => {
    const application = await showApplication(db(), adminTokenActor, filed.id);
    const letter = application.letters[0]!;
    const answer = await reviewerOnly.browser.agent.get(`/staff/letters/${letterNumber}`).expect(200);
    const text = textOf(answer.text);
    const [year, month, day] = letter.issuedOn.split('-').map(Number);
    const thaiMonths = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
    for (const value of [
      letter.number,
      `${day} ${thaiMonths[month! - 1]} ${year! + 543}`,
      form.agency!.nameTh,
      form.agency!.nameEn,
      form.systems![0]!.name,
      `client_id: ${letter.systems[0]!.clientId}`,
      form.systems![0]!.redirectUris![1],
      'เลขประจำตัวประชาชน',
      'ชื่อ-นามสกุล (ภาษาไทย)',
      form.purpose,
      'ฉบับที่ 1',
      filed.id,
      '500',
    ]) {
      expect(text).toContain(value);
    }
    // Only what was permitted: not the birth date, not the production address.
    const body = textOf(/<article class="letter"[\s\S]*<\/article>/.exec(answer.text)![0]);
    expect(body).not.toContain('วันเดือนปีเกิด');
    expect(body).not.toContain(form.systems![0]!.redirectUris![0]);
    // Printed, the letter stands alone: no console header, menu or links.
    expect(answer.text).toMatch(/@media print\s*\{[^}]*\.console-header/);
    expect(answer.text).toContain('class="letter-tools no-print"');

    await reviewerOnly.browser.agent.get('/staff/letters/DOPA-DID-2500-9999').expect(404);
  });
});

describe('a change of systems the agency already has, through the console', () => {
  let agency: Awaited<ReturnType<typeof approvedAgency>>;
  let eService: string;
  let mobileApi: string;
  const eServiceUri = 'https://eservice.change.example.go.th/callback';

  beforeAll(async () => {
    agency = await approvedAgency(server, {
      systems: [
        { name: 'e-Service', use: 'website', redirectUris: [eServiceUri], dataItems: [{ scope: 'pid', reason: 'to find the record' }], estimatedDailyTransactions: 800 },
        { name: 'Mobile API', use: 'api', redirectUris: ['https://api.change.example.go.th/cb'], dataItems: [{ scope: 'pid', reason: 'to find the record' }], estimatedDailyTransactions: 50 },
      ],
    });
    [eService, mobileApi] = agency.systems.map((s) => s.clientId) as [string, string];
  });

  const systemRow = (clientId: string) => db().selectFrom('agency_systems').select(['status', 'redirect_uris', 'scopes', 'daily_quota']).where('client_id', '=', clientId).executeTakeFirstOrThrow();
  const askMore = (uri: string) => [{ clientId: eService, redirectUris: [uri], dataItems: [{ scope: 'address', reason: 'to send documents' }], estimatedDailyTransactions: 100 }];
  const quotaField = (html: string) => /name="system-0-daily-quota" value="([^"]*)"/.exec(html)?.[1];
  const preparedQuota = (html: string) => textOf(/<dd data-part="daily-quota">([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? '').trim();
  const approveAudit = async (id: string) =>
    (await db().selectFrom('audit_events').select('after').where('target_id', '=', id).where('action', '=', 'application.approve').executeTakeFirstOrThrow()).after as { systems: unknown[] };

  it('shows each existing system’s name, status and what it is permitted now beside what is asked, and starts its quota at the quota it has', async () => {
    const change = await filedChange(server, agency, askMore('https://eservice.change.example.go.th/second'));
    const answer = await reviewer.browser.agent.get(`/staff/applications/${change.id}`).expect(200);
    const card = answer.text.slice(answer.text.indexOf('<section class="card" data-system-index="0">'), answer.text.indexOf('<h2>ผู้ควบคุมการเข้าถึงข้อมูล'));
    const now = textOf(/<section class="current-permissions" data-part="current">([\s\S]*?)<\/section>/.exec(card)![1]!);
    expect(textOf(card)).toContain(`ระบบ 1: e-Service · existing system ${eService}`);
    for (const shown of ['ใช้งานได้ · Active', eServiceUri, 'pid', 'Daily quota 800']) expect(now).toContain(shown);
    expect(now).not.toContain('second');
    expect(textOf(card)).toContain('https://eservice.change.example.go.th/second');
    expect(textOf(card)).toContain('address');

    // The quota to permit starts at the one the system has, not at the estimate on the change form.
    expect(quotaField(answer.text)).toBe('800');
    expect(textOf(answer.text)).toContain('Daily quota now : 800 · ประมาณการที่หน่วยงานระบุ · estimated sign-ins a day asked : 100');
  });

  it('keeps the quota when the reviewer leaves it as it is, and audits the approval with the quota before and after and what was added', async () => {
    const added = 'https://eservice.change.example.go.th/third';
    const change = await filedChange(server, agency, askMore(added));
    const page = `/staff/applications/${change.id}`;
    const form = (await reviewerOnly.browser.agent.get(page).expect(200)).text;
    await postForm(reviewerOnly, `${page}/prepare`, [
      ['system-0', 'on'],
      ['system-0-redirect-uri', added],
      ['system-0-scope', 'address'],
      ['system-0-daily-quota', quotaField(form)!],
      ['purpose', change.form.purpose!],
    ]).expect(303);
    expect(preparedQuota((await approver.browser.agent.get(page)).text)).toBe('800 (ไม่เปลี่ยน · unchanged )');

    await postForm(approver, `${page}/approve`, {}).expect(303);
    const system = await systemRow(eService);
    expect(system.daily_quota).toBe(800);
    expect(system.redirect_uris).toContain(added);
    expect(system.scopes).toContain('address');
    const letter = (await showApplication(db(), adminTokenActor, change.id)).letters[0]!;
    expect(letter.systems[0]).toMatchObject({ clientId: eService, change: 'extended', dailyQuota: 800 });
    expect((await approveAudit(change.id)).systems).toEqual([
      { clientId: eService, change: 'extended', dailyQuota: { before: 800, after: 800 }, redirectUrisAdded: [added], dataItemsAdded: ['address'] },
    ]);
  });

  it('changes the quota only when the reviewer sets another, and shows the approver the quota before and after', async () => {
    const added = 'https://eservice.change.example.go.th/fourth';
    const change = await filedChange(server, agency, askMore(added));
    const page = `/staff/applications/${change.id}`;
    await postForm(reviewerOnly, `${page}/prepare`, [
      ['system-0', 'on'],
      ['system-0-redirect-uri', added],
      ['system-0-daily-quota', '1,500'],
      ['purpose', change.form.purpose!],
    ]).expect(303);
    expect(preparedQuota((await approver.browser.agent.get(page)).text)).toBe('800 → 1,500 (เปลี่ยน · changed )');

    await postForm(approver, `${page}/approve`, {}).expect(303);
    expect((await systemRow(eService)).daily_quota).toBe(1500);
    // Only the redirect URI is permitted this time: no data item is added.
    expect((await approveAudit(change.id)).systems).toEqual([
      { clientId: eService, change: 'extended', dailyQuota: { before: 800, after: 1500 }, redirectUrisAdded: [added], dataItemsAdded: [] },
    ]);
  });

  it('shows a system cancelled since the change was filed as cancelled, and refuses to prepare or approve more for it, saying why', async () => {
    const asked = [{ clientId: mobileApi, redirectUris: ['https://api.change.example.go.th/v2/cb'], estimatedDailyTransactions: 10 }];
    const prepared = await filedChange(server, agency, asked);
    const submitted = await filedChange(server, agency, asked);
    await postForm(reviewerOnly, `/staff/applications/${prepared.id}/prepare`, [
      ['system-0', 'on'],
      ['system-0-redirect-uri', asked[0]!.redirectUris[0]!],
      ['system-0-daily-quota', '50'],
      ['purpose', prepared.form.purpose!],
    ]).expect(303);
    expect(await statusOf(prepared.id)).toBe('prepared');
    await request(server.url)
      .post(`/admin/api/systems/${mobileApi}/status`)
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({ status: 'cancelled', reason: 'Contract ended', notice: 'after' })
      .expect(200);

    const page = `/staff/applications/${submitted.id}`;
    const answer = await reviewerOnly.browser.agent.get(page).expect(200);
    const text = textOf(answer.text);
    expect(text).toContain('ระบบ 1: Mobile API');
    expect(answer.text).toContain('data-system-status="cancelled"');
    expect(text).toContain('This system is cancelled, and cancellation is final: it cannot be permitted more.');
    expect(answer.text).not.toMatch(/name="system-0" checked/);

    await postForm(reviewerOnly, `${page}/prepare`, [
      ['system-0', 'on'],
      ['system-0-redirect-uri', asked[0]!.redirectUris[0]!],
      ['system-0-daily-quota', '50'],
      ['purpose', submitted.form.purpose!],
    ]).expect(303);
    const refusedPreparation = noticeOf((await reviewerOnly.browser.agent.get(page)).text)!;
    expect(refusedPreparation.kind).toBe('problem');
    expect(refusedPreparation.text).toContain('ระบบที่คำขอขอเพิ่มสิทธิ์ถูกยกเลิกแล้ว');
    expect(refusedPreparation.text).toContain(`${mobileApi} (Mobile API) is cancelled`);
    expect(await statusOf(submitted.id)).toBe('submitted');

    await postForm(approver, `/staff/applications/${prepared.id}/approve`, {}).expect(303);
    const refusedApproval = noticeOf((await approver.browser.agent.get(`/staff/applications/${prepared.id}`)).text)!;
    expect(refusedApproval.text).toContain('ถูกยกเลิกแล้ว');
    expect(refusedApproval.text).toContain('cancellation is final: a change cannot extend it');
    expect(await statusOf(prepared.id)).toBe('prepared');
    const system = await systemRow(mobileApi);
    expect(system).toMatchObject({ status: 'cancelled', redirect_uris: ['https://api.change.example.go.th/cb'], daily_quota: 50 });
    expect((await showApplication(db(), adminTokenActor, prepared.id)).letters).toEqual([]);
  });
});

describe('rejecting an application through the console', () => {
  it('rejects with reasons, one a line, for good', async () => {
    const staff = await signedInStaff(server, ['reviewer']);
    const filed = await filedApplication(server);
    const page = `/staff/applications/${filed.id}`;
    await postForm(staff, `${page}/reject`, { reasons: '\n  \n' }).expect(303);
    expect(noticeOf((await staff.browser.agent.get(page)).text)?.text).toContain('give at least one reason');
    expect(await statusOf(filed.id)).toBe('submitted');

    await postForm(staff, `${page}/reject`, { reasons: 'The domain is not the agency’s.\r\nNo access controller is named.' }).expect(303);
    const application = await showApplication(db(), adminTokenActor, filed.id);
    expect(application.status).toBe('rejected');
    expect(application.events.at(-1)!.reasons).toEqual(['The domain is not the agency’s.', 'No access controller is named.']);
    const answer = await staff.browser.agent.get(page).expect(200);
    expect(textOf(answer.text)).toContain('There is nothing you can do with the application in this status.');

    // A rejected application cannot be sent back for changes: a notice, not an error page.
    await postForm(staff, `${page}/request-changes`, { message: 'More, please' }).expect(303);
    expect(noticeOf((await staff.browser.agent.get(page)).text)?.text).toContain('rejected is final');
  });
});

describe('a decision taken on a page the application has changed since', () => {
  it('is refused, and taken once the page is read again', async () => {
    const filed = await filedApplication(server);
    const page = `/staff/applications/${filed.id}`;
    const [, local] = filed.form.systems![0]!.redirectUris!;
    const preparation = (quota: string): [string, string][] => [
      ['system-0', 'on'],
      ['system-0-redirect-uri', local!],
      ['system-0-scope', 'pid'],
      ['system-0-daily-quota', quota],
      ['purpose', filed.form.purpose!],
    ];
    const seenOn = (html: string) => /name="seen" value="([^"]+)"/.exec(html)![1]!;
    await postForm(reviewerOnly, `${page}/prepare`, preparation('10')).expect(303);
    // The approver opens the page; meanwhile it is sent back and prepared again, with another quota.
    const stale = seenOn((await approver.browser.agent.get(page).expect(200)).text);
    await postForm(reviewer, `${page}/return`, { message: 'The quota is too low.', seen: seenOn((await reviewer.browser.agent.get(page)).text) }).expect(303);
    await postForm(reviewerOnly, `${page}/prepare`, preparation('1200')).expect(303);

    await postForm(approver, `${page}/approve`, { seen: stale }).expect(303);
    const refused = noticeOf((await approver.browser.agent.get(page)).text)?.text;
    expect(refused).toContain('changed after the page you acted on was shown');
    // Said in Thai too, with what to do: read the page again.
    expect(refused).toContain('โหลดหน้านี้ใหม่');
    expect(await statusOf(filed.id)).toBe('prepared');

    const current = seenOn((await approver.browser.agent.get(page).expect(200)).text);
    await postForm(approver, `${page}/approve`, { seen: current }).expect(303);
    const approved = await showApplication(db(), adminTokenActor, filed.id);
    expect(approved.status).toBe('approved');
    expect(approved.preparation?.systems[0]?.dailyQuota).toBe(1200);
  });
});

describe('who may open the application pages', () => {
  it('answers a citizen without a staff role with 403, and an unknown application with 404', async () => {
    const someone = await newCitizen(server);
    const browser = await signInToConsole(server, 'staff', someone);
    expect(browser.page.status).toBe(403);
    for (const path of ['/staff/applications', '/staff/agencies', '/staff/conditions', '/staff/letters/DOPA-DID-2569-0001']) {
      const answer = await browser.agent.get(path).expect(403);
      expect(answer.text).toContain('No access to the staff console');
    }
    const missing = await reviewer.browser.agent.get('/staff/applications/00000000-0000-4000-8000-000000000000').expect(404);
    expect(textOf(missing.text)).toContain('No application with id');
    await reviewer.browser.agent.get('/staff/applications/not-an-id').expect(404);
    await postForm(reviewer, '/staff/applications/00000000-0000-4000-8000-000000000000/reject', { reasons: 'x' }).expect(404);
  });

  it('refuses every form without the session’s CSRF token, doing nothing', async () => {
    const filed = await filedApplication(server);
    for (const action of ['request-changes', 'reject', 'prepare', 'approve', 'return']) {
      const refused = await reviewer.browser.agent.post(`/staff/applications/${filed.id}/${action}`).type('form').send({ message: 'x', reasons: 'x', _csrf: 'forged' }).expect(403);
      expect(refused.text).toContain('The form was refused');
    }
    await reviewer.browser.agent.post('/staff/conditions/publish').type('form').send({ textTh: 'ไทย', textEn: 'English' }).expect(403);
    await reviewer.browser.agent.post(`/staff/agencies/${filed.id}/status`).type('form').send({ change: 'suspend' }).expect(403);
    expect(await statusOf(filed.id)).toBe('submitted');
  });
});
