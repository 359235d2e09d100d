import * as oidc from 'openid-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agenciesAdministeredBy, applicationsOf } from '../../src/applications/access.ts';
import {
  approveApplication,
  createApplication,
  prepareApplication,
  requestChanges,
  submitApplication,
  updateApplication,
  type Approval,
} from '../../src/applications/actions.ts';
import { agencyAdministrator, type ApplicationActor } from '../../src/applications/actors.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import { showApplication } from '../../src/applications/reads.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { completeForm, newStaff } from './forms.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status?: number; code?: string; message: string }) => error);

interface AuditRow {
  actor_kind: string;
  actor_pid: string | null;
  actor_role: string | null;
  action: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}
const auditOf = async (applicationId: string) =>
  (
    await sql<AuditRow>`select actor_kind, actor_pid, actor_role, action, before, after, request_id from audit_events
      where target_kind = 'application' and target_id = ${applicationId} order by id`.execute(db())
  ).rows;

describe('an application from draft to a working relying party', () => {
  let administrator: Citizen;
  let applicant: ApplicationActor;
  let reviewer: Awaited<ReturnType<typeof newStaff>>;
  let approver: Awaited<ReturnType<typeof newStaff>>;
  let form: ApplicationForm;
  let id: string;
  let approval: Approval;

  beforeAll(async () => {
    administrator = await newCitizen(server);
    applicant = agencyAdministrator(administrator.pid);
    // The reviewer also holds the approver role: the two-person rule still keeps them from approving their own preparation.
    reviewer = await newStaff(server, ['reviewer', 'approver']);
    approver = await newStaff(server, ['approver']);
    form = completeForm(administrator);
  });

  it('starts as a draft that may be incomplete, and cannot be submitted until complete', async () => {
    const { startDate: _startDate, accessControllers: _controllers, ...incomplete } = form;
    const draft = await createApplication(db(), applicant, { ...incomplete, administrator: { ...form.administrator, pid: undefined } }, { requestId: 'draft-1' });
    id = draft.id;
    expect(draft).toMatchObject({ status: 'draft', kind: 'new', origin: 'form', administratorPid: administrator.pid, agencyId: null });
    expect(draft.form.administrator?.pid).toBe(administrator.pid);
    expect(draft.missing.map((m) => m.path)).toEqual(['startDate', 'accessControllers']);

    const incompleteSubmission = await refusal(submitApplication(db(), applicant, id));
    expect(incompleteSubmission).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(incompleteSubmission!.message).toContain('startDate is required');
    expect(incompleteSubmission!.message).toContain('accessControllers needs at least one person');

    const completed = await updateApplication(db(), applicant, id, form);
    expect(completed.missing).toEqual([]);
    const submitted = await submitApplication(db(), applicant, id);
    expect(submitted.status).toBe('submitted');
  });

  it('is read-only to its administrator once submitted', async () => {
    const edit = await refusal(updateApplication(db(), applicant, id, { ...form, purpose: 'Something else' }));
    expect(edit).toMatchObject({ status: 409, code: 'read_only' });
    expect((await showApplication(db(), applicant, id)).form.purpose).toBe(form.purpose);
  });

  it('goes back to its administrator when a reviewer asks for changes, and is submitted again after editing', async () => {
    expect(await refusal(requestChanges(db(), approver.actor, id, 'Say why you need the birth date.'))).toMatchObject({ status: 403, code: 'not_permitted' });
    expect(await refusal(requestChanges(db(), applicant, id, 'I would like changes'))).toMatchObject({ status: 403 });

    const sentBack = await requestChanges(db(), reviewer.actor, id, 'Say more precisely why you need the birth date.');
    expect(sentBack.status).toBe('changes_requested');
    form = {
      ...form,
      systems: [{ ...form.systems![0]!, dataItems: form.systems![0]!.dataItems!.map((item) => (item.scope === 'birthdate' ? { ...item, reason: 'Only adults may use the service (Act section 5)' } : item)) }],
    };
    await updateApplication(db(), applicant, id, form);
    expect((await submitApplication(db(), applicant, id)).status).toBe('submitted');
  });

  it('is prepared by a reviewer, and its preparer may not approve it', async () => {
    expect(await refusal(prepareApplication(db(), applicant, id, {}))).toMatchObject({ status: 403 });
    expect(await refusal(prepareApplication(db(), approver.actor, id, {}))).toMatchObject({ status: 403, code: 'not_permitted' });

    const prepared = await prepareApplication(db(), reviewer.actor, id, {
      systems: [{ index: 0, redirectUris: [form.systems![0]!.redirectUris![1]!], scopes: ['pid', 'name'], dailyQuota: 500 }],
      note: 'The birth date is not needed for this service.',
    });
    expect(prepared.status).toBe('prepared');
    expect(prepared.preparation).toEqual({
      purpose: form.purpose,
      note: 'The birth date is not needed for this service.',
      systems: [
        {
          index: 0,
          clientId: null,
          name: form.systems![0]!.name,
          redirectUris: [form.systems![0]!.redirectUris![1]],
          scopes: ['pid', 'name'],
          dailyQuota: 500,
          publicClient: false,
          profile: 'thaid',
          idTokenAlg: 'RS256',
        },
      ],
    });

    const own = await refusal(approveApplication(db(), reviewer.actor, id));
    expect(own).toMatchObject({ status: 403, code: 'own_preparation' });
    expect(own!.message).toContain('No one approves their own preparation');
    expect((await showApplication(db(), reviewer.actor, id)).status).toBe('prepared');
    expect(await refusal(approveApplication(db(), applicant, id))).toMatchObject({ status: 403 });
  });

  it('is approved by a different approver: the agency, its system and a permission letter', async () => {
    approval = await approveApplication(db(), approver.actor, id, { requestId: 'approve-1' });
    const { application, letter, credentials } = approval;
    expect(application.status).toBe('approved');
    expect(application.agencyId).toEqual(expect.any(String));
    expect(credentials).toHaveLength(1);
    const [system] = credentials;
    expect(system).toMatchObject({
      index: 0,
      name: form.systems![0]!.name,
      redirectUris: [form.systems![0]!.redirectUris![1]],
      scopes: ['openid', 'pid', 'name'],
      dailyQuota: 500,
      profile: 'thaid',
    });
    expect(system!.clientSecret).toMatch(/^[\w-]{43}$/);
    expect(system!.apiKey).toMatch(/^[\w-]{43}$/);

    const row = await db().selectFrom('agency_systems').selectAll().where('client_id', '=', system!.clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ agency_id: application.agencyId, scopes: ['openid', 'pid', 'name'], daily_quota: 500, purpose: form.purpose });
    expect(row.client_secret_hash).toMatch(/^sha256:/);
    expect(row.client_secret_hash).not.toContain(system!.clientSecret);
    const agency = await db().selectFrom('agencies').selectAll().where('id', '=', application.agencyId!).executeTakeFirstOrThrow();
    expect(agency).toMatchObject({ name_th: form.agency!.nameTh, name_en: form.agency!.nameEn, status: 'active' });

    const yearBe = Number(letter.issuedOn.slice(0, 4)) + 543;
    expect(letter).toMatchObject({
      number: `DOPA-DID-${yearBe}-${String(letter.sequence).padStart(4, '0')}`,
      yearBe,
      applicationId: id,
      agencyId: application.agencyId,
      agencyNameTh: form.agency!.nameTh,
      agencyNameEn: form.agency!.nameEn,
      purpose: form.purpose,
      dataItems: ['pid', 'name'],
      conditionsVersion: 1,
      preparedBy: reviewer.citizen.pid,
      approvedBy: approver.citizen.pid,
      systems: [{ clientId: system!.clientId, name: form.systems![0]!.name, change: 'new_system', redirectUris: system!.redirectUris, dataItems: ['pid', 'name'], dailyQuota: 500 }],
    });
    const bangkokToday = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    expect(letter.issuedOn).toBe(bangkokToday);
    expect(application.letters).toEqual([letter]);
  });

  it('gives a client that completes a login with openid-client, releasing only the data items approved', async () => {
    const system = approval.credentials[0]!;
    const config = await oidc.discovery(new URL(server.issuer), system.clientId, system.clientSecret, oidc.ClientSecretBasic(system.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const rp = await startRelyingPartyLogin(config, system.redirectUris[0]!, 'openid pid name');
    const login = await openLoginPage(server, rp.url);
    const asked = await device.scan(login.appLink);
    expect(asked.agency.th).toBe(form.agency!.nameTh);
    await device.approve(asked.id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()).toMatchObject({ pid: citizen.pid, name: `${citizen.givenNameTh} ${citizen.familyNameTh}` });

    // The birth date was asked for but not permitted: the provider refuses it.
    const refused = await startRelyingPartyLogin(config, system.redirectUris[0]!, 'openid pid birthdate');
    const answer = await fetch(refused.url, { redirect: 'manual' });
    expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('reads back its whole history: every transition, who made it, in which role, and what it carried', async () => {
    const { events } = await showApplication(db(), applicant, id);
    expect(events.map((e) => [e.transition, e.from, e.to, e.actor.kind, e.actor.pid, e.actor.role])).toEqual([
      ['create', null, 'draft', 'agency', administrator.pid, 'agency_admin'],
      ['submit', 'draft', 'submitted', 'agency', administrator.pid, 'agency_admin'],
      ['request_changes', 'submitted', 'changes_requested', 'staff', reviewer.citizen.pid, 'reviewer'],
      ['submit', 'changes_requested', 'submitted', 'agency', administrator.pid, 'agency_admin'],
      ['prepare', 'submitted', 'prepared', 'staff', reviewer.citizen.pid, 'reviewer'],
      ['approve', 'prepared', 'approved', 'staff', approver.citizen.pid, 'approver'],
    ]);
    expect(events[2]!.message).toBe('Say more precisely why you need the birth date.');
    // Each submission keeps the form as it was submitted.
    expect(events[1]!.form!.systems![0]!.dataItems![2]!.reason).toBe('to check the citizen is of age');
    expect(events[3]!.form!.systems![0]!.dataItems![2]!.reason).toBe('Only adults may use the service (Act section 5)');
    expect(events[4]!.preparation!.systems[0]!.scopes).toEqual(['pid', 'name']);
    expect(events[5]!.letterNumber).toBe(approval.letter.number);
    expect(events.every((e, i) => i === 0 || e.at >= events[i - 1]!.at)).toBe(true);
  });

  it('records every action in the audit log, with who acted and in which role, and never a secret', async () => {
    const rows = await auditOf(id);
    expect(rows.map((r) => [r.action, r.actor_kind, r.actor_pid, r.actor_role])).toEqual([
      ['application.create', 'agency', administrator.pid, 'agency_admin'],
      ['application.update', 'agency', administrator.pid, 'agency_admin'],
      ['application.submit', 'agency', administrator.pid, 'agency_admin'],
      ['application.request_changes', 'staff', reviewer.citizen.pid, 'reviewer'],
      ['application.update', 'agency', administrator.pid, 'agency_admin'],
      ['application.submit', 'agency', administrator.pid, 'agency_admin'],
      ['application.prepare', 'staff', reviewer.citizen.pid, 'reviewer'],
      ['application.approve', 'staff', approver.citizen.pid, 'approver'],
    ]);
    expect(rows[0]!.request_id).toBe('draft-1');
    expect(rows.at(-1)).toMatchObject({
      before: { status: 'prepared' },
      after: { status: 'approved', agencyId: approval.application.agencyId, letterNumber: approval.letter.number },
      request_id: 'approve-1',
    });
    const json = JSON.stringify(rows);
    expect(json).not.toContain(approval.credentials[0]!.clientSecret);
    expect(json).not.toContain(approval.credentials[0]!.apiKey);
  });

  it('makes the citizen the agency’s administrator: their agencies and applications', async () => {
    expect(await agenciesAdministeredBy(db(), administrator.pid)).toEqual([
      { id: approval.application.agencyId, nameTh: form.agency!.nameTh, nameEn: form.agency!.nameEn, status: 'active' },
    ]);
    expect((await applicationsOf(db(), administrator.pid)).map((a) => [a.id, a.status])).toEqual([[id, 'approved']]);
    expect(await agenciesAdministeredBy(db(), reviewer.citizen.pid)).toEqual([]);
  });
});
