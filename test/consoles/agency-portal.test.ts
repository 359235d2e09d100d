import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, createApplication, prepareApplication, rejectApplication, requestChanges, submitApplication } from '../../src/applications/actions.ts';
import { adminTokenActor, agencyAdministrator } from '../../src/applications/actors.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { thailandTime } from '../../src/consoles/formatting.ts';
import { formatPid } from '../../src/registry/pid.ts';
import { completeForm, newStaff } from '../applications/forms.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole, type ConsoleBrowser } from '../support/consoles.ts';
import { basicAuth } from '../support/http.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { applicationIdIn, decoded, fieldsOf, inputValue, noticeOf, postForm, problemsAt, textareaValue } from './agency-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
const admin = (method: 'post' | 'get', path: string) => request(server.url)[method](`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`);

const statusOf = async (id: string) => (await db().selectFrom('applications').select(['status', 'form']).where('id', '=', id).executeTakeFirstOrThrow());
const auditOf = (targetId: string) =>
  db().selectFrom('audit_events').select(['actor_kind', 'actor_pid', 'actor_role', 'action', 'after']).where('target_id', '=', targetId).orderBy('id').execute();

/** A token request with a code that does not exist: a secret that authenticates gets invalid_grant, one that does not invalid_client. */
async function authenticates(clientId: string, secret: string, redirectUri: string): Promise<boolean> {
  const response = await request(server.url)
    .post('/api/v2/oauth2/token/')
    .type('form')
    .set('authorization', basicAuth(clientId, secret))
    .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: redirectUri });
  if (response.status === 400 && response.body.error === 'invalid_grant') return true;
  if (response.status === 401 && response.body.error === 'invalid_client') return false;
  throw new Error(`unexpected answer ${response.status} ${JSON.stringify(response.body)}`);
}

