import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareApplication, submitApplication, createApplication } from '../../src/applications/actions.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import { pidCheckDigit } from '../../src/registry/pid.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { completeForm, newStaff } from './forms.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = (method: 'get' | 'post', url: string) => request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);
const db = () => server.database.db;

/** A new application filed and submitted through the admin API, as `application submit --file` does. */
async function submitted(form?: ApplicationForm): Promise<{ id: string; form: ApplicationForm }> {
  const filed = form ?? completeForm(await newCitizen(server));
  const draft = await admin('post', '/applications').send(filed).expect(201);
  await admin('post', `/applications/${draft.body.id}/submit`).expect(200);
  return { id: draft.body.id, form: filed };
}

async function approved(form?: ApplicationForm) {
  const application = await submitted(form);
  await admin('post', `/applications/${application.id}/prepare`).send({}).expect(200);
  const approval = await admin('post', `/applications/${application.id}/approve`).expect(200);
  return { ...application, approval: approval.body };
}

describe('filing an application through the admin API', () => {
  it('explains every invalid field of a form, and what a submission lacks', async () => {
    const administrator = await newCitizen(server);
    const form = completeForm(administrator);
    const bad = await admin('post', '/applications')
      .send({
        ...form,
        agency: { ...form.agency, type: 'municipal', domain: 'https://agency.go.th/' },
        administrator: { ...form.administrator, phone: 'call me' },
        systems: [{ ...form.systems![0], redirectUris: ['ftp://x.test/cb'], dataItems: [{ scope: 'shoe_size' }] }],
      })
      .expect(400);
    expect(bad.body.error).toBe('invalid_request');
    for (const part of ['agency.type: must be state or private', 'agency.domain: must be a domain name', 'administrator.phone', 'systems.0.redirectUris.0: must use https', 'systems.0.dataItems.0.scope']) {
      expect(bad.body.error_description).toContain(part);
    }

    const offDomain = await admin('post', '/applications').send({ ...form, contact: { ...form.contact, email: 'someone@gmail.com' } }).expect(400);
    expect(offDomain.body.error_description).toContain(`contact.email: must be an address on the agency's domain ${form.agency!.domain}`);

    const noAdministrator = await admin('post', '/applications').send({ ...form, administrator: { ...form.administrator, pid: undefined } }).expect(400);
    expect(noAdministrator.body.error_description).toContain('administrator.pid: is required');

    const draft = await admin('post', '/applications').send({ agency: { nameTh: 'หน่วยงานร่าง' }, administrator: { pid: administrator.pid } }).expect(201);
    expect(draft.body).toMatchObject({ status: 'draft', origin: 'form', agencyNameTh: 'หน่วยงานร่าง' });
    expect(draft.body.missing).toEqual(expect.arrayContaining([{ path: 'agency.nameEn', message: 'is required' }, { path: 'systems', message: 'needs at least one system' }]));
    const incomplete = await admin('post', `/applications/${draft.body.id}/submit`).expect(400);
    expect(incomplete.body.error_description).toMatch(/^The application is not complete: agency.nameEn is required; .*purpose is required/);
    expect(incomplete.body.details.missing).toEqual(draft.body.missing);
  });

  it('answers 404 for an administrator not in the registry and for an unknown application', async () => {
    const form = completeForm(await newCitizen(server));
    const unknownPid = `899999999999${pidCheckDigit('899999999999')}`;
    const missing = await admin('post', '/applications').send({ ...form, administrator: { ...form.administrator, pid: unknownPid } }).expect(404);
    expect(missing.body.error_description).toContain(`no citizen with ID ${unknownPid}`);
    await admin('get', '/applications/7d0e6a0c-0000-4000-8000-000000000000').expect(404);
    await admin('get', '/applications/not-an-id').expect(404);
    await admin('post', '/applications/not-an-id/submit').expect(404);
  });

  it('refuses a submission accepting conditions of use that are not in force', async () => {
    const form = completeForm(await newCitizen(server), { conditionsVersion: 7 });
    const draft = await admin('post', '/applications').send(form).expect(201);
    const refused = await admin('post', `/applications/${draft.body.id}/submit`).expect(409);
    expect(refused.body).toMatchObject({ error: 'conditions_not_current' });
    expect(refused.body.error_description).toContain('version 1 is in force');
  });
});

