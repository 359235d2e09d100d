import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditEvent } from '../../src/audit/queries.ts';
import { formatPid, pidCheckDigit } from '../../src/registry/pid.ts';
import { rolesOf } from '../../src/staff/roles.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsole, type ConsoleBrowser } from '../support/consoles.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
let administrator: Citizen;
let console: ConsoleBrowser;
beforeAll(async () => {
  server = await startTestServer();
  administrator = await newCitizen(server);
  await grant(administrator.pid, 'administrator');
  console = await signInToConsole(server, 'staff', administrator);
});
afterAll(() => server?.dispose());

async function grant(pid: string, role: string) {
  await request(server.url).post('/admin/api/staff').set('authorization', `Bearer ${testAdminToken}`).send({ pid, role }).expect(201);
}

const post = (path: string, form: Record<string, string>, browser = console) => browser.agent.post(path).type('form').send(form);

const staffAudit = (pid: string) =>
  server.database.db
    .selectFrom('audit_events')
    .select(['actor_kind', 'actor_pid', 'actor_role', 'action', 'target_id', 'before', 'after', 'request_id'])
    .where('target_kind', '=', 'staff')
    .where('target_id', '=', pid)
    .orderBy('id')
    .execute();

/** The notice the page shows after a form, once. */
const noticeOf = (html: string) => /<p class="notice notice-(\w+)"[^>]*>([\s\S]*?)<\/p>/.exec(html);

