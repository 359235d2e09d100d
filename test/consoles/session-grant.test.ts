import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPartyClientIds } from '../../src/agencies/first-party-systems.ts';
import { sessionLimits } from '../../src/consoles/sessions.ts';
import { lifetimes } from '../../src/oidc/lifetimes.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import { enrolledDevice } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole } from '../support/consoles.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * A console session is as good as the sign-in that started it: when what the phone approved ends (the phone is
 * replaced by a new enrolment, the citizen reports the sign-in as not theirs, or withdraws their consent from the
 * console), the session ends with it, at its next request, as the grant's tokens do.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

describe('a console session and its grant', () => {
  it('can last its whole 12 hours: a grant outlives the longest session, so only an ended grant ends it early', () => {
    expect(lifetimes.Grant).toBeGreaterThanOrEqual(sessionLimits.absoluteSeconds);
  });
});

const db = () => server.database.db;

async function signedInStaffMember() {
  const citizen = await newCitizen(server);
  await grantStaffRole(db(), citizen.pid, 'administrator', 'admin_token');
  const device = await enrolledDevice(server, citizen);
  const browser = await signInToConsole(server, 'staff', citizen, { device });
  await browser.agent.get('/staff').expect(200);
  return { citizen, device, browser };
}

describe('a console session', () => {
  it('ends when the phone that approved its sign-in is replaced by a new enrolment', async () => {
    const { citizen, browser } = await signedInStaffMember();
    await enrolledDevice(server, citizen);
    const after = await browser.agent.get('/staff');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/staff\/login\?/);
    await browser.agent.post('/staff/staff/add').type('form').send({ _csrf: browser.csrfToken, pid: citizen.pid, role: 'reviewer' }).expect(401);
  });

  it('ends when the citizen reports its sign-in as not theirs ("this wasn\'t me")', async () => {
    const { citizen, device, browser } = await signedInStaffMember();
    const login = await db()
      .selectFrom('login_transactions')
      .select('id')
      .where('pid', '=', citizen.pid)
      .where('client_id', '=', firstPartyClientIds.staff)
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    await device.report(login.id);
    expect((await browser.agent.get('/staff')).status).toBe(303);
  });

  it('ends when the citizen withdraws their consent from the console on the phone', async () => {
    const { device, browser } = await signedInStaffMember();
    await device.withdrawService(firstPartyClientIds.staff);
    expect((await browser.agent.get('/staff')).status).toBe(303);
  });

  it('of the agency portal ends too, and another citizen’s sessions live on', async () => {
    const bystander = await signedInStaffMember();
    const citizen = await newCitizen(server);
    const portal = await signInToConsole(server, 'agency', citizen, { device: await enrolledDevice(server, citizen) });
    await portal.agent.get('/agency').expect(200);
    await enrolledDevice(server, citizen);
    expect((await portal.agent.get('/agency')).status).toBe(303);
    await bystander.browser.agent.get('/staff').expect(200);
  });
});