describe('preparing and approving through the admin API', () => {
  it('never permits a data item or redirect URI that was not asked for', async () => {
    const { id, form } = await submitted();
    const notAsked = await admin('post', `/applications/${id}/prepare`).send({ scopes: ['pid', 'gender'] }).expect(400);
    expect(notAsked.body.error_description).toContain('cannot permit gender: no system of the application asked for it');
    const perSystem = await admin('post', `/applications/${id}/prepare`)
      .send({ systems: [{ index: 0, scopes: ['address'], redirectUris: ['https://elsewhere.example/cb'] }] })
      .expect(400);
    expect(perSystem.body.error_description).toContain(`cannot permit address: system 0 (${form.systems![0]!.name}) did not ask for it`);
    expect(perSystem.body.error_description).toContain('https://elsewhere.example/cb was not asked for');
    await admin('post', `/applications/${id}/prepare`).send({ systems: [{ index: 3 }] }).expect(400);
    expect((await admin('get', `/applications/${id}`).expect(200)).body.status).toBe('submitted');

    // Narrowed within what was asked: permitted.
    const prepared = await admin('post', `/applications/${id}/prepare`).send({ scopes: ['openid', 'pid'], dailyQuota: 50 }).expect(200);
    expect(prepared.body.preparation.systems[0]).toMatchObject({ scopes: ['pid'], dailyQuota: 50, redirectUris: form.systems![0]!.redirectUris });
    const approval = await admin('post', `/applications/${id}/approve`).expect(200);
    expect(approval.body.credentials[0].scopes).toEqual(['openid', 'pid']);
    expect(approval.body.letter.dataItems).toEqual(['pid']);
  });

  it('refuses a daily quota beyond 100,000,000 a day at preparation, before anything is prepared or approved', async () => {
    const { id } = await submitted();
    const refused = await admin('post', `/applications/${id}/prepare`).send({ dailyQuota: 3_000_000_000 }).expect(400);
    expect(refused.body.error_description).toContain('dailyQuota: must be at most 100,000,000 sign-ins a day');
    await admin('post', `/applications/${id}/approve`).expect(409);
    await admin('post', `/applications/${id}/prepare`).send({ dailyQuota: 100_000_000 }).expect(200);
    expect((await admin('post', `/applications/${id}/approve`).expect(200)).body.credentials[0].dailyQuota).toBe(100_000_000);
  });

  it('takes what was asked when the preparation says nothing: the estimate as the daily quota', async () => {
    const { form, approval } = await approved();
    expect(approval.credentials[0]).toMatchObject({ scopes: ['openid', 'pid', 'name', 'birthdate'], redirectUris: form.systems![0]!.redirectUris, dailyQuota: 1200 });
    expect(approval.application.events.map((e: { actor: { kind: string } }) => e.actor.kind)).toEqual(Array(4).fill('admin_token'));
    const audited = await db()
      .selectFrom('audit_events')
      .select(['actor_kind', 'action', 'request_id', 'after'])
      .where('target_kind', '=', 'application')
      .where('target_id', '=', approval.application.id)
      .orderBy('id')
      .execute();
    expect(audited.map((r) => `${r.action} by ${r.actor_kind}`)).toEqual([
      'application.create by admin_token',
      'application.submit by admin_token',
      'application.prepare by admin_token',
      'application.approve by admin_token',
    ]);
    expect(audited.every((r) => typeof r.request_id === 'string')).toBe(true);
    expect(JSON.stringify(audited)).not.toContain(approval.credentials[0].clientSecret);
  });

  it('makes rejection final', async () => {
    const { id, form } = await submitted();
    await admin('post', `/applications/${id}/reject`).send({ reasons: [] }).expect(400);
    const rejected = await admin('post', `/applications/${id}/reject`).send({ reasons: ['The purpose is not a public service.', 'The domain is not the agency’s.'] }).expect(200);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.events.at(-1)).toMatchObject({ transition: 'reject', reasons: ['The purpose is not a public service.', 'The domain is not the agency’s.'] });

    for (const [action, body] of [
      ['prepare', {}],
      ['approve', undefined],
      ['submit', undefined],
      ['request-changes', { message: 'again' }],
      ['reject', { reasons: ['again'] }],
      ['return', { message: 'again' }],
    ] as const) {
      const answer = await admin('post', `/applications/${id}/${action}`).send(body).expect(409);
      expect(answer.body.error).toBe('wrong_status');
      expect(answer.body.error_description).toContain('rejected is final');
    }
    const edit = await admin('post', `/applications/${id}/form`).send(form).expect(409);
    expect(edit.body.error).toBe('read_only');
    expect((await admin('get', `/applications/${id}`).expect(200)).body.status).toBe('rejected');
  });

  it('sends a prepared application back to be prepared again, forgetting the preparation', async () => {
    const { id } = await submitted();
    await admin('post', `/applications/${id}/prepare`).send({ scopes: ['pid'] }).expect(200);
    const returned = await admin('post', `/applications/${id}/return`).send({ message: 'Permit the name too.' }).expect(200);
    expect(returned.body).toMatchObject({ status: 'submitted', preparation: null });
    await admin('post', `/applications/${id}/prepare`).send({ scopes: ['pid', 'name'] }).expect(200);
    const approval = await admin('post', `/applications/${id}/approve`).expect(200);
    expect(approval.body.letter.dataItems).toEqual(['pid', 'name']);
    expect(approval.body.application.preparation.systems[0].scopes).toEqual(['pid', 'name']);
  });

  it('approves a change: more for an existing system and a new system, in a letter numbered next', async () => {
    const administrator = await newCitizen(server);
    const first = await approved(completeForm(administrator));
    const agencyId: string = first.approval.application.agencyId;
    const existing = first.approval.credentials[0];
    const change = completeForm(administrator, {
      kind: 'change',
      agencyId,
      systems: [
        { clientId: existing.clientId, redirectUris: ['https://new.example.go.th/cb'], dataItems: [{ scope: 'gender', reason: 'statistics by sex' }], estimatedDailyTransactions: 2000 },
        { name: 'Mobile app', use: 'api', redirectUris: ['https://app.example.go.th/cb'], dataItems: [{ scope: 'pid', reason: 'to find the record' }], estimatedDailyTransactions: 300, publicClient: true },
      ],
    });
    const { approval } = await approved(change);
    expect(approval.application).toMatchObject({ kind: 'change', agencyId, status: 'approved' });
    expect(approval.credentials).toHaveLength(1);
    expect(approval.credentials[0]).toMatchObject({ name: 'Mobile app', scopes: ['openid', 'pid'], dailyQuota: 300 });
    expect(approval.credentials[0].clientSecret).toBeUndefined();

    const system = await db().selectFrom('agency_systems').selectAll().where('client_id', '=', existing.clientId).executeTakeFirstOrThrow();
    expect(system.redirect_uris).toEqual([...existing.redirectUris, 'https://new.example.go.th/cb']);
    expect(system.scopes).toEqual(['openid', 'pid', 'name', 'birthdate', 'gender']);
    // The estimate on the change form is no request to change the quota: it stays until a preparation sets another.
    expect(system.daily_quota).toBe(1200);

    const letter = approval.letter;
    expect(letter.sequence).toBe(first.approval.letter.sequence + 1);
    expect(letter.systems).toEqual([
      { clientId: existing.clientId, name: existing.name, change: 'extended', redirectUris: system.redirect_uris, dataItems: ['pid', 'name', 'birthdate', 'gender'], dailyQuota: 1200 },
      { clientId: approval.credentials[0].clientId, name: 'Mobile app', change: 'new_system', redirectUris: ['https://app.example.go.th/cb'], dataItems: ['pid'], dailyQuota: 300 },
    ]);
    expect(letter.dataItems).toEqual(['pid', 'name', 'birthdate', 'gender']);

    const agencyLetters = await admin('get', `/permission-letters?agency=${agencyId}`).expect(200);
    expect(agencyLetters.body.letters.map((l: { number: string }) => l.number)).toEqual([letter.number, first.approval.letter.number]);
    expect((await admin('get', `/permission-letters/${letter.number}`).expect(200)).body).toEqual(letter);
    await admin('get', '/permission-letters/DOPA-DID-2400-0001').expect(404);
  });

  it('refuses a change naming a system of another agency', async () => {
    const other = await approved();
    const administrator = await newCitizen(server);
    const mine = await approved(completeForm(administrator));
    const change = completeForm(administrator, {
      kind: 'change',
      agencyId: mine.approval.application.agencyId,
      systems: [{ clientId: other.approval.credentials[0].clientId, redirectUris: ['https://x.example/cb'], estimatedDailyTransactions: 1 }],
    });
    const refused = await admin('post', '/applications').send(change).expect(400);
    expect(refused.body.error).toBe('not_agency_system');
    expect(refused.body.error_description).toContain(`systems.0.clientId: ${other.approval.credentials[0].clientId} is not a system of the agency`);
  });

  it('changes an existing system’s quota only when the preparation gives one', async () => {
    const administrator = await newCitizen(server);
    const first = await approved(completeForm(administrator));
    const existing = first.approval.credentials[0];
    const { id } = await submitted(
      completeForm(administrator, {
        kind: 'change',
        agencyId: first.approval.application.agencyId,
        systems: [{ clientId: existing.clientId, redirectUris: ['https://more.example.go.th/cb'], estimatedDailyTransactions: 100 }],
      }),
    );
    const asIs = await admin('post', `/applications/${id}/prepare`).send({}).expect(200);
    expect(asIs.body.preparation.systems[0]).toMatchObject({ dailyQuota: 1200, currentDailyQuota: 1200 });
    await admin('post', `/applications/${id}/return`).send({ message: 'Raise the quota.' }).expect(200);
    const raised = await admin('post', `/applications/${id}/prepare`).send({ systems: [{ index: 0, dailyQuota: 5000 }] }).expect(200);
    expect(raised.body.preparation.systems[0]).toMatchObject({ dailyQuota: 5000, currentDailyQuota: 1200 });
    const approval = await admin('post', `/applications/${id}/approve`).expect(200);
    expect(approval.body.letter.systems[0]).toMatchObject({ change: 'extended', dailyQuota: 5000 });
    const audit = await db().selectFrom('audit_events').select('after').where('target_id', '=', id).where('action', '=', 'application.approve').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      systems: [{ clientId: existing.clientId, change: 'extended', dailyQuota: { before: 1200, after: 5000 }, redirectUrisAdded: ['https://more.example.go.th/cb'], dataItemsAdded: [] }],
    });
  });

  /** An approved agency's system, and a change form (not filed yet) asking to add `redirectUri` to it. */
  async function approvedSystemAndChange(redirectUri: string) {
    const administrator = await newCitizen(server);
    const first = await approved(completeForm(administrator));
    const { clientId } = first.approval.credentials[0];
    const change = completeForm(administrator, {
      kind: 'change',
      agencyId: first.approval.application.agencyId,
      systems: [{ clientId, redirectUris: [redirectUri], estimatedDailyTransactions: 100 }],
    });
    return { first, clientId, change };
  }

  it('refuses to submit, prepare or approve more for a system cancelled meanwhile, changing nothing', async () => {
    const { first, clientId, change } = await approvedSystemAndChange('https://late.example.go.th/cb');
    const draft = (await admin('post', '/applications').send(change).expect(201)).body.id;
    const unprepared = (await submitted(change)).id;
    const prepared = (await submitted(change)).id;
    await admin('post', `/applications/${prepared}/prepare`).send({}).expect(200);
    await admin('post', `/systems/${clientId}/status`).send({ status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);

    for (const [path, body] of [[`/applications/${draft}/submit`, undefined], [`/applications/${unprepared}/prepare`, {}], [`/applications/${prepared}/approve`, undefined]] as const) {
      const refused = await admin('post', path).send(body).expect(409);
      expect(refused.body.error, path).toBe('system_cancelled');
      expect(refused.body.error_description, path).toContain(`${clientId} (${first.approval.credentials[0].name}) is cancelled`);
    }
    const statuses = await db().selectFrom('applications').select(['id', 'status']).where('id', 'in', [draft, unprepared, prepared]).execute();
    expect(Object.fromEntries(statuses.map((a) => [a.id, a.status]))).toEqual({ [draft]: 'draft', [unprepared]: 'submitted', [prepared]: 'prepared' });
    const system = await db().selectFrom('agency_systems').select(['redirect_uris', 'daily_quota']).where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(system).toEqual({ redirect_uris: first.approval.credentials[0].redirectUris, daily_quota: 1200 });
  });

  it('refuses to approve more for a system whose scheduled cancellation has fallen due, before the maintenance applies it', async () => {
    const { first, clientId, change } = await approvedSystemAndChange('https://due.example.go.th/cb');
    const prepared = (await submitted(change)).id;
    await admin('post', `/applications/${prepared}/prepare`).send({}).expect(200);
    const effectiveAt = new Date(Date.now() + 3_600_000).toISOString();
    await admin('post', `/systems/${clientId}/status`).send({ status: 'cancelled', reason: 'Contract ends', notice: 'before', effectiveAt }).expect(200);
    await db().updateTable('agency_notices').set({ effective_at: sql`now() - interval '1 second'` } as never).where('client_id', '=', clientId).execute();

    expect((await admin('post', `/applications/${prepared}/approve`).expect(409)).body.error).toBe('system_cancelled');
    const system = await db().selectFrom('agency_systems').select(['status', 'redirect_uris']).where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(system).toEqual({ status: 'cancelled', redirect_uris: first.approval.credentials[0].redirectUris });
  });
});