describe('the forms of the staff console', () => {
  it('refuses a POST without the CSRF token, or with a wrong one, and does nothing', async () => {
    const { pid } = await newCitizen(server);
    const forms: Record<string, string>[] = [{ pid, role: 'reviewer' }, { pid, role: 'reviewer', _csrf: 'not-the-token' }, { pid, role: 'reviewer', _csrf: `${console.csrfToken}x` }];
    for (const form of forms) {
      const refused = await post('/staff/staff/add', form).expect(403);
      expect(refused.text).toContain('The form was refused');
      expect(refused.text).toContain('แบบฟอร์มไม่ผ่านการตรวจสอบ');
      expect(refused.text).toContain('CSRF');
    }
    // A JSON body is no form: refused the same way.
    await console.agent.post('/staff/staff/add').send({ pid, role: 'reviewer', _csrf: console.csrfToken }).expect(403);
    // Nor does another session's token pass.
    const other = await newCitizen(server);
    await grant(other.pid, 'administrator');
    const second = await signInToConsole(server, 'staff', other);
    expect(second.csrfToken).not.toBe(console.csrfToken);
    await post('/staff/staff/add', { pid, role: 'reviewer', _csrf: second.csrfToken }).expect(403);

    expect(await rolesOf(server.database.db, pid)).toEqual([]);
    expect(await staffAudit(pid)).toEqual([]);
  });

  it('lets an administrator add a reviewer through the page: 303, a notice, and an audit row naming the administrator', async () => {
    const reviewer = await newCitizen(server);
    const page = await console.agent.get('/staff/staff').expect(200);
    expect(page.text).toContain('action="/staff/staff/add"');
    expect(page.text).toContain(`name="_csrf" value="${console.csrfToken}"`);

    const added = await post('/staff/staff/add', { pid: formatPid(reviewer.pid), role: 'reviewer', _csrf: console.csrfToken }).set('x-request-id', 'console-add-1').expect(303);
    expect(added.headers.location).toBe('/staff/staff');
    expect(await rolesOf(server.database.db, reviewer.pid)).toEqual(['reviewer']);

    const after = await console.agent.get('/staff/staff').expect(200);
    expect(noticeOf(after.text)?.[1]).toBe('done');
    expect(noticeOf(after.text)?.[2]).toContain(`Granted the reviewer role to ${formatPid(reviewer.pid)}.`);
    expect(after.text).toContain(`data-pid="${reviewer.pid}" data-role="reviewer"`);
    expect(after.text).toContain(`${reviewer.titleTh}${reviewer.givenNameTh}`);
    // Shown once.
    expect(noticeOf((await console.agent.get('/staff/staff').expect(200)).text)).toBeNull();

    expect(await staffAudit(reviewer.pid)).toEqual([
      {
        actor_kind: 'staff',
        actor_pid: administrator.pid,
        actor_role: 'administrator',
        action: 'staff.add',
        target_id: reviewer.pid,
        before: null,
        after: { role: 'reviewer' },
        request_id: 'console-add-1',
      },
    ]);
    const grant = await server.database.db.selectFrom('staff_roles').select('granted_by').where('pid', '=', reviewer.pid).executeTakeFirstOrThrow();
    expect(grant.granted_by).toBe(administrator.pid);
  });

  it('removes a role through the page, and audits it with the administrator', async () => {
    const { pid } = await newCitizen(server);
    await grant(pid, 'approver');
    const removed = await post('/staff/staff/remove', { pid, role: 'approver', _csrf: console.csrfToken }).expect(303);
    expect(removed.headers.location).toBe('/staff/staff');
    expect(await rolesOf(server.database.db, pid)).toEqual([]);
    const audited = await staffAudit(pid);
    expect(audited.at(-1)).toMatchObject({ actor_kind: 'staff', actor_pid: administrator.pid, actor_role: 'administrator', action: 'staff.remove', before: { role: 'approver' } });
    const revoked = await server.database.db.selectFrom('staff_roles').select('revoked_by').where('pid', '=', pid).executeTakeFirstOrThrow();
    expect(revoked.revoked_by).toBe(administrator.pid);
  });

  it('answers every refused form with 303 and a notice saying what to fix, changing nothing', async () => {
    const { pid } = await newCitizen(server);
    const unknown = `899999999999${pidCheckDigit('899999999999')}`;
    const cases: [string, Record<string, string>, string][] = [
      ['/staff/staff/add', { pid: '1234567890123', role: 'reviewer' }, 'give a valid 13-digit citizen ID and choose a role'],
      ['/staff/staff/add', { pid, role: 'superuser' }, 'give a valid 13-digit citizen ID and choose a role'],
      ['/staff/staff/add', { pid: unknown, role: 'reviewer' }, `No citizen with ID ${formatPid(unknown)} in the registry.`],
      ['/staff/staff/remove', { pid, role: 'reviewer' }, `${formatPid(pid)} does not hold the reviewer role.`],
    ];
    for (const [path, form, message] of cases) {
      const answer = await post(path, { ...form, _csrf: console.csrfToken }).expect(303);
      expect(answer.headers.location).toBe('/staff/staff');
      const page = await console.agent.get('/staff/staff').expect(200);
      expect(noticeOf(page.text)?.[1]).toBe('problem');
      expect(noticeOf(page.text)?.[2]).toContain(message);
    }
    await post('/staff/staff/add', { pid, role: 'reviewer', _csrf: console.csrfToken }).expect(303);
    await post('/staff/staff/add', { pid, role: 'reviewer', _csrf: console.csrfToken }).expect(303);
    expect(noticeOf((await console.agent.get('/staff/staff')).text)?.[2]).toContain('already holds the reviewer role');
    expect((await staffAudit(pid)).map((e) => e.action)).toEqual(['staff.add']);
  });

  it('keeps the staff page and its forms to administrators', async () => {
    const reviewer = await newCitizen(server);
    await grant(reviewer.pid, 'reviewer');
    const browser = await signInToConsole(server, 'staff', reviewer);
    expect(browser.page.text).not.toContain('href="/staff/staff"');
    const page = await browser.agent.get('/staff/staff').expect(403);
    expect(page.text).toContain('This page is for the administrator role only');
    expect(page.text).toContain('หน้านี้สำหรับผู้ดูแลระบบเท่านั้น');
    const { pid } = await newCitizen(server);
    await post('/staff/staff/add', { pid, role: 'administrator', _csrf: browser.csrfToken }, browser).expect(403);
    expect(await rolesOf(server.database.db, pid)).toEqual([]);
  });
});