describe('an agency from its first draft to a working system, through the portal', () => {
  let citizen: Citizen;
  let portal: ConsoleBrowser;
  let form: ApplicationForm;
  let id: string;
  let agencyId: string;
  let clientId: string;
  let firstSecret: string;
  let letterNumber: string;
  let reviewer: Awaited<ReturnType<typeof newStaff>>;
  let approver: Awaited<ReturnType<typeof newStaff>>;

  beforeAll(async () => {
    citizen = await newCitizen(server);
    form = completeForm(citizen);
    reviewer = await newStaff(server, ['reviewer']);
    approver = await newStaff(server, ['approver']);
    portal = await signInToConsole(server, 'agency', citizen);
  });

  it('shows a new citizen the home page with no applications and a way to start one', () => {
    expect(portal.page.status).toBe(200);
    expect(portal.page.text).toContain('href="/agency/applications/new"');
    expect(portal.page.text).toContain('No applications yet.');
    expect(portal.page.text).toContain(formatPid(citizen.pid));
  });

  it('says which fields must be filled to submit, to a screen reader as well as with the asterisk', async () => {
    const page = (await portal.agent.get('/agency/applications/new').expect(200)).text;
    const openingTag = (name: string) => new RegExp(`<(?:input|textarea)\\b[^>]*\\bname="${name.replace('.', '\\.')}"[^>]*>`).exec(page)?.[0] ?? `no field ${name}`;
    for (const name of ['agency.nameTh', 'agency.address', 'administrator.email', 'purpose', 'startDate']) expect(openingTag(name), name).toContain('aria-required="true"');
    for (const name of ['agency.abbreviationTh', 'remarks']) expect(openingTag(name), name).not.toContain('aria-required');
  });

  it('saves an incomplete draft, which the citizen comes back to with everything typed', async () => {
    const page = await portal.agent.get('/agency/applications/new').expect(200);
    expect(page.text).toContain('ส่วนที่ 1 หน่วยงานผู้ขอใช้บริการ');
    expect(page.text).toContain('Part 2: The service');
    expect(page.text).toContain(`value="${form.conditionsVersion}"`);
    // Every data item of the profile, in Thai and English, as a checkbox with its reason.
    expect(page.text).toContain('name="systems.0.dataItems" value="smartcard_code"');
    expect(page.text).toContain('เลขหลังบัตรประชาชน (Laser ID)');
    expect(page.text).toContain('name="systems.0.reason.birthdate"');

    const saved = await postForm(portal, '/agency/applications', [
      ['kind', 'new'],
      ['agency.nameTh', form.agency!.nameTh!],
      ['agency.nameEn', form.agency!.nameEn!],
      ['agency.domain', form.agency!.domain!],
      ['purpose', form.purpose!],
      ['systems.0.name', form.systems![0]!.name!],
      ['systems.0.redirectUris.0', form.systems![0]!.redirectUris![0]!],
      ['systems.0.redirectUris.1', ''],
      ['systems.0.dataItems', 'pid'],
      ['systems.0.reason.pid', 'to find the record'],
      ['action', 'save'],
    ]).set('x-request-id', 'agency-draft-1').expect(303);
    id = applicationIdIn(saved.headers.location as string)!;
    expect(saved.headers.location).toBe(`/agency/applications/${id}/form`);
    expect(await statusOf(id)).toMatchObject({ status: 'draft' });
    expect(await auditOf(id)).toEqual([
      { actor_kind: 'agency', actor_pid: citizen.pid, actor_role: 'agency_admin', action: 'application.create', after: expect.objectContaining({ status: 'draft', administratorPid: citizen.pid }) },
    ]);

    const back = await portal.agent.get(saved.headers.location as string).expect(200);
    expect(noticeOf(back.text)).toMatchObject({ kind: 'done' });
    expect(noticeOf(back.text)!.text).toContain('The draft is saved.');
    expect(inputValue(back.text, 'agency.nameTh')).toBe(form.agency!.nameTh);
    expect(inputValue(back.text, 'systems.0.redirectUris.0')).toBe(form.systems![0]!.redirectUris![0]);
    expect(back.text).toContain('name="systems.0.dataItems" value="pid" checked');
    expect(inputValue(back.text, 'systems.0.reason.pid')).toBe('to find the record');
    // A saved draft shows no problems: it may be incomplete.
    expect(back.text).not.toContain('id="form-problems"');

    const home = await portal.agent.get('/agency').expect(200);
    expect(home.text).toContain(`href="/agency/applications/${id}"`);
    expect(home.text).toContain('ร่าง · <span lang="en">Draft</span>');
  });

  it('adds a redirect URI row with "add another" and removes one with "remove", without scripts', async () => {
    const fields: [string, string][] = [
      ['systems.0.name', form.systems![0]!.name!],
      ['systems.0.redirectUris.0', form.systems![0]!.redirectUris![0]!],
      ['systems.0.redirectUris.1', 'https://spare.example.test/callback'],
      ['agency.nameTh', form.agency!.nameTh!],
      ['agency.nameEn', form.agency!.nameEn!],
      ['agency.domain', form.agency!.domain!],
      ['purpose', form.purpose!],
    ];
    const added = await postForm(portal, `/agency/applications/${id}/form`, [...fields, ['action', 'add-uri.0']]).expect(303);
    expect(added.headers.location).toBe(`/agency/applications/${id}/form?more=uri.0#f-systems-0-redirectUris`);
    const more = await portal.agent.get(`/agency/applications/${id}/form?more=uri.0`).expect(200);
    expect(inputValue(more.text, 'systems.0.redirectUris.1')).toBe('https://spare.example.test/callback');
    // Two blank rows to fill: the usual one and the one asked for.
    expect(inputValue(more.text, 'systems.0.redirectUris.2')).toBe('');
    expect(inputValue(more.text, 'systems.0.redirectUris.3')).toBe('');

    await postForm(portal, `/agency/applications/${id}/form`, [...fields, ['action', 'remove-uri.0.1']]).expect(303);
    const stored = (await statusOf(id)).form as ApplicationForm;
    expect(stored.systems![0]!.redirectUris).toEqual([form.systems![0]!.redirectUris![0]]);
  });

  it('refuses an incomplete submission, showing every problem by its field in Thai and English and keeping what was typed', async () => {
    const fields = fieldsOf({
      ...form,
      administrator: { ...form.administrator, email: 'somchai@gmail.com' },
      systems: [{ ...form.systems![0]!, redirectUris: [form.systems![0]!.redirectUris![0]!, 'not a url'], estimatedDailyTransactions: undefined }],
      startDate: undefined,
      accessControllers: undefined,
    }).filter(([name]) => name !== 'systems.0.estimatedDailyTransactions');
    const answer = await postForm(portal, `/agency/applications/${id}/form`, [
      ...fields,
      ['systems.0.estimatedDailyTransactions', 'about a thousand'],
      ['accessControllers.0.name', 'สมศักดิ์ ดูแลดี'],
      ['accessControllers.0.position', ''],
      ['action', 'submit'],
    ]).expect(303);
    expect(answer.headers.location).toBe(`/agency/applications/${id}/form`);
    expect((await statusOf(id)).status).toBe('draft');

    const page = await portal.agent.get(answer.headers.location as string).expect(200);
    expect(noticeOf(page.text)).toMatchObject({ kind: 'problem' });
    expect(noticeOf(page.text)!.text).toContain('Not submitted:');
    expect(page.text).toContain('id="form-problems"');
    // Refused values come back as typed, next to what is wrong with them, in Thai and English.
    expect(inputValue(page.text, 'administrator.email')).toBe('somchai@gmail.com');
    expect(problemsAt(page.text, 'f-administrator-email')).toEqual([`ต้องเป็นอีเมลบนโดเมนของหน่วยงาน (${form.agency!.domain}) · must be an address on the agency's domain ${form.agency!.domain}`]);
    expect(inputValue(page.text, 'systems.0.redirectUris.1')).toBe('not a url');
    expect(problemsAt(page.text, 'f-systems-0-redirectUris-1')[0]).toContain('must be an absolute URL');
    expect(problemsAt(page.text, 'f-systems-0-redirectUris-1')[0]).toContain('ต้องเป็น URL เต็ม');
    expect(inputValue(page.text, 'systems.0.estimatedDailyTransactions')).toBe('about a thousand');
    expect(problemsAt(page.text, 'f-systems-0-estimatedDailyTransactions')[0]).toContain('ต้องเป็นจำนวนเต็ม');
    expect(inputValue(page.text, 'accessControllers.0.name')).toBe('สมศักดิ์ ดูแลดี');
    expect(problemsAt(page.text, 'f-accessControllers-0-position')).toEqual(['ต้องไม่เว้นว่าง · must not be empty']);
    // What the saved form still lacks, by its field too.
    expect(problemsAt(page.text, 'f-startDate')).toEqual(['ต้องกรอก · is required']);
    // A list whose only row was refused is not said to be empty as well: the row's own problem says what to fix.
    expect(problemsAt(page.text, 'f-accessControllers')).toEqual([]);
    // The valid fields were saved, the refused ones were not.
    const stored = (await statusOf(id)).form as ApplicationForm;
    expect(stored.agency?.address).toBe(form.agency!.address);
    expect(stored.administrator?.email).toBeUndefined();
    expect(stored.systems![0]!.redirectUris).toEqual([form.systems![0]!.redirectUris![0]]);
    // Shown once: a reload shows the saved form without the problems.
    const reload = await portal.agent.get(`/agency/applications/${id}/form`).expect(200);
    expect(reload.text).not.toContain('id="form-problems"');
  });

  it('does not say a system lacks a redirect URI when the one given was refused: the refusal says what to fix', async () => {
    const answer = await postForm(portal, `/agency/applications/${id}/form`, [
      ...fieldsOf({ ...form, systems: [{ ...form.systems![0]!, redirectUris: ['http://rp.example.test/cb#fragment'] }] }),
      ['action', 'submit'],
    ]).expect(303);
    const page = await portal.agent.get(answer.headers.location as string).expect(200);
    expect(problemsAt(page.text, 'f-systems-0-redirectUris-0').length).toBeGreaterThan(0);
    expect(problemsAt(page.text, 'f-systems-0-redirectUris')).toEqual([]);
    expect((await statusOf(id)).status).toBe('draft');
  });

  it('submits the completed form; the application is read-only after', async () => {
    const submitted = await postForm(portal, `/agency/applications/${id}/form`, [...fieldsOf(form), ['action', 'submit']]).set('x-request-id', 'agency-submit-1').expect(303);
    expect(submitted.headers.location).toBe(`/agency/applications/${id}`);
    expect((await statusOf(id)).status).toBe('submitted');
    const page = await portal.agent.get(`/agency/applications/${id}`).expect(200);
    expect(noticeOf(page.text)!.text).toContain('The application is submitted.');
    expect(page.text).toContain('data-status="submitted"');
    expect(page.text).toContain('ยื่นคำขอ <span class="en" lang="en">· Submitted</span>');
    expect(page.text).toContain('View the form');
    expect((await auditOf(id)).map((e) => e.action)).toContain('application.submit');

    const readOnly = await portal.agent.get(`/agency/applications/${id}/form`).expect(200);
    expect(readOnly.text).toContain('<fieldset class="read-only" disabled>');
    expect(readOnly.text).not.toContain('value="submit"');
    expect(readOnly.text).toContain('its form is read-only');
    expect(inputValue(readOnly.text, 'agency.nameEn')).toBe(form.agency!.nameEn);

    const edit = await postForm(portal, `/agency/applications/${id}/form`, [...fieldsOf({ ...form, purpose: 'Something else' }), ['action', 'save']]).expect(303);
    expect(edit.headers.location).toBe(`/agency/applications/${id}`);
    expect(noticeOf((await portal.agent.get(`/agency/applications/${id}`)).text)).toMatchObject({ kind: 'problem' });
    expect(((await statusOf(id)).form as ApplicationForm).purpose).toBe(form.purpose);
  });

  it('shows the reviewer’s request for changes at the top and opens the form again for resubmission', async () => {
    await requestChanges(db(), reviewer.actor, id, 'โปรดระบุเหตุผลที่ต้องใช้วันเกิดให้ชัดเจน\nSay precisely why you need the birth date.');
    const page = await portal.agent.get(`/agency/applications/${id}`).expect(200);
    expect(page.text).toContain('data-status="changes_requested"');
    expect(page.text).toContain('id="changes-requested"');
    expect(page.text).toContain('Say precisely why you need the birth date.');
    expect(page.text).toContain('โปรดระบุเหตุผลที่ต้องใช้วันเกิดให้ชัดเจน');
    // Staff are not named to the agency.
    expect(page.text).not.toContain(reviewer.citizen.pid);
    expect(page.text).toContain('DOPA reviewer');

    const editable = await portal.agent.get(`/agency/applications/${id}/form`).expect(200);
    expect(editable.text).toContain('id="changes-requested"');
    expect(editable.text).not.toContain('<fieldset class="read-only" disabled>');
    expect(editable.text).toContain('value="submit"');

    form = {
      ...form,
      systems: [{ ...form.systems![0]!, dataItems: form.systems![0]!.dataItems!.map((item) => (item.scope === 'birthdate' ? { ...item, reason: 'Only adults may use the service' } : item)) }],
    };
    await postForm(portal, `/agency/applications/${id}/form`, [...fieldsOf(form), ['action', 'submit']]).expect(303);
    expect((await statusOf(id)).status).toBe('submitted');
  });

  it('after approval, shows the agency with its system, quota, letter and the conditions its form accepted', async () => {
    await prepareApplication(db(), reviewer.actor, id, { systems: [{ index: 0, dailyQuota: 500 }] });
    const approval = await approveApplication(db(), approver.actor, id);
    agencyId = approval.application.agencyId!;
    clientId = approval.credentials[0]!.clientId;
    firstSecret = approval.credentials[0]!.clientSecret!;
    letterNumber = approval.letter.number;

    const page = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    expect(page.text).toContain(form.agency!.nameTh);
    expect(page.text).toContain(`data-client-id="${clientId}"`);
    expect(page.text).toContain(`<code class="long client-id">${clientId}</code>`);
    expect(page.text).toContain(`<li>${form.systems![0]!.redirectUris![0]}</li>`);
    expect(page.text).toContain('วันเดือนปีเกิด');
    expect(page.text).toContain('0 of 500 sign-ins today');
    expect(page.text).toContain(`href="/agency/letters/${letterNumber}"`);
    // The acceptance the submitted form made became the agency's at approval: no conditions page first. It is
    // dated when the administrator submitted the form that accepted it, not when DOPA approved.
    const submitted = await db().selectFrom('application_events').select('at').where('application_id', '=', id).where('transition', '=', 'submit').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const accepted = await db().selectFrom('conditions_acceptances').select('accepted_at').where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
    expect(accepted.accepted_at.getTime()).toBe(submitted.at.getTime());
    expect(accepted.accepted_at.getTime()).toBeLessThan(approval.application.updatedAt.getTime());
    expect(page.text).toContain(`version 1 accepted ${thailandTime(submitted.at)}`);
    expect(page.text).toContain(formatPid(citizen.pid));
    // Approved in the staff console, which shows no one the API key it made: the page does not say it was shown.
    expect(page.text).not.toContain('it was shown once');
    expect(page.text).toContain('none shown yet: the key made at approval was shown to no one; press "Issue a new API key" below');

    const home = await portal.agent.get('/agency').expect(200);
    expect(home.text).toContain(`data-agency="${agencyId}"`);
    expect(home.text).toContain(`href="/agency/agencies/${agencyId}/change"`);

    const letter = await portal.agent.get(`/agency/letters/${letterNumber}`).expect(200);
    expect(letter.text).toContain(`data-letter="${letterNumber}"`);
    expect(letter.text).toContain(form.agency!.nameTh);
    expect(letter.text).toContain(clientId);

    const application = await portal.agent.get(`/agency/applications/${id}`).expect(200);
    expect(application.text).toContain('id="approval"');
    expect(application.text).toContain(letterNumber);
  });

  it('issues a new client secret shown once, which works at the token endpoint; the old one stops after its grace', async () => {
    const redirectUri = form.systems![0]!.redirectUris![0]!;
    const issued = await postForm(portal, `/agency/systems/${clientId}/secret`, { grace: '1' }).set('x-request-id', 'agency-rotate-1').expect(303);
    expect(issued.headers.location).toBe(`/agency/agencies/${agencyId}#system-${clientId}`);
    // Never in the address.
    expect(issued.headers.location).not.toMatch(/secret=/);

    const page = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    const secret = /<code class="secret"[^>]*data-secret>([^<]+)<\/code>/.exec(page.text)?.[1];
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(page.text).toContain('Copy it now: it is shown this once');
    const again = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    expect(again.text).not.toContain(secret!);
    expect(again.text).toContain('the previous secret works until');

    const audited = await auditOf(clientId);
    expect(audited).toEqual([
      { actor_kind: 'agency', actor_pid: citizen.pid, actor_role: 'agency_admin', action: 'system.secret.rotate', after: expect.objectContaining({ graceSeconds: 86_400 }) },
    ]);
    expect(JSON.stringify(audited)).not.toContain(secret!);

    // The new secret signs a citizen in with openid-client.
    const config = await oidc.discovery(new URL(server.issuer), clientId, secret, oidc.ClientSecretBasic(secret!), { execute: [oidc.allowInsecureRequests] });
    const someone = await newCitizen(server);
    const device = await enrolledDevice(server, someone);
    const rp = await startRelyingPartyLogin(config, redirectUri, 'openid pid name');
    const login = await openLoginPage(server, rp.url);
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()).toMatchObject({ pid: someone.pid });

    // The old secret works through the day of grace, and not after it.
    expect(await authenticates(clientId, firstSecret, redirectUri)).toBe(true);
    await db().updateTable('agency_systems').set({ previous_secret_expires_at: new Date(Date.now() - 1000) }).where('client_id', '=', clientId).execute();
    expect(await authenticates(clientId, firstSecret, redirectUri)).toBe(false);
    expect(await authenticates(clientId, secret!, redirectUri)).toBe(true);
    // Today's sign-in is counted against the quota.
    expect((await portal.agent.get(`/agency/agencies/${agencyId}`)).text).toContain('1 of 500 sign-ins today');
  });

  it('refuses a grace beyond 7 days, issuing nothing', async () => {
    const before = await db().selectFrom('agency_systems').select('client_secret_hash').where('client_id', '=', clientId).executeTakeFirstOrThrow();
    await postForm(portal, `/agency/systems/${clientId}/secret`, { grace: '30' }).expect(303);
    expect(noticeOf((await portal.agent.get(`/agency/agencies/${agencyId}`)).text)?.text).toContain('choose how long the old one keeps working, 0 to 7 days');
    expect(await db().selectFrom('agency_systems').select('client_secret_hash').where('client_id', '=', clientId).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('replaces the secret once when its form is sent twice at once, so the secret in use keeps its grace', async () => {
    const secretHashes = () =>
      db().selectFrom('agency_systems').select(['client_secret_hash', 'previous_secret_hash']).where('client_id', '=', clientId).executeTakeFirstOrThrow();
    const deployed = (await secretHashes()).client_secret_hash;
    const page = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    const replacing = /name="replacing" value="([^"]+)"/.exec(page.text)![1]!;
    const rotationsBefore = (await auditOf(clientId)).length;

    const twice = await Promise.all([1, 2].map(() => postForm(portal, `/agency/systems/${clientId}/secret`, { grace: '7', replacing })));
    expect(twice.map((answer) => answer.status)).toEqual([303, 303]);
    const after = await secretHashes();
    expect(after.previous_secret_hash).toBe(deployed);
    expect(after.client_secret_hash).not.toBe(deployed);
    expect((await auditOf(clientId)).length).toBe(rotationsBefore + 1);

    // A page showing the secret before that rotation replaces nothing.
    await postForm(portal, `/agency/systems/${clientId}/secret`, { grace: '7', replacing }).expect(303);
    expect(noticeOf((await portal.agent.get(`/agency/agencies/${agencyId}`)).text)?.text).toContain('it was not replaced again');
    expect(await secretHashes()).toEqual(after);
  });

  it('issues the API key of a system approved in the console, which no one was shown: once, and then the token endpoint takes it', async () => {
    const redirectUri = form.systems![0]!.redirectUris![0]!;
    const { clientSecret } = (await admin('post', `/systems/${clientId}/secret`).send({ grace: '7d' }).expect(200)).body as { clientSecret: string };
    /** A token request carrying `key`: a key the system takes gets as far as invalid_grant, another invalid_client. */
    const keyAccepted = async (key: string) => {
      const response = await request(server.url)
        .post('/api/v2/oauth2/token/')
        .type('form')
        .set('authorization', basicAuth(clientId, clientSecret))
        .set('x-imauth-apikey', key)
        .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: redirectUri });
      return response.status === 400 && response.body.error === 'invalid_grant';
    };
    const page = (await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200)).text;
    expect(page).toContain('none shown yet: the key made at approval was shown to no one');
    expect(page).not.toContain('it was shown once, when issued');
    expect(page).toContain(`action="/agency/systems/${clientId}/api-key"`);
    const replacing = /action="\/agency\/systems\/[^"]+\/api-key">[\s\S]*?name="replacing" value="([^"]+)"/.exec(page)![1]!;

    const issued = await postForm(portal, `/agency/systems/${clientId}/api-key`, { replacing }).expect(303);
    expect(issued.headers.location).toBe(`/agency/agencies/${agencyId}#system-${clientId}`);
    expect(issued.headers.location).not.toMatch(/key=/);
    const shown = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    const apiKey = /<code class="secret"[^>]*data-api-key>([^<]+)<\/code>/.exec(shown.text)?.[1];
    expect(apiKey).toMatch(/^[\w-]{43}$/);
    expect(shown.text).toContain("The system's new API key. Copy it now: it is shown this once");
    const after = (await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200)).text;
    expect(after).not.toContain(apiKey!);
    expect(after).toContain('issued; it was shown once, when issued');
    expect(after).not.toContain('none shown yet');
    expect(await keyAccepted(apiKey!)).toBe(true);
    expect(await keyAccepted('not-this-systems-key')).toBe(false);

    const audited = (await auditOf(clientId)).filter((e) => e.action === 'system.api_key.issue');
    expect(audited).toEqual([{ actor_kind: 'agency', actor_pid: citizen.pid, actor_role: 'agency_admin', action: 'system.api_key.issue', after: { replacedKey: true } }]);
    expect(JSON.stringify(audited)).not.toContain(apiKey!);

    // The page read before this key was issued, sent twice more at once, replaces nothing: the key stays the one shown.
    const twice = await Promise.all([1, 2].map(() => postForm(portal, `/agency/systems/${clientId}/api-key`, { replacing })));
    expect(twice.map((answer) => answer.status)).toEqual([303, 303]);
    expect(noticeOf((await portal.agent.get(`/agency/agencies/${agencyId}`)).text)?.text).toContain('it was not replaced again');
    expect(await keyAccepted(apiKey!)).toBe(true);
    expect((await auditOf(clientId)).filter((e) => e.action === 'system.api_key.issue')).toHaveLength(1);
  });

  it('requests a change of the agency: the form comes filled with its details, and an existing system asks for another redirect URI', async () => {
    const page = await portal.agent.get(`/agency/agencies/${agencyId}/change`).expect(200);
    expect(page.text).toContain('ขอเปลี่ยนแปลง <span class="en" lang="en">· Change</span>');
    expect(inputValue(page.text, 'agency.nameTh')).toBe(form.agency!.nameTh);
    expect(inputValue(page.text, 'contact.email')).toBe(form.contact!.email);
    expect(inputValue(page.text, 'accessControllers.0.name')).toBe(form.accessControllers![0]!.name);
    expect(page.text).toContain(`<option value="${clientId}">`);
    expect(page.text).toContain('name="agencyId" value="' + agencyId + '"');

    const change: ApplicationForm = {
      ...form,
      kind: 'change',
      agencyId,
      systems: [{ clientId, redirectUris: ['https://eservice.example.go.th/second-callback'], estimatedDailyTransactions: 800 }],
    };
    const answer = await postForm(portal, '/agency/applications', [['kind', 'change'], ['agencyId', agencyId], ...fieldsOf(change), ['action', 'submit']]).expect(303);
    const changeId = applicationIdIn(answer.headers.location as string)!;
    expect(answer.headers.location).toBe(`/agency/applications/${changeId}`);
    const stored = await db().selectFrom('applications').select(['kind', 'agency_id', 'status', 'form']).where('id', '=', changeId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ kind: 'change', agency_id: agencyId, status: 'submitted' });
    expect((stored.form as ApplicationForm).systems).toEqual([{ clientId, redirectUris: ['https://eservice.example.go.th/second-callback'], estimatedDailyTransactions: 800 }]);
    expect((await portal.agent.get(`/agency/agencies/${agencyId}`)).text).toContain(`href="/agency/applications/${changeId}"`);
  });

  it('asks for a new version of the conditions before any page, and refuses forms until it is accepted', async () => {
    await admin('post', '/conditions').send({ textTh: 'เงื่อนไขฉบับทดสอบใหม่ ข้อ 1 ห้ามเปิดเผยข้อมูล', textEn: 'New test conditions, clause 1: disclose nothing.' }).expect(201);
    const home = await portal.agent.get('/agency').expect(303);
    expect(home.headers.location).toBe('/agency/conditions?next=%2Fagency');
    const page = await portal.agent.get(home.headers.location as string).expect(200);
    expect(page.text).toContain('Conditions of use, version 2');
    expect(page.text).toContain('เงื่อนไขฉบับทดสอบใหม่ ข้อ 1 ห้ามเปิดเผยข้อมูล');
    expect(page.text).toContain('New test conditions, clause 1: disclose nothing.');
    expect(page.text).toContain('name="version" value="2"');

    // A form sent meanwhile does nothing.
    const rotations = async () => (await auditOf(clientId)).filter((e) => e.action === 'system.secret.rotate').length;
    const rotationsBefore = await rotations();
    const refused = await postForm(portal, `/agency/systems/${clientId}/secret`, { grace: '0' }).expect(303);
    expect(refused.headers.location).toBe('/agency/conditions');
    expect(await rotations()).toBe(rotationsBefore);
    // Accepting an older version is refused.
    await postForm(portal, '/agency/conditions', { version: '1', next: '/agency' }).expect(303);
    expect(noticeOf((await portal.agent.get('/agency/conditions')).text)).toMatchObject({ kind: 'problem' });

    const accepted = await postForm(portal, '/agency/conditions', { version: '2', next: '/agency' }).expect(303);
    expect(accepted.headers.location).toBe('/agency');
    const after = await portal.agent.get('/agency').expect(200);
    expect(noticeOf(after.text)!.text).toContain('Recorded the acceptance of version 2');
    expect((await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200)).text).toContain('version 2 accepted');
  });

  it('shows a suspension in the notices inbox with its reason and times', async () => {
    await admin('post', `/agencies/${agencyId}/status`).send({ status: 'suspended', reason: 'ขอข้อมูลเกินที่ได้รับอนุญาต · Asked for data beyond its permission', notice: 'after' }).expect(200);
    const page = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    const notice = /<tr data-notice="[^"]+" data-kind="suspension">([\s\S]*?)<\/tr>/.exec(page.text)?.[1];
    expect(notice).toBeDefined();
    expect(notice).toContain('ระงับการใช้งาน');
    expect(notice).toContain('The whole agency');
    expect(notice).toContain('ขอข้อมูลเกินที่ได้รับอนุญาต · Asked for data beyond its permission');
    expect(notice).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(page.text).toContain('data-status="suspended"');
  });

  it('shows a scheduled change that DOPA withdrew, with why, as having no effect', async () => {
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await admin('post', `/systems/${clientId}/status`).send({ status: 'cancelled', reason: 'Contract ends', notice: 'before', effectiveAt }).expect(200);
    await admin('post', `/notices/${scheduled.body.notice.id}/withdraw`).send({ reason: 'The contract was renewed' }).expect(200);
    const page = await portal.agent.get(`/agency/agencies/${agencyId}`).expect(200);
    const row = new RegExp(`<tr data-notice="${scheduled.body.notice.id}" data-kind="cancellation">([\\s\\S]*?)</tr>`).exec(page.text)?.[1];
    expect(row).toContain('withdrawn, no effect');
    expect(row).toContain('The contract was renewed');
    expect(row).not.toContain('scheduled');
  });
});

