import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, createApplication, prepareApplication, submitApplication } from '../../src/applications/actions.ts';
import { agencyAdministrator } from '../../src/applications/actors.ts';
import { changeStatus } from '../../src/agencies/status-changes.ts';
import { AppError } from '../../src/errors.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import { completeForm, newStaff } from '../applications/forms.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole } from '../support/consoles.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { postForm, textOf, type SignedInStaff } from './staff-fixtures.ts';

/*
 * No one decides the status of an agency they administer: a member of staff who is an agency's administrator in
 * the portal neither reinstates, suspends nor cancels it or its systems, nor withdraws a change scheduled for it,
 * as no one decides an application naming them.
 */

let server: TestServer;
let owner: SignedInStaff;
let agencyId: string;
let clientId: string;

beforeAll(async () => {
  server = await startTestServer();
  const reviewer = await newStaff(server, ['reviewer']);
  const approver = await newStaff(server, ['approver']);
  const citizen = await newCitizen(server);
  const draft = await createApplication(db(), agencyAdministrator(citizen.pid), completeForm(citizen));
  await submitApplication(db(), agencyAdministrator(citizen.pid), draft.id);
  await prepareApplication(db(), reviewer.actor, draft.id, {});
  const approval = await approveApplication(db(), approver.actor, draft.id);
  agencyId = approval.application.agencyId!;
  clientId = approval.credentials[0]!.clientId;
  // The agency's administrator is (or becomes) an approver and an administrator on DOPA's staff.
  await grantStaffRole(db(), citizen.pid, 'approver', 'admin_token');
  await grantStaffRole(db(), citizen.pid, 'administrator', 'admin_token');
  owner = { citizen, browser: await signInToConsole(server, 'staff', citizen) };
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
const admin = (path: string) => request(server.url).post(`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`);
const agencyStatus = async () => (await db().selectFrom('agencies').select('status').where('id', '=', agencyId).executeTakeFirstOrThrow()).status;
const systemStatus = async () => (await db().selectFrom('agency_systems').select('status').where('client_id', '=', clientId).executeTakeFirstOrThrow()).status;
const staffChanges = () => db().selectFrom('audit_events').select('action').where('actor_pid', '=', owner.citizen.pid).where('target_id', 'in', [agencyId, clientId]).execute();

describe('a member of staff who administers an agency', () => {
  it('does not reinstate it after DOPA suspended it: 403, and it stays suspended', async () => {
    await admin(`/agencies/${agencyId}/status`).send({ status: 'suspended', reason: 'Data used beyond its purpose', notice: 'after' }).expect(200);
    const page = await owner.browser.agent.get(`/staff/agencies/${agencyId}`).expect(200);
    expect(page.text).not.toContain('name="change" value="reinstate"');
    expect(textOf(page.text)).toContain('You administer this agency in the agency portal');

    const refused = await postForm(owner, `/staff/agencies/${agencyId}/status`, { change: 'reinstate', reason: 'All is well' }).expect(403);
    expect(textOf(refused.text)).toContain('No one changes the status of an agency they administer');
    expect(await agencyStatus()).toBe('suspended');
    await admin(`/agencies/${agencyId}/status`).send({ status: 'active', reason: 'Resolved' }).expect(200);
  });

  it('does not reinstate, suspend or cancel its systems either', async () => {
    await admin(`/systems/${clientId}/status`).send({ status: 'suspended', reason: 'Quota abuse', notice: 'after' }).expect(200);
    await postForm(owner, `/staff/systems/${clientId}/status`, { change: 'reinstate', reason: 'All is well' }).expect(403);
    expect(await systemStatus()).toBe('suspended');
    await admin(`/systems/${clientId}/status`).send({ status: 'active', reason: 'Resolved' }).expect(200);
    await postForm(owner, `/staff/systems/${clientId}/status`, { change: 'suspend', reason: 'x', notice: 'after' }).expect(403);
    await postForm(owner, `/staff/agencies/${agencyId}/status`, { change: 'cancel', reason: 'x', notice: 'after', confirm: 'on' }).expect(403);
    expect([await agencyStatus(), await systemStatus()]).toEqual(['active', 'active']);
  });

  it('does not withdraw a suspension DOPA scheduled for it', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await admin(`/agencies/${agencyId}/status`).send({ status: 'suspended', reason: 'Conditions not accepted', notice: 'before', effectiveAt: tomorrow }).expect(200);
    const notice = await db().selectFrom('agency_notices').select(['id', 'withdrawn_at']).where('agency_id', '=', agencyId).where('applied_at', 'is', null).executeTakeFirstOrThrow();
    const page = await owner.browser.agent.get(`/staff/agencies/${agencyId}`).expect(200);
    expect(page.text).not.toContain(`action="/staff/notices/${notice.id}/withdraw"`);
    await postForm(owner, `/staff/notices/${notice.id}/withdraw`, { reason: 'Not needed' }).expect(403);
    const after = await db().selectFrom('agency_notices').select(['withdrawn_at', 'applied_at']).where('id', '=', notice.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ withdrawn_at: null, applied_at: null });
    expect(await staffChanges()).toEqual([]);
  });

  it('is refused by the status change itself, whoever calls it for them', async () => {
    const actor = { kind: 'staff', pid: owner.citizen.pid, role: 'approver' } as const;
    const refused = await changeStatus(db(), { kind: 'system', id: clientId }, { status: 'suspended', reason: 'x', notice: 'after' }, null, actor).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 403, code: 'own_agency' });
    expect(await systemStatus()).toBe('active');
  });

  it('still changes the status of agencies it does not administer', async () => {
    const otherAgency = (await createRelyingParty(server, { name: 'หน่วยงานอื่น', redirectUris: ['https://other.example.test/cb'], scopes: ['pid'] })).agencyId;
    await postForm(owner, `/staff/agencies/${otherAgency}/status`, { change: 'suspend', reason: 'Data used beyond its purpose', notice: 'after' }).expect(303);
    expect((await db().selectFrom('agencies').select('status').where('id', '=', otherAgency).executeTakeFirstOrThrow()).status).toBe('suspended');
  });
});