describe('the audit page', () => {
  it('filters by actor, action and time', async () => {
    const { pid } = await newCitizen(server);
    await post('/staff/staff/add', { pid, role: 'approver', _csrf: console.csrfToken }).expect(303);
    await grant(pid, 'reviewer');

    const byAdministrator = await console.agent.get(`/staff/audit?actor=${administrator.pid}&action=staff.add`).expect(200);
    const rows = rowsOf(byAdministrator.text);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes('<code>staff.add</code>') && row.includes(formatPid(administrator.pid)) && row.includes('Administrator'))).toBe(true);
    expect(rows.some((row) => row.includes(`staff ${pid}`) && row.includes('{&quot;role&quot;:&quot;approver&quot;}'))).toBe(true);
    // The form keeps the filters.
    expect(byAdministrator.text).toContain(`name="actor" value="${administrator.pid}"`);

    const byToken = rowsOf((await console.agent.get(`/staff/audit?actor=admin_token&action=staff.add`).expect(200)).text);
    expect(byToken.some((row) => row.includes(`staff ${pid}`) && row.includes('Admin token'))).toBe(true);
    expect(byToken.some((row) => row.includes(formatPid(administrator.pid)))).toBe(false);

    const future = await console.agent.get('/staff/audit?since=2999-01-01T00:00').expect(200);
    expect(rowsOf(future.text)).toEqual([]);
    expect(future.text).toContain('No events match these filters.');
    const past = await console.agent.get('/staff/audit?until=2000-01-01T00:00').expect(200);
    expect(rowsOf(past.text)).toEqual([]);
    // A window around now, in Thailand time as the form's field gives it.
    const thailandNow = new Date(Date.now() + 7 * 3600_000);
    const minute = (ms: number) => new Date(thailandNow.getTime() + ms).toISOString().slice(0, 16);
    const window = await console.agent.get(`/staff/audit?since=${minute(-10 * 60_000)}&until=${minute(2 * 60_000)}&action=staff.add`).expect(200);
    expect(rowsOf(window.text).some((row) => row.includes(`staff ${pid}`))).toBe(true);
  });

  it('says which filter is wrong, with 400 and no events', async () => {
    const page = await console.agent.get('/staff/audit?since=yesterday&actor=123&action=DROP%20TABLE').expect(400);
    expect(page.text).toContain('ตั้งแต่ · <span lang="en">From</span>: ต้องเป็นวันและเวลา');
    expect(page.text).toContain('must be a date and time such as 2026-01-31T09:00');
    expect(page.text).toContain('Actor</span>: ');
    expect(page.text).toContain('must be admin_token or a valid 13-digit citizen ID');
    expect(page.text).toContain('must be an action name such as staff.add');
    expect(page.text).toContain('value="DROP TABLE"');
    expect(rowsOf(page.text)).toEqual([]);
    // A well-formed time in a year no one records is refused the same way, never a failed query.
    for (const since of ['0000-01-01T00:00', '9999-12-31T23:59-23:59']) {
      const outOfRange = await console.agent.get(`/staff/audit?since=${encodeURIComponent(since)}`).expect(400);
      expect(outOfRange.text).toContain('in the years 1900 to 2999');
    }
  });

  it('pages through the log, newest first, 50 events a page', async () => {
    const db = server.database.db;
    for (let i = 0; i < 53; i++) {
      await insertAuditEvent(db, { actor: { kind: 'admin_token' }, action: 'test.paging', target: { kind: 'page', id: `event-${i}` } });
    }
    const first = await console.agent.get('/staff/audit?action=test.paging').expect(200);
    expect(rowsOf(first.text)).toHaveLength(50);
    expect(rowsOf(first.text)[0]).toContain('page event-52');
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/staff\/audit\?action=test.paging&cursor=\d+$/);
    const second = await console.agent.get(next).expect(200);
    expect(rowsOf(second.text).map((row) => /page (event-\d+)/.exec(row)![1])).toEqual(['event-2', 'event-1', 'event-0']);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('First page');
  });

  it('escapes what it shows: a value can never become markup', async () => {
    await insertAuditEvent(server.database.db, {
      actor: { kind: 'admin_token' },
      action: 'test.escaping',
      target: { kind: 'page', id: '<script>alert(1)</script>' },
      after: { name: '"><img src=x onerror=alert(1)>' },
    });
    const page = await console.agent.get('/staff/audit?action=test.escaping').expect(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const filtered = await console.agent.get(`/staff/audit?action=${encodeURIComponent('"><b>x</b>')}`).expect(400);
    expect(filtered.text).not.toContain('"><b>x</b>');
    expect(filtered.text).toContain('value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"');
  });
});

/** The table rows of the audit page. */
const rowsOf = (html: string) => [...html.matchAll(/<tr data-event="\d+">([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);

describe('the language of the staff console and agency portal pages', () => {
  /** The opening tags of the elements a page styles as its English words. */
  const englishTags = (html: string) => html.match(/<[a-z]+\b[^>]*\bclass="en"[^>]*>/g) ?? [];

  it('marks every English line as English, so a screen reader reads it with an English voice', async () => {
    const staffPages = ['/staff', '/staff/audit', '/staff/staff', '/staff/agencies', '/staff/applications', '/staff/conditions'];
    const agencyPortal = await signInToConsole(server, 'agency', await newCitizen(server));
    const pages = [
      ...(await Promise.all(staffPages.map(async (path) => [path, (await console.agent.get(path).expect(200)).text] as const))),
      ['/agency', agencyPortal.page.text] as const,
      ['/agency/applications/new', (await agencyPortal.agent.get('/agency/applications/new').expect(200)).text] as const,
    ];
    for (const [path, html] of pages) {
      const tags = englishTags(html);
      expect(tags.length, path).toBeGreaterThan(0);
      // English, or (the one line that mixes a Thai note in) said which language it is.
      expect(tags.filter((tag) => !/\blang="(en|th)"/.test(tag)), path).toEqual([]);
      expect(tags.filter((tag) => /\blang="en"/.test(tag)).length, path).toBeGreaterThan(0);
    }
  });
});