describe('a value typed too long for its field', () => {
  let browser: ConsoleBrowser;
  beforeAll(async () => {
    browser = await signInToConsole(server, 'agency', await newCitizen(server));
  });
  const saveDraft = async (purpose: string) => {
    const saved = await postForm(browser, '/agency/applications', [['kind', 'new'], ['agency.nameTh', 'หน่วยงานทดสอบความยาว'], ['purpose', purpose], ['action', 'save']]).expect(303);
    const page = (await browser.agent.get(saved.headers.location as string).expect(200)).text;
    return { page, notice: decoded(noticeOf(page)!.text), shown: decoded(textareaValue(page, 'purpose') ?? '') };
  };

  it('comes back whole when it fits, and the notice says it is shown as typed', async () => {
    const purpose = `${'ตรวจสอบสิทธิ์ผู้รับบริการ '.repeat(20)}${'a'.repeat(1200)}`.slice(0, 1400);
    const { page, notice, shown } = await saveDraft(purpose);
    expect(shown).toBe(purpose);
    expect(notice).toContain('The draft is saved, except 1 field that is not valid, shown below as typed.');
    expect(problemsAt(page, 'f-purpose')).toEqual([expect.stringContaining('must be at most 1000 characters')]);
  });

  it('too long even for the page to bring back, says so at the field and in the notice instead of "as typed"', async () => {
    // 3000 Thai characters are 9 kB of UTF-8: more than the cookie that carries what was typed may hold.
    const purpose = 'บริการออนไลน์ของหน่วยงาน'.repeat(125);
    const { page, notice, shown } = await saveDraft(purpose);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(purpose.length);
    expect(purpose.startsWith(shown)).toBe(true);
    expect(notice).not.toContain('shown below as typed');
    expect(notice).toContain('1 field was too long to bring back whole and shows only the beginning of what was typed');
    expect(notice).toContain('จึงแสดงเฉพาะส่วนต้น');
    expect(problemsAt(page, 'f-purpose')).toContain(
      'ข้อความที่กรอกยาวเกินกว่าจะนำกลับมาแสดงได้ทั้งหมด จึงแสดงเฉพาะส่วนต้น หรือไม่แสดงเลย · was too long to bring back whole: only its beginning is shown, or none of it',
    );
  });
});

