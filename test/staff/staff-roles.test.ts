import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidCheckDigit } from '../../src/registry/pid.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import { rolesOf } from '../../src/staff/roles.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // An administrator who stays, so that the tests below may remove the role from others (the last one is kept).
  const standing = await newCitizen(server);
  await grantStaffRole(server.database.db, standing.pid, 'administrator', 'admin_token');
});
afterAll(() => server?.dispose());

const admin = (method: 'get' | 'post', url: string) =>
  request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });

/** A valid citizen ID that no citizen of the registry has. */
const unknownPid = () => {
  const first12 = '899999999999';
  return `${first12}${pidCheckDigit(first12)}`;
};

interface StaffRow {
  pid: string;
  role: string;
  granted_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
}
const staffRows = async (pid: string) =>
  (await sql<StaffRow>`select pid, role, granted_by, revoked_at, revoked_by from staff_roles where pid = ${pid} order by id`.execute(server.database.db)).rows;

const auditRows = async (pid: string) =>
  (
    await sql<{ actor_kind: string; action: string; target_kind: string; target_id: string; before: unknown; after: unknown; request_id: string | null }>`
      select actor_kind, action, target_kind, target_id, before, after, request_id from audit_events
      where target_kind = 'staff' and target_id = ${pid} order by id`.execute(server.database.db)
  ).rows;

describe('staff roles through the admin API', () => {
  it('grants a role: the list shows it, rolesOf returns it, and the grant is audited', async () => {
    const { pid } = await newCitizen(server);
    expect(await rolesOf(server.database.db, pid)).toEqual([]);

    const added = await admin('post', '/staff').set('x-request-id', 'staff-add-1').send({ pid, role: 'approver' }).expect(201);
    expect(added.body).toMatchObject({ pid, role: 'approver', grantedBy: 'admin_token', revokedAt: null, revokedBy: null });
    await admin('post', '/staff').send({ pid, role: 'reviewer' }).expect(201);

    const list = await admin('get', '/staff').expect(200);
    expect(list.body.staff.filter((g: { pid: string }) => g.pid === pid).map((g: { role: string }) => g.role)).toEqual(['approver', 'reviewer']);
    const approvers = await admin('get', '/staff?role=approver').expect(200);
    expect(approvers.body.staff.some((g: { pid: string }) => g.pid === pid)).toBe(true);
    expect(approvers.body.staff.every((g: { role: string }) => g.role === 'approver')).toBe(true);
    const administrators = await admin('get', '/staff?role=administrator').expect(200);
    expect(administrators.body.staff.some((g: { pid: string }) => g.pid === pid)).toBe(false);

    expect(await rolesOf(server.database.db, pid)).toEqual(['reviewer', 'approver']);

    const audited = await auditRows(pid);
    expect(audited).toHaveLength(2);
    expect(audited[0]).toEqual({
      actor_kind: 'admin_token',
      action: 'staff.add',
      target_kind: 'staff',
      target_id: pid,
      before: null,
      after: { role: 'approver' },
      request_id: 'staff-add-1',
    });
  });

  it('refuses the same role twice with 409, and writes no second grant or audit row', async () => {
    const { pid } = await newCitizen(server);
    await admin('post', '/staff').send({ pid, role: 'reviewer' }).expect(201);
    const again = await admin('post', '/staff').send({ pid, role: 'reviewer' }).expect(409);
    expect(again.body.error).toBe('already_granted');
    expect(await staffRows(pid)).toHaveLength(1);
    expect(await auditRows(pid)).toHaveLength(1);
  });

  it('answers 404 for a citizen not in the registry', async () => {
    const pid = unknownPid();
    const answer = await admin('post', '/staff').send({ pid, role: 'reviewer' }).expect(404);
    expect(answer.body.error).toBe('not_found');
    expect(answer.body.error_description).toContain(pid);
    expect(await staffRows(pid)).toEqual([]);
  });

  it('answers 400 for a bad role, naming the roles, and for a bad citizen ID', async () => {
    const { pid } = await newCitizen(server);
    const badRole = await admin('post', '/staff').send({ pid, role: 'superuser' }).expect(400);
    expect(badRole.body.error).toBe('invalid_request');
    expect(badRole.body.error_description).toMatch(/role: .*reviewer, approver, administrator/);
    await admin('get', '/staff?role=superuser').expect(400);
    await admin('get', '/staff?rol=reviewer').expect(400);

    const wrongCheckDigit = `${pid.slice(0, 12)}${(Number(pid[12]) + 1) % 10}`;
    const badPid = await admin('post', '/staff').send({ pid: wrongCheckDigit, role: 'reviewer' }).expect(400);
    expect(badPid.body.error_description).toMatch(/pid: /);
    await admin('post', '/staff').send('not json').set('content-type', 'application/json').expect(400);
    expect(await staffRows(pid)).toEqual([]);
  });

  it('removes a role: gone from the list and rolesOf, the row kept with revoked_at, the removal audited', async () => {
    const { pid } = await newCitizen(server);
    await admin('post', '/staff').send({ pid, role: 'administrator' }).expect(201);
    const removed = await admin('post', `/staff/${pid}/roles/administrator/revoke`).set('x-request-id', 'staff-remove-1').expect(200);
    expect(removed.body).toMatchObject({ pid, role: 'administrator', revokedBy: 'admin_token' });
    expect(removed.body.revokedAt).toEqual(expect.any(String));

    const list = await admin('get', '/staff').expect(200);
    expect(list.body.staff.some((g: { pid: string }) => g.pid === pid)).toBe(false);
    expect(await rolesOf(server.database.db, pid)).toEqual([]);

    const rows = await staffRows(pid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: 'administrator', granted_by: 'admin_token', revoked_by: 'admin_token' });
    expect(rows[0]!.revoked_at).toBeInstanceOf(Date);

    const audited = await auditRows(pid);
    expect(audited.map((r) => r.action)).toEqual(['staff.add', 'staff.remove']);
    expect(audited[1]).toMatchObject({ before: { role: 'administrator' }, after: null, request_id: 'staff-remove-1' });

    // Not held any more: 404, and no audit row. Granting it again writes a new row.
    await admin('post', `/staff/${pid}/roles/administrator/revoke`).expect(404);
    await admin('post', `/staff/${pid}/roles/reviewer/revoke`).expect(404);
    expect(await auditRows(pid)).toHaveLength(2);
    await admin('post', '/staff').send({ pid, role: 'administrator' }).expect(201);
    expect((await staffRows(pid)).map((r) => r.revoked_at === null)).toEqual([false, true]);
  });

  it('needs the admin token', async () => {
    await request(server.url).get('/admin/api/staff').expect(401);
    await request(server.url).post('/admin/api/staff').send({ pid: unknownPid(), role: 'reviewer' }).expect(401);
  });
});

