import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, createApplication, prepareApplication, submitApplication } from '../../src/applications/actions.ts';
import { agencyAdministrator } from '../../src/applications/actors.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { completeForm, newStaff } from '../applications/forms.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole, type ConsoleBrowser } from '../support/consoles.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { unmarkedEnglish } from '../support/unmarked-english.ts';
import { postForm, signedInStaff, type SignedInStaff } from './staff-fixtures.ts';

/*
 * Every English word of the consoles' pages, with their forms and data, is marked lang="en": the buttons, the
 * header's "Sign out", labels, badges and the English of each Thai line. The data is Thai, so that what is found
 * is the pages' own words.
 */

let server: TestServer;
let staff: SignedInStaff;
let portal: ConsoleBrowser;
const pages: [string, string][] = [];

/** An application filed and submitted by `administrator`, its free text in Thai. */
async function filed(administrator: Citizen): Promise<string> {
  const form = completeForm(administrator);
  const system = form.systems![0]!;
  const thai = { ...form, purpose: 'ยืนยันตัวตนผู้ใช้บริการออนไลน์', systems: [{ ...system, name: 'ระบบบริการ', dataItems: system.dataItems!.map((item) => ({ ...item, reason: 'เพื่อยืนยันตัวตน' })) }] };
  const applicant = agencyAdministrator(administrator.pid);
  const draft = await createApplication(server.database.db, applicant, thai);
  await submitApplication(server.database.db, applicant, draft.id);
  return draft.id;
}

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  staff = await signedInStaff(server, ['reviewer', 'approver', 'administrator']);
  const reviewer = await newStaff(server, ['reviewer']);
  const approver = await newStaff(server, ['approver']);

  const administrator = await newCitizen(server);
  const submitted = await filed(await newCitizen(server));
  const prepared = await filed(await newCitizen(server));
  await prepareApplication(db, reviewer.actor, prepared, { note: 'ตรวจแล้ว' });
  const approved = await filed(administrator);
  await prepareApplication(db, reviewer.actor, approved, { systems: [{ index: 0, dailyQuota: 500 }] });
  const { application, credentials, letter } = await approveApplication(db, approver.actor, approved);
  const agency = `/staff/agencies/${application.agencyId}`;
  const system = `/staff/systems/${credentials[0]!.clientId}`;
  // A suspension notified ahead: the notices, with the form that withdraws it, and the form that reinstates.
  const other = await filed(await newCitizen(server));
  await prepareApplication(db, reviewer.actor, other, {});
  const stopped = await approveApplication(db, approver.actor, other);
  const inADay = new Date(Date.now() + 31 * 3600_000).toISOString().slice(0, 16);
  await postForm(staff, `/staff/agencies/${stopped.application.agencyId}/status`, { change: 'suspend', reason: 'ผิดเงื่อนไข', notice: 'before', effectiveAt: inADay }).expect(303);
  await postForm(staff, `/staff/systems/${stopped.credentials[0]!.clientId}/status`, { change: 'suspend', reason: 'ผิดเงื่อนไข', notice: 'after' }).expect(303);

  const staffPaths = [
    '/staff',
    '/staff/audit',
    '/staff/staff',
    '/staff/agencies',
    '/staff/applications',
    '/staff/conditions',
    `/staff/applications/${submitted}`,
    `/staff/applications/${prepared}`,
    `/staff/applications/${approved}`,
    agency,
    system,
    `/staff/agencies/${stopped.application.agencyId}`,
    `/staff/systems/${stopped.credentials[0]!.clientId}`,
    `/staff/letters/${letter.number}`,
    '/staff/agencies/no-such-agency',
    // Filters refused, with what is wrong.
    '/staff/audit?since=yesterday&action=x',
    '/staff/agencies?status=gone',
    '/staff/applications?status=gone',
  ];
  for (const path of staffPaths) pages.push([path, (await staff.browser.agent.get(path)).text]);

  portal = await signInToConsole(server, 'agency', administrator);
  const portalPaths = ['/agency', '/agency/applications/new', `/agency/applications/${approved}`, `/agency/agencies/${application.agencyId}`, `/agency/letters/${letter.number}`];
  for (const path of portalPaths) pages.push([path, (await portal.agent.get(path)).text]);
});
afterAll(() => server?.dispose());

describe('the language of the consoles, for a screen reader', () => {
  it('marks every English word of every page as English, so a screen reader reads it with an English voice', () => {
    const found = pages.map(([path, html]) => [path, unmarkedEnglish(html)] as const).filter(([, english]) => english.length > 0);
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('titles every page in plain text, which a title must be: markup there would show as written', () => {
    for (const [path, html] of pages) expect(/<title>([^]*?)<\/title>/.exec(html)?.[1], path).toMatch(/^[^<>]+ · [^<>]+$/);
  });

  it('marks the header\'s "Sign out" as English', () => {
    for (const [path, html] of pages) expect(/<form class="sign-out"[\s\S]*?(<button[\s\S]*?<\/button>)/.exec(html)?.[1], path).toBe('<button type="submit">ออกจากระบบ · <span lang="en">Sign out</span></button>');
  });
});