describe('many refused values', () => {
  it('travel in a cookie the browser keeps (at most 4 kB), each value shown again or marked as cut', async () => {
    const browser = await signInToConsole(server, 'agency', await newCitizen(server));
    // Twenty redirect URIs of about 60 characters, each refused for its fragment.
    const uris = Array.from({ length: 20 }, (_, i): [string, string] => [`systems.0.redirectUris.${i}`, `https://rp${i}.example.test/callback/path/to/page#fragment-${i}`]);
    const saved = await postForm(browser, '/agency/applications', [['kind', 'new'], ['agency.nameTh', 'หน่วยงานทดสอบหลายค่า'], ['systems.0.name', 'ระบบ'], ...uris, ['action', 'save']]).expect(303);
    const cookie = ([] as string[]).concat(saved.headers['set-cookie'] ?? []).find((c) => c.startsWith('thaid_agency_form='));
    expect(cookie).toBeDefined();
    expect(Buffer.byteLength(cookie!.split(';')[0]!)).toBeLessThanOrEqual(4096);
    const page = (await browser.agent.get(saved.headers.location as string).expect(200)).text;
    for (let i = 0; i < 20; i++) expect(problemsAt(page, `f-systems-0-redirectUris-${i}`).length, `row ${i}`).toBeGreaterThan(0);
  });
});

