import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, createApplication, prepareApplication, submitApplication } from '../../src/applications/actions.ts';
import { adminTokenActor as adminToken, agencyAdministrator } from '../../src/applications/actors.ts';
import { conditionsToAcceptFor } from '../../src/conditions/acceptance.ts';
import { currentConditions } from '../../src/conditions/queries.ts';
import { publishConditions } from '../../src/conditions/publication.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { completeForm } from './forms.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const db = () => server.database.db;

/** Files, submits, prepares and approves a new agency's application accepting `version`: the new agency's id. */
async function approvedAgency(version: number, beforeApproval: () => Promise<unknown> = async () => {}) {
  const administrator = await newCitizen(server);
  const applicant = agencyAdministrator(administrator.pid);
  const { id } = await createApplication(db(), applicant, completeForm(administrator, { conditionsVersion: version }));
  await submitApplication(db(), applicant, id);
  await prepareApplication(db(), adminToken, id, {});
  await beforeApproval();
  return (await approveApplication(db(), adminToken, id)).letter.agencyId;
}

describe('the conditions accepted on the application', () => {
  it('are the new agency’s acceptance once it is approved: the portal does not ask again', async () => {
    const { version } = await currentConditions(db());
    const agencyId = await approvedAgency(version);
    expect(await conditionsToAcceptFor(db(), agencyId)).toBeUndefined();
  });

  it('are not, when a newer version was published between submission and approval: the portal asks for that one', async () => {
    const { version } = await currentConditions(db());
    const agencyId = await approvedAgency(version, () =>
      publishConditions(db(), { textTh: `เงื่อนไขฉบับทดสอบ ${Date.now()}`, textEn: `Test conditions ${Date.now()}` }, { kind: 'admin_token' }),
    );
    expect((await conditionsToAcceptFor(db(), agencyId))?.version).toBe(version + 1);
  });
});