describe('listing applications and letters', () => {
  it('filters by status, agency and words in the names, and explains bad filters', async () => {
    const { id: submittedId, form } = await submitted();
    const { approval } = await approved();
    const byStatus = (await admin('get', '/applications?status=submitted').expect(200)).body.applications;
    expect(byStatus.some((a: { id: string }) => a.id === submittedId)).toBe(true);
    expect(byStatus.every((a: { status: string }) => a.status === 'submitted')).toBe(true);

    const byAgency = (await admin('get', `/applications?agency=${approval.application.agencyId}`).expect(200)).body.applications;
    expect(byAgency.map((a: { id: string }) => a.id)).toEqual([approval.application.id]);

    const byName = (await admin('get', `/applications?q=${encodeURIComponent(form.agency!.nameEn!.toUpperCase())}`).expect(200)).body.applications;
    expect(byName.map((a: { id: string }) => a.id)).toEqual([submittedId]);
    const byThaiAbbreviation = (await admin('get', `/applications?q=${encodeURIComponent(form.agency!.abbreviationTh!)}`).expect(200)).body.applications;
    expect(byThaiAbbreviation.map((a: { id: string }) => a.id)).toEqual([submittedId]);
    expect((await admin('get', '/applications?q=%25').expect(200)).body.applications).toEqual([]);

    expect((await admin('get', '/applications?status=pending').expect(400)).body.error_description).toContain('status');
    expect((await admin('get', '/applications?agency=abc').expect(400)).body.error_description).toContain('agency');
    expect((await admin('get', '/applications?name=x').expect(400)).body.error_description).toContain('unknown parameter name');
    await request(server.url).get('/admin/api/applications').expect(401);
    await request(server.url).get('/admin/api/permission-letters').expect(401);
  });
});

