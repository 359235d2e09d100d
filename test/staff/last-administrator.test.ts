import { sql } from 'kysely';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatPid } from '../../src/registry/pid.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import { rolesOf } from '../../src/staff/roles.ts';
import { noticeOf, postForm, signedInStaff, textOf } from '../consoles/staff-fixtures.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { lockWaiters, postgresServerUrl } from '../support/database.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * Someone must always hold the administrator role: without one, only the admin token could grant roles again. The
 * last administrator's role is refused on every path, and two administrators removing each other at once leave one.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const db = () => server.database.db;
const revoke = (pid: string) => request(server.url).post(`/admin/api/staff/${pid}/roles/administrator/revoke`).set('authorization', `Bearer ${testAdminToken}`);
const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });
const activeAdministrators = async () =>
  (await db().selectFrom('staff_roles').select('pid').where('role', '=', 'administrator').where('revoked_at', 'is', null).orderBy('pid').execute()).map((r) => r.pid);
const removals = (pid: string) => db().selectFrom('audit_events').select('id').where('action', '=', 'staff.remove').where('target_id', '=', pid).execute();

/** A new citizen who is an administrator. */
async function newAdministrator() {
  const citizen = await newCitizen(server);
  await grantStaffRole(db(), citizen.pid, 'administrator', 'admin_token');
  return citizen;
}

// Each test starts with no administrator and makes its own.
beforeEach(async () => {
  await sql`update staff_roles set revoked_at = now(), revoked_by = 'admin_token' where role = 'administrator' and revoked_at is null`.execute(db());
});

describe('the last administrator', () => {
  it('keeps their role through the admin API: 409 last_administrator, nothing revoked or audited', async () => {
    const only = await newAdministrator();
    const refused = await revoke(only.pid).expect(409);
    expect(refused.body.error).toBe('last_administrator');
    expect(refused.body.error_description).toContain(`Citizen ${only.pid} is the only administrator`);
    expect(refused.body.error_description).toContain('grant the administrator role to someone else first');
    expect(await rolesOf(db(), only.pid)).toEqual(['administrator']);
    expect(await removals(only.pid)).toEqual([]);
  });

  it('may go once another administrator is there, and then the other is the last', async () => {
    const first = await newAdministrator();
    const second = await newAdministrator();
    await revoke(first.pid).expect(200);
    expect((await revoke(second.pid).expect(409)).body.error).toBe('last_administrator');
    expect(await activeAdministrators()).toEqual([second.pid]);
  });

  it('keeps other roles removable, whoever is administrator', async () => {
    const only = await newAdministrator();
    await grantStaffRole(db(), only.pid, 'reviewer', 'admin_token');
    await request(server.url).post(`/admin/api/staff/${only.pid}/roles/reviewer/revoke`).set('authorization', `Bearer ${testAdminToken}`).expect(200);
    expect(await rolesOf(db(), only.pid)).toEqual(['administrator']);
  });

  it('keeps their role through the CLI, which says why', async () => {
    const only = await newAdministrator();
    const refused = await cli(['staff', 'remove', '--pid', only.pid, '--role', 'administrator']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is the only administrator, and someone must remain to grant and remove staff roles.*409 last_administrator/s);
    expect(await rolesOf(db(), only.pid)).toEqual(['administrator']);
  });

  it('is offered no Remove button for that role on the staff page, while their other roles and others’ keep theirs', async () => {
    const only = await signedInStaff(server, ['administrator', 'reviewer']);
    const page = (await only.browser.agent.get('/staff/staff').expect(200)).text;
    const row = (role: string) => new RegExp(`<tr data-pid="${only.citizen.pid}" data-role="${role}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
    expect(row('administrator')).toContain('the only administrator: cannot be removed');
    expect(row('administrator')).not.toContain('action="/staff/staff/remove"');
    expect(row('reviewer')).toContain('action="/staff/staff/remove"');
    // With a second administrator, both may be removed.
    await newAdministrator();
    expect((await only.browser.agent.get('/staff/staff').expect(200)).text).not.toContain('the only administrator: cannot be removed');
  });

  it('cannot remove their own role in the staff console, and the page says why in Thai and English', async () => {
    const only = await signedInStaff(server, ['administrator']);
    const answer = await postForm(only, '/staff/staff/remove', { pid: only.citizen.pid, role: 'administrator' }).expect(303);
    expect(answer.headers.location).toBe('/staff/staff');
    const page = await only.browser.agent.get('/staff/staff').expect(200);
    const notice = noticeOf(page.text);
    expect(notice?.kind).toBe('problem');
    expect(notice?.text).toContain(`${formatPid(only.citizen.pid)} เป็นผู้ดูแลระบบคนเดียวที่เหลืออยู่`);
    expect(notice?.text).toContain(`Nothing was changed: ${formatPid(only.citizen.pid)} is the only administrator`);
    expect(textOf(page.text)).not.toContain('does not hold the');
    expect(await rolesOf(db(), only.citizen.pid)).toEqual(['administrator']);
  });

  it('remains when two administrators remove each other at once: one removal goes through, the other is refused', async () => {
    const a = await newAdministrator();
    const b = await newAdministrator();
    const answers = await Promise.all([revoke(b.pid), revoke(a.pid)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await activeAdministrators()).toHaveLength(1);
  });

  it.skipIf(!postgresServerUrl)('remains when both removals wait on the same grants and then run together', async () => {
    const a = await newAdministrator();
    const b = await newAdministrator();
    // Another transaction holds both grants, so that each removal has started, and waits, before either goes on.
    const holder = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query("select pid from staff_roles where role = 'administrator' and revoked_at is null order by pid for update");
      const removing = Promise.all([revoke(b.pid).then((r) => r), revoke(a.pid).then((r) => r)]);
      await lockWaiters(holder, 2);
      await holder.query('rollback');
      const answers = await removing;
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    } finally {
      await holder.end();
    }
    expect(await activeAdministrators()).toHaveLength(1);
  });
});