describe('a rejected application', () => {
  it('shows the rejection and its reasons on the application page, and the timeline, read-only', async () => {
    const applicant = await newCitizen(server);
    const reviewer = await newStaff(server, ['reviewer']);
    const browser = await signInToConsole(server, 'agency', applicant);
    const version = (await db().selectFrom('conditions_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirstOrThrow()).v;
    const submitted = await postForm(browser, '/agency/applications', [['kind', 'new'], ...fieldsOf(completeForm(applicant, { conditionsVersion: version })), ['action', 'submit']]).expect(303);
    const id = applicationIdIn(submitted.headers.location as string)!;
    await rejectApplication(db(), reviewer.actor, id, ['ไม่ระบุกฎหมายที่ให้อำนาจเก็บข้อมูลที่อยู่', 'The service does not need the address.']);

    const page = await browser.agent.get(`/agency/applications/${id}`).expect(200);
    expect(page.text).toContain('data-status="rejected"');
    const rejection = /<div class="callout callout-bad" role="alert" id="rejection">([\s\S]*?)<\/div>/.exec(page.text)?.[1];
    expect(rejection).toContain('This application was rejected');
    expect(rejection).toContain('ไม่ระบุกฎหมายที่ให้อำนาจเก็บข้อมูลที่อยู่');
    expect(rejection).toContain('The service does not need the address.');
    const steps = [...page.text.matchAll(/<td data-label="ขั้นตอน · Step">([^<]+)/g)].map((m) => m[1]!.trim());
    expect(steps).toEqual(['เริ่มร่างคำขอ', 'ยื่นคำขอ', 'ไม่อนุมัติ']);
    expect((await browser.agent.get(`/agency/applications/${id}/form`).expect(200)).text).toContain('<fieldset class="read-only" disabled>');
  });
});

describe('one agency’s administrator and another agency', () => {
  let ownerPortal: ConsoleBrowser;
  let otherPortal: ConsoleBrowser;
  let owner: { agencyId: string; applicationId: string; draftId: string; clientId: string; letter: string };
  let ownerCitizen: Citizen;

  beforeAll(async () => {
    const reviewer = await newStaff(server, ['reviewer']);
    const approver = await newStaff(server, ['approver']);
    ownerCitizen = await newCitizen(server);
    const other = await newCitizen(server);
    ownerPortal = await signInToConsole(server, 'agency', ownerCitizen);
    otherPortal = await signInToConsole(server, 'agency', other);

    const version = (await db().selectFrom('conditions_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirstOrThrow()).v;
    const created = await postForm(ownerPortal, '/agency/applications', [...fieldsOf(completeForm(ownerCitizen, { conditionsVersion: version })), ['kind', 'new'], ['action', 'submit']]).expect(303);
    const applicationId = applicationIdIn(created.headers.location as string)!;
    expect(created.headers.location).toBe(`/agency/applications/${applicationId}`);
    await prepareApplication(db(), reviewer.actor, applicationId, {});
    const approval = await approveApplication(db(), approver.actor, applicationId);
    const agencyId = approval.application.agencyId!;
    const draft = await postForm(ownerPortal, '/agency/applications', [['kind', 'change'], ['agencyId', agencyId], ['purpose', 'More data items'], ['action', 'save']]).expect(303);
    owner = { agencyId, applicationId, draftId: applicationIdIn(draft.headers.location as string)!, clientId: approval.credentials[0]!.clientId, letter: approval.letter.number };
    await admin('post', `/systems/${owner.clientId}/status`).send({ status: 'suspended', reason: 'A notice only its agency reads', notice: 'after' }).expect(200);
  });

  it('lets the administrator of an agency see its pages', async () => {
    for (const path of [`/agency/applications/${owner.applicationId}`, `/agency/applications/${owner.draftId}/form`, `/agency/agencies/${owner.agencyId}`, `/agency/agencies/${owner.agencyId}/change`, `/agency/letters/${owner.letter}`]) {
      await ownerPortal.agent.get(path).expect(200);
    }
    expect((await ownerPortal.agent.get(`/agency/agencies/${owner.agencyId}`)).text).toContain('A notice only its agency reads');
  });

  it('answers 404 to another citizen for its application, agency, system, letters and notices, and changes nothing', async () => {
    for (const path of [
      `/agency/applications/${owner.applicationId}`,
      `/agency/applications/${owner.applicationId}/form`,
      `/agency/applications/${owner.draftId}/form`,
      `/agency/agencies/${owner.agencyId}`,
      `/agency/agencies/${owner.agencyId}/change`,
      `/agency/letters/${owner.letter}`,
    ]) {
      const page = await otherPortal.agent.get(path).expect(404);
      expect(page.text).toContain('ไม่พบรายการนี้');
      expect(page.text).toContain('It does not exist, or it does not belong to an agency you administer.');
      expect(page.text).not.toContain('A notice only its agency reads');
    }
    const secretBefore = await db().selectFrom('agency_systems').select('client_secret_hash').where('client_id', '=', owner.clientId).executeTakeFirstOrThrow();
    await postForm(otherPortal, `/agency/systems/${owner.clientId}/secret`, { grace: '0' }).expect(404);
    await postForm(otherPortal, `/agency/applications/${owner.draftId}/form`, [['purpose', 'Taken over'], ['action', 'save']]).expect(404);
    await postForm(otherPortal, '/agency/applications', [['kind', 'change'], ['agencyId', owner.agencyId], ['purpose', 'A change of someone else’s agency'], ['action', 'save']]).expect(404);

    expect(await db().selectFrom('agency_systems').select('client_secret_hash').where('client_id', '=', owner.clientId).executeTakeFirstOrThrow()).toEqual(secretBefore);
    expect(((await statusOf(owner.draftId)).form as ApplicationForm).purpose).toBe('More data items');
    const home = await otherPortal.agent.get('/agency').expect(200);
    expect(home.text).not.toContain(owner.agencyId);
    expect(home.text).not.toContain(owner.applicationId);
  });

  it('keeps a credential just issued for its own agency’s page when the administrator opens another agency first', async () => {
    const reviewer = await newStaff(server, ['reviewer']);
    const approver = await newStaff(server, ['approver']);
    const version = (await db().selectFrom('conditions_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirstOrThrow()).v;
    const second = await postForm(ownerPortal, '/agency/applications', [...fieldsOf(completeForm(ownerCitizen, { conditionsVersion: version })), ['kind', 'new'], ['action', 'submit']]).expect(303);
    const secondId = applicationIdIn(second.headers.location as string)!;
    await prepareApplication(db(), reviewer.actor, secondId, {});
    const secondAgency = (await approveApplication(db(), approver.actor, secondId)).application.agencyId!;

    await postForm(ownerPortal, `/agency/systems/${owner.clientId}/api-key`, {}).expect(303);
    const other = await ownerPortal.agent.get(`/agency/agencies/${secondAgency}`).expect(200);
    expect(other.text).not.toContain('data-api-key');
    const own = await ownerPortal.agent.get(`/agency/agencies/${owner.agencyId}`).expect(200);
    expect(/<code class="secret"[^>]*data-api-key>([^<]+)<\/code>/.exec(own.text)?.[1]).toMatch(/^[\w-]{43}$/);
  });

  it('refuses a form without the session’s CSRF token, doing nothing', async () => {
    const before = await db().selectFrom('applications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const refused = await postForm(otherPortal, '/agency/applications', [['kind', 'new'], ['purpose', 'x'], ['action', 'save']], { csrf: false }).expect(403);
    expect(refused.text).toContain('The form was refused');
    expect(await db().selectFrom('applications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });
});

describe('a change naming a system the agency may not extend', () => {
  let citizen: Citizen;
  let portal: ConsoleBrowser;
  let agencyId: string;
  let active: string;
  let cancelled: string;
  let othersSystem: string;
  let version: number;

  /** An agency approved as its administrator filed it, with the conditions in force. */
  async function approvedAgency(administrator: Citizen, systems: ApplicationForm['systems']) {
    const applicant = agencyAdministrator(administrator.pid);
    const draft = await createApplication(db(), applicant, completeForm(administrator, { conditionsVersion: version, systems }));
    await submitApplication(db(), applicant, draft.id);
    await prepareApplication(db(), adminTokenActor, draft.id, {});
    return approveApplication(db(), adminTokenActor, draft.id);
  }

  beforeAll(async () => {
    version = (await db().selectFrom('conditions_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirstOrThrow()).v!;
    citizen = await newCitizen(server);
    const system = (name: string, uri: string) => ({ name, use: 'website' as const, redirectUris: [uri], dataItems: [{ scope: 'pid', reason: 'to find the record' }], estimatedDailyTransactions: 100 });
    const approval = await approvedAgency(citizen, [system('e-Service', 'https://eservice.refused.example.go.th/cb'), system('Mobile API', 'https://api.refused.example.go.th/cb')]);
    agencyId = approval.application.agencyId!;
    [active, cancelled] = approval.credentials.map((c) => c.clientId) as [string, string];
    othersSystem = (await approvedAgency(await newCitizen(server), [system('Elsewhere', 'https://elsewhere.example.go.th/cb')])).credentials[0]!.clientId;
    portal = await signInToConsole(server, 'agency', citizen);
  });

  const changeNaming = (clientId: string): ApplicationForm => ({
    ...completeForm(citizen, { conditionsVersion: version }),
    kind: 'change',
    agencyId,
    systems: [{ clientId, redirectUris: ['https://added.refused.example.go.th/cb'], estimatedDailyTransactions: 100 }],
  });

  it('saves the rest of a change naming a cancelled system or another agency’s, and shows that system again with why it cannot be extended, in Thai and English', async () => {
    await admin('post', `/systems/${cancelled}/status`).send({ status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);
    const page = await portal.agent.get(`/agency/agencies/${agencyId}/change`).expect(200);
    expect(page.text).toContain(`<option value="${active}">`);
    expect(page.text).not.toContain(`<option value="${cancelled}"`);

    for (const action of ['save', 'submit']) {
      const answer = await postForm(portal, '/agency/applications', [['kind', 'change'], ['agencyId', agencyId], ...fieldsOf(changeNaming(cancelled)), ['action', action]]).expect(303);
      const id = applicationIdIn(answer.headers.location as string)!;
      expect(answer.headers.location).toBe(`/agency/applications/${id}/form`);
      const shown = await portal.agent.get(answer.headers.location as string).expect(200);
      expect(noticeOf(shown.text)!.kind).toBe('problem');
      expect(shown.text).toContain(`<option value="${cancelled}" selected>`);
      expect(problemsAt(shown.text, 'f-systems-0-clientId')).toEqual([
        `ระบบนี้ถูกยกเลิกแล้ว การยกเลิกเป็นที่สุด ให้นำออกจากคำขอ หรือขอเป็นระบบใหม่แทน · ${cancelled} (Mobile API) is cancelled, and cancellation is final: take it out of the change, or ask for a new system instead`,
      ]);
      // What else was typed is kept: the redirect URI asked for, and the rest of the form; the system is not.
      const stored = await statusOf(id);
      expect(stored.status).toBe('draft');
      expect((stored.form as ApplicationForm).systems).toEqual([{ redirectUris: ['https://added.refused.example.go.th/cb'], estimatedDailyTransactions: 100 }]);
      expect(inputValue(shown.text, 'systems.0.redirectUris.0')).toBe('https://added.refused.example.go.th/cb');
    }

    const elsewhere = await postForm(portal, '/agency/applications', [['kind', 'change'], ['agencyId', agencyId], ...fieldsOf(changeNaming(othersSystem)), ['action', 'save']]).expect(303);
    const shown = await portal.agent.get(elsewhere.headers.location as string).expect(200);
    expect(problemsAt(shown.text, 'f-systems-0-clientId')).toEqual([
      `ไม่ใช่ระบบของหน่วยงานนี้ เลือกระบบเดิมจากรายการ หรือขอเป็นระบบใหม่ · ${othersSystem} is not a system of the agency: choose one of its systems, or ask for a new system`,
    ]);
    expect(((await statusOf(applicationIdIn(elsewhere.headers.location as string)!)).form as ApplicationForm).systems![0]!.clientId).toBeUndefined();
  });

  it('shows a saved draft’s system cancelled since as it is, with its problem, and does not submit it', async () => {
    const saved = await postForm(portal, '/agency/applications', [['kind', 'change'], ['agencyId', agencyId], ...fieldsOf(changeNaming(active)), ['action', 'save']]).expect(303);
    const id = applicationIdIn(saved.headers.location as string)!;
    await admin('post', `/systems/${active}/status`).send({ status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);

    const page = await portal.agent.get(`/agency/applications/${id}/form`).expect(200);
    expect(page.text).toContain(`<option value="${active}" selected>`);
    expect(problemsAt(page.text, 'f-systems-0-clientId')[0]).toContain(`${active} (e-Service) is cancelled`);

    const refused = await postForm(portal, `/agency/applications/${id}/form`, [...fieldsOf(changeNaming(active)), ['action', 'submit']]).expect(303);
    const notice = noticeOf((await portal.agent.get(refused.headers.location as string)).text)!;
    expect(notice.text).toContain('Not submitted:');
    expect((await statusOf(id)).status).toBe('draft');
  });
});