describe('the database keeps the history', () => {
  it('refuses to change or remove events and letters, and to move a status or edit a submitted form by hand', async () => {
    const { id, approval } = await approved();
    await expect(sql`update application_events set message = 'forged' where application_id = ${id}`.execute(db())).rejects.toThrow(/application_events table is append-only/);
    await expect(sql`delete from application_events where application_id = ${id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate application_events`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`update permission_letters set purpose = 'anything' where number = ${approval.letter.number}`.execute(db())).rejects.toThrow(/permission_letters table is append-only/);
    await expect(sql`delete from permission_letters`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`update applications set status = 'rejected' where id = ${id}`.execute(db())).rejects.toThrow(/status moves only by inserting its event/);
    await expect(sql`update applications set form = '{}'::jsonb where id = ${id}`.execute(db())).rejects.toThrow(/once submitted, an application is read-only/);
    await expect(sql`delete from applications where id = ${id}`.execute(db())).rejects.toThrow(/never removed/);
    const events = (await admin('get', `/applications/${id}`).expect(200)).body.events;
    expect(events.map((e: { transition: string }) => e.transition)).toEqual(['create', 'submit', 'prepare', 'approve']);
  });

  it('refuses an event of a transition not in the table, or from another status', async () => {
    const { id } = await submitted();
    const insert = (transition: string, from: string | null, to: string) =>
      sql`insert into application_events (application_id, transition, from_status, to_status, actor_kind, message)
          values (${id}, ${transition}, ${from}, ${to}, 'admin_token', 'by hand')`.execute(db());
    await expect(insert('request_changes', 'submitted', 'approved')).rejects.toThrow(/check/);
    await expect(insert('return', 'prepared', 'submitted')).rejects.toThrow(/is not prepared/);
    await insert('request_changes', 'submitted', 'changes_requested');
    expect((await admin('get', `/applications/${id}`).expect(200)).body.status).toBe('changes_requested');
  });

  it('refuses, in the database too, any decision by a member of staff on an application they filed', async () => {
    const applicantOnStaff = await newStaff(server, ['reviewer', 'approver']);
    const draft = await createApplication(db(), { kind: 'agency', pid: applicantOnStaff.citizen.pid }, completeForm(applicantOnStaff.citizen));
    await submitApplication(db(), { kind: 'agency', pid: applicantOnStaff.citizen.pid }, draft.id);
    await expect(prepareApplication(db(), applicantOnStaff.actor, draft.id, {})).rejects.toMatchObject({ status: 403, code: 'own_application' });
    const byHand = sql`insert into application_events (application_id, transition, from_status, to_status, actor_kind, actor_pid, actor_role, message)
        values (${draft.id}, 'request_changes', 'submitted', 'changes_requested', 'staff', ${applicantOnStaff.citizen.pid}, 'reviewer', 'by hand')`;
    await expect(byHand.execute(db())).rejects.toThrow(/no one decides an application they filed/);
    // Another member of staff may.
    const reviewer = await newStaff(server, ['reviewer']);
    expect((await prepareApplication(db(), reviewer.actor, draft.id, {})).status).toBe('prepared');
  });

  it('refuses, in the database too, any decision by a member of staff on an application from an agency they administer', async () => {
    const administratorOnStaff = await newStaff(server, ['reviewer', 'approver']);
    const first = await approved(completeForm(administratorOnStaff.citizen));
    const agencyId: string = first.approval.application.agencyId;
    // A change the admin token files for that agency, naming another citizen as its administrator.
    const change = completeForm(await newCitizen(server), {
      kind: 'change',
      agencyId,
      systems: [{ clientId: first.approval.credentials[0].clientId, redirectUris: ['https://more.example.go.th/cb'], estimatedDailyTransactions: 10 }],
    });
    const { id } = await submitted(change);
    await expect(prepareApplication(db(), administratorOnStaff.actor, id, {})).rejects.toMatchObject({ status: 403, code: 'own_application' });
    const byHand = sql`insert into application_events (application_id, transition, from_status, to_status, actor_kind, actor_pid, actor_role, message)
        values (${id}, 'request_changes', 'submitted', 'changes_requested', 'staff', ${administratorOnStaff.citizen.pid}, 'reviewer', 'by hand')`;
    await expect(byHand.execute(db())).rejects.toThrow(/no one decides an application/);
    const reviewer = await newStaff(server, ['reviewer']);
    expect((await prepareApplication(db(), reviewer.actor, id, {})).status).toBe('prepared');
  });

  it('refuses, in the database too, an approval by the member of staff who prepared it', async () => {
    const reviewer = await newStaff(server, ['reviewer', 'approver']);
    const administrator = await newCitizen(server);
    const draft = await createApplication(db(), { kind: 'agency', pid: administrator.pid }, completeForm(administrator));
    await submitApplication(db(), { kind: 'agency', pid: administrator.pid }, draft.id);
    await prepareApplication(db(), reviewer.actor, draft.id, {});
    const byHand = sql`insert into application_events (application_id, transition, from_status, to_status, actor_kind, actor_pid, actor_role, letter_number)
        values (${draft.id}, 'approve', 'prepared', 'approved', 'staff', ${reviewer.citizen.pid}, 'approver', 'DOPA-DID-2400-0001')`;
    await expect(byHand.execute(db())).rejects.toThrow(/no one approves their own preparation/);
  });
});
