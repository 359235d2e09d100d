import { approveApplication, createApplication, prepareApplication, submitApplication } from '../../src/applications/actions.ts';
import { adminTokenActor, agencyAdministrator } from '../../src/applications/actors.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import type { Role } from '../../src/staff/roles.ts';
import { completeForm } from '../applications/forms.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole, type ConsoleBrowser } from '../support/consoles.ts';
import type { TestServer } from '../support/server.ts';

/* What the staff console's page tests share: staff signed in over HTTP, and applications filed by agencies. */

export interface SignedInStaff {
  citizen: Citizen;
  browser: ConsoleBrowser;
}

/** A new citizen holding these staff roles, signed in to the console over HTTP. */
export async function signedInStaff(server: TestServer, roles: Role[]): Promise<SignedInStaff> {
  const citizen = await newCitizen(server);
  for (const role of roles) await grantStaffRole(server.database.db, citizen.pid, role, 'admin_token');
  return { citizen, browser: await signInToConsole(server, 'staff', citizen) };
}

/** Sends one of the console's forms as the browser would, with the session's CSRF token. */
export const postForm = (staff: SignedInStaff, path: string, fields: [string, string][] | Record<string, string>) => {
  const form = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
  form.set('_csrf', staff.browser.csrfToken);
  return staff.browser.agent.post(path).type('form').send(form.toString());
};

/** The notice a page shows after a form (once): its kind and text. */
export function noticeOf(html: string): { kind: string; text: string } | undefined {
  const match = /<p class="notice notice-(\w+)"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return match ? { kind: match[1]!, text: unescapeHtml(match[2]!) } : undefined;
}

/** Text of a page as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return unescapeHtml(html.replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** An application for a new agency, filed and submitted by its administrator as the agency portal would. */
export async function filedApplication(server: TestServer, overrides: Partial<ApplicationForm> = {}) {
  const administrator = await newCitizen(server);
  const applicant = agencyAdministrator(administrator.pid);
  const form = completeForm(administrator, overrides);
  const draft = await createApplication(server.database.db, applicant, form);
  await submitApplication(server.database.db, applicant, draft.id);
  return { administrator, applicant, form, id: draft.id };
}

/** An agency already permitted: its application filed, then prepared as asked and approved by the admin token. */
export async function approvedAgency(server: TestServer, overrides: Partial<ApplicationForm> = {}) {
  const filed = await filedApplication(server, overrides);
  await prepareApplication(server.database.db, adminTokenActor, filed.id, {});
  const approval = await approveApplication(server.database.db, adminTokenActor, filed.id);
  return { ...filed, agencyId: approval.application.agencyId!, systems: approval.credentials };
}

/** A change of an approved agency, filed and submitted by its administrator: `systems` as the change form asks them. */
export async function filedChange(server: TestServer, agency: Awaited<ReturnType<typeof approvedAgency>>, systems: ApplicationForm['systems']) {
  const form = completeForm(agency.administrator, { kind: 'change', agencyId: agency.agencyId, systems });
  const draft = await createApplication(server.database.db, agency.applicant, form);
  await submitApplication(server.database.db, agency.applicant, draft.id);
  return { form, id: draft.id };
}