describe('the staff_roles table', () => {
  it('refuses to delete or truncate rows, or to change a grant other than by revoking it once', async () => {
    const { pid } = await newCitizen(server);
    await admin('post', '/staff').send({ pid, role: 'reviewer' }).expect(201);
    const db = server.database.db;
    await expect(sql`delete from staff_roles where pid = ${pid}`.execute(db)).rejects.toThrow(/staff_roles table is append-only/);
    await expect(sql`truncate staff_roles`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update staff_roles set role = 'administrator' where pid = ${pid}`.execute(db)).rejects.toThrow(/only changes by being revoked/);
    await admin('post', `/staff/${pid}/roles/reviewer/revoke`).expect(200);
    await expect(sql`update staff_roles set revoked_at = null, revoked_by = null where pid = ${pid}`.execute(db)).rejects.toThrow(/only changes by being revoked/);
    expect(await staffRows(pid)).toHaveLength(1);
  });

  it('refuses a grant to someone not in the registry, and a second active grant of a role', async () => {
    const db = server.database.db;
    await expect(sql`insert into staff_roles (pid, role, granted_by) values (${unknownPid()}, 'reviewer', 'admin_token')`.execute(db)).rejects.toThrow(/foreign key/);
    const { pid } = await newCitizen(server);
    await sql`insert into staff_roles (pid, role, granted_by) values (${pid}, 'reviewer', 'admin_token')`.execute(db);
    await expect(sql`insert into staff_roles (pid, role, granted_by) values (${pid}, 'reviewer', 'admin_token')`.execute(db)).rejects.toThrow(/staff_roles_active/);
    await expect(sql`insert into staff_roles (pid, role, granted_by) values (${pid}, 'root', 'admin_token')`.execute(db)).rejects.toThrow(/check/);
  });
});

describe('thaid-emulator staff', () => {
  it('adds, lists and removes staff, as JSON and as text', async () => {
    const { pid } = await newCitizen(server);
    const dashed = `${pid.slice(0, 1)}-${pid.slice(1, 5)}-${pid.slice(5, 10)}-${pid.slice(10, 12)}-${pid.slice(12)}`;

    const addJson = await cli(['staff', 'add', '--pid', pid, '--role', 'administrator', '--json']);
    expect(addJson.stderr).toBe('');
    expect(addJson.status).toBe(0);
    expect(JSON.parse(addJson.stdout)).toMatchObject({ pid, role: 'administrator', grantedBy: 'admin_token', revokedAt: null });

    const addText = await cli(['staff', 'add', '--pid', dashed, '--role', 'reviewer']);
    expect(addText.status).toBe(0);
    expect(addText.stdout).toBe(`Granted reviewer to citizen ${pid}.\n`);

    const listJson = await cli(['staff', 'list', '--role', 'administrator', '--json']);
    expect(listJson.status).toBe(0);
    const listed = JSON.parse(listJson.stdout) as { pid: string; role: string }[];
    expect(listed.filter((g) => g.pid === pid).map((g) => g.role)).toEqual(['administrator']);
    expect(listed.every((g) => g.role === 'administrator')).toBe(true);

    const listText = await cli(['staff', 'list']);
    expect(listText.status).toBe(0);
    expect(listText.stdout).toMatch(new RegExp(`^${pid}  administrator  granted \\S+ by admin_token$`, 'm'));
    expect(listText.stdout).toMatch(new RegExp(`^${pid}  reviewer       granted \\S+ by admin_token$`, 'm'));

    const twice = await cli(['staff', 'add', '--pid', pid, '--role', 'reviewer']);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/already holds the reviewer role.*409 already_granted/);

    const removeJson = await cli(['staff', 'remove', '--pid', pid, '--role', 'reviewer', '--json']);
    expect(removeJson.status).toBe(0);
    expect(JSON.parse(removeJson.stdout)).toMatchObject({ pid, role: 'reviewer', revokedBy: 'admin_token', revokedAt: expect.any(String) });

    const removeText = await cli(['staff', 'remove', '--pid', pid, '--role', 'administrator']);
    expect(removeText.status).toBe(0);
    expect(removeText.stdout).toMatch(new RegExp(`^Removed administrator from citizen ${pid} \\(the grant is kept, revoked at \\S+\\)\\.\\n$`));

    expect(await rolesOf(server.database.db, pid)).toEqual([]);
    const empty = await cli(['staff', 'list', '--role', 'approver']);
    expect(empty.status).toBe(0);
    expect(empty.stdout).not.toContain(pid);
  });

  it('explains mistakes', async () => {
    const { pid } = await newCitizen(server);
    const badRole = await cli(['staff', 'add', '--pid', pid, '--role', 'boss']);
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toMatch(/role: must be one of reviewer, approver, administrator/);

    const noRole = await cli(['staff', 'add', '--pid', pid]);
    expect(noRole.status).toBe(1);
    expect(noRole.stderr).toMatch(/staff add needs --role ROLE/);

    const unknown = await cli(['staff', 'add', '--pid', unknownPid(), '--role', 'reviewer']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/No citizen with ID \d{13} in the registry.*404/);

    const notHeld = await cli(['staff', 'remove', '--pid', pid, '--role', 'approver']);
    expect(notHeld.status).toBe(1);
    expect(notHeld.stderr).toMatch(/does not hold the approver role.*404/);

    const noSub = await cli(['staff']);
    expect(noSub.status).toBe(1);
    expect(noSub.stderr).toContain('Usage: staff add --pid PID --role ROLE');
  });
});
