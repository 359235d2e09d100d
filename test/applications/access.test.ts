import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agenciesAdministeredBy,
  applicationsOf,
  assertAgencyAccess,
  assertSystemAccess,
} from '../../src/applications/access.ts';
import { approveApplication, createApplication, prepareApplication, submitApplication, updateApplication, type Approval } from '../../src/applications/actions.ts';
import { adminTokenActor, agencyAdministrator, type ApplicationActor } from '../../src/applications/actors.ts';
import { listLetters, showLetter } from '../../src/applications/letters.ts';
import { listApplications, showApplication } from '../../src/applications/reads.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { completeForm, newStaff } from './forms.ts';

let server: TestServer;
const db = () => server.database.db;
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status?: number; code?: string; message: string }) => error);

interface Agency {
  administrator: Citizen;
  actor: ApplicationActor;
  approval: Approval;
  draftId: string;
}

/** An agency approved through its application, with a second application of its administrator still a draft. */
async function agencyOf(reviewer: ApplicationActor, approver: ApplicationActor): Promise<Agency> {
  const administrator = await newCitizen(server);
  const actor = agencyAdministrator(administrator.pid);
  const { id } = await createApplication(db(), actor, completeForm(administrator));
  await submitApplication(db(), actor, id);
  await prepareApplication(db(), reviewer, id, {});
  const approval = await approveApplication(db(), approver, id);
  const draft = await createApplication(db(), actor, { kind: 'new', agency: { nameTh: 'ร่างใหม่' } });
  return { administrator, actor, approval, draftId: draft.id };
}

let a: Agency;
let b: Agency;
beforeAll(async () => {
  server = await startTestServer();
  const reviewer = await newStaff(server, ['reviewer']);
  const approver = await newStaff(server, ['approver']);
  a = await agencyOf(reviewer.actor, approver.actor);
  b = await agencyOf(reviewer.actor, approver.actor);
});
afterAll(() => server?.dispose());

describe("an agency's administrator", () => {
  it('administers their own agency only, and sees only their own applications', async () => {
    expect((await agenciesAdministeredBy(db(), a.administrator.pid)).map((x) => x.id)).toEqual([a.approval.application.agencyId]);
    expect((await applicationsOf(db(), a.administrator.pid)).map((x) => x.id).sort()).toEqual([a.approval.application.id, a.draftId].sort());
    expect((await listApplications(db(), a.actor)).map((x) => x.id).sort()).toEqual([a.approval.application.id, a.draftId].sort());
    expect((await listApplications(db(), a.actor, { agencyId: b.approval.application.agencyId! })).map((x) => x.id)).toEqual([]);
    expect(await agenciesAdministeredBy(db(), (await newCitizen(server)).pid)).toEqual([]);
  });

  it("cannot read another agency's application, as if it did not exist", async () => {
    expect((await showApplication(db(), a.actor, a.approval.application.id)).status).toBe('approved');
    for (const id of [b.approval.application.id, b.draftId]) {
      const refused = await refusal(showApplication(db(), a.actor, id));
      expect(refused).toMatchObject({ status: 404, code: 'not_found', message: `No application with id ${id}.` });
    }
  });

  it("cannot change, submit or make a change application of another agency's", async () => {
    const form = completeForm(a.administrator);
    expect(await refusal(updateApplication(db(), a.actor, b.draftId, { kind: 'new', agency: { nameTh: 'ยึด' } }))).toMatchObject({ status: 404 });
    expect(await refusal(submitApplication(db(), a.actor, b.draftId))).toMatchObject({ status: 404 });
    const change = { ...form, kind: 'change' as const, agencyId: b.approval.application.agencyId!, systems: [{ clientId: b.approval.credentials[0]!.clientId, redirectUris: ['https://evil.example/cb'] }] };
    expect(await refusal(createApplication(db(), a.actor, change))).toMatchObject({ status: 404, message: `No agency with id ${b.approval.application.agencyId}.` });
    // Naming someone else as the administrator is refused too: the administrator is whoever signed in.
    const other = await refusal(createApplication(db(), a.actor, completeForm(b.administrator)));
    expect(other).toMatchObject({ status: 400 });
    expect(other!.message).toContain('the administrator named on your application is you');
    expect((await showApplication(db(), b.actor, b.draftId)).form.agency?.nameTh).toBe('ร่างใหม่');
  });

  it("cannot see another agency's systems or letters", async () => {
    await expect(assertSystemAccess(db(), a.actor, a.approval.credentials[0]!.clientId)).resolves.toEqual({ agencyId: a.approval.application.agencyId });
    await expect(assertAgencyAccess(db(), a.actor, a.approval.application.agencyId!)).resolves.toBeUndefined();
    expect(await refusal(assertSystemAccess(db(), a.actor, b.approval.credentials[0]!.clientId))).toMatchObject({ status: 404 });
    expect(await refusal(assertAgencyAccess(db(), a.actor, b.approval.application.agencyId!))).toMatchObject({ status: 404 });
    expect(await refusal(assertAgencyAccess(db(), a.actor, 'not-an-id'))).toMatchObject({ status: 404 });

    expect((await listLetters(db(), a.actor)).map((l) => l.number)).toEqual([a.approval.letter.number]);
    expect(await listLetters(db(), a.actor, { agencyId: b.approval.application.agencyId! })).toEqual([]);
    expect((await showLetter(db(), a.actor, a.approval.letter.number)).agencyId).toBe(a.approval.application.agencyId);
    expect(await refusal(showLetter(db(), a.actor, b.approval.letter.number))).toMatchObject({ status: 404, message: `No permission letter numbered ${b.approval.letter.number}.` });
  });

  it('may make a change application of their own agency', async () => {
    const form = completeForm(a.administrator);
    const change = await createApplication(db(), a.actor, {
      ...form,
      kind: 'change',
      agencyId: a.approval.application.agencyId!,
      systems: [{ clientId: a.approval.credentials[0]!.clientId, redirectUris: ['https://more.example.go.th/cb'], estimatedDailyTransactions: 10 }],
    });
    expect(change).toMatchObject({ kind: 'change', agencyId: a.approval.application.agencyId, status: 'draft' });
    expect((await submitApplication(db(), a.actor, change.id)).status).toBe('submitted');
  });
});

describe('staff and the admin token', () => {
  it('see every agency’s applications and letters', async () => {
    const staff = await newStaff(server, ['reviewer']);
    for (const actor of [staff.actor, adminTokenActor]) {
      const ids = (await listApplications(db(), actor)).map((x) => x.id);
      expect(ids).toEqual(expect.arrayContaining([a.approval.application.id, b.approval.application.id, a.draftId, b.draftId]));
      expect((await showApplication(db(), actor, b.draftId)).id).toBe(b.draftId);
      expect((await listLetters(db(), actor)).map((l) => l.number)).toEqual(expect.arrayContaining([a.approval.letter.number, b.approval.letter.number]));
    }
  });

  it('cannot file or edit an application as a member of staff: that is the agency’s (or the sandbox operator’s)', async () => {
    const staff = await newStaff(server, ['reviewer', 'approver', 'administrator']);
    expect(await refusal(createApplication(db(), staff.actor, completeForm(a.administrator)))).toMatchObject({ status: 403 });
    expect(await refusal(updateApplication(db(), staff.actor, a.draftId, { kind: 'new' }))).toMatchObject({ status: 403 });
  });
});
