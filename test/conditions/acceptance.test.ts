import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dopaAgencyId } from '../../src/agencies/first-party-systems.ts';
import { acceptConditions, acceptancesOf, conditionsToAcceptFor } from '../../src/conditions/acceptance.ts';
import { currentConditions } from '../../src/conditions/queries.ts';
import { conditionsOverviewBody, conditionsVersionBody } from '../../src/conditions/schemas.ts';
import { AppError } from '../../src/errors.ts';
import { newCitizen } from '../support/citizens.ts';
import { createRelyingParty, demo } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = (method: 'get' | 'post', url: string) => request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);
const db = () => server.database.db;

/** A new agency (with one system) and a citizen to act as its administrator. */
async function newAgency() {
  const rp = await createRelyingParty(server, { name: 'Agency of the conditions test' });
  const { pid } = await newCitizen(server);
  return { agencyId: rp.agencyId, pid };
}

/** Publishes a new version through the admin API; returns its number. */
async function publish(label: string): Promise<number> {
  const answer = await admin('post', '/conditions').send({ textTh: `เงื่อนไขการใช้บริการ ${label}`, textEn: `Conditions of use ${label}` }).expect(201);
  return answer.body.version as number;
}

const overview = async () => {
  const { body } = await admin('get', '/conditions').expect(200);
  expect(conditionsOverviewBody.parse(body), 'the answer is as the API document declares it').toEqual(body);
  return body;
};
const pendingIds = async () => (await overview()).pending.map((p: { agencyId: string }) => p.agencyId) as string[];

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof AppError ? { status: error.status, code: error.code, message: error.message } : error),
  );

const acceptanceRows = (agencyId: string) =>
  db().selectFrom('conditions_acceptances').selectAll().where('agency_id', '=', agencyId).orderBy('version').execute();
const auditRows = (agencyId: string) =>
  db()
    .selectFrom('audit_events')
    .select(['actor_kind', 'actor_pid', 'actor_role', 'action', 'target_kind', 'target_id', 'after', 'request_id'])
    .where('target_kind', '=', 'agency')
    .where('target_id', '=', agencyId)
    .where('action', '=', 'conditions.accept')
    .orderBy('id')
    .execute();

describe('agencies accepting the conditions of use', () => {
  it('an agency registered without an acceptance, the demo one included, shows as not yet accepted', async () => {
    const { agencyId } = await newAgency();
    const current = await currentConditions(db());
    expect(await conditionsToAcceptFor(db(), agencyId)).toMatchObject({ version: current.version });
    const demoAgency = await db().selectFrom('agency_systems').select('agency_id').where('client_id', '=', demo.clientId).executeTakeFirstOrThrow();
    const pending = await pendingIds();
    expect(pending).toContain(agencyId);
    expect(pending).toContain(demoAgency.agency_id);
    // DOPA, which publishes the conditions, is not an agency that owes an acceptance of them.
    expect(pending).not.toContain(dopaAgencyId);
    expect((await overview()).pending.find((p: { agencyId: string }) => p.agencyId === agencyId)).toMatchObject({
      nameEn: 'Agency of the conditions test',
      lastAcceptedVersion: null,
    });
  });

  it('accepting the current version records a row and its audit event, and the agency leaves the pending list', async () => {
    const { agencyId, pid } = await newAgency();
    const current = await currentConditions(db());
    const accepted = await acceptConditions(db(), agencyId, pid, current.version, 'req-accept-1');
    expect(accepted).toMatchObject({ agencyId, version: current.version, acceptedBy: pid, alreadyAccepted: false });

    expect(await acceptanceRows(agencyId)).toEqual([{ agency_id: agencyId, version: current.version, accepted_by: pid, accepted_at: expect.any(Date) }]);
    expect(await auditRows(agencyId)).toEqual([
      {
        actor_kind: 'agency',
        actor_pid: pid,
        actor_role: 'agency_admin',
        action: 'conditions.accept',
        target_kind: 'agency',
        target_id: agencyId,
        after: { version: current.version },
        request_id: 'req-accept-1',
      },
    ]);
    expect(await conditionsToAcceptFor(db(), agencyId)).toBeUndefined();
    expect(await pendingIds()).not.toContain(agencyId);
    expect((await overview()).acceptances[0]).toEqual({
      agencyId,
      agencyNameTh: 'Agency of the conditions test',
      agencyNameEn: 'Agency of the conditions test',
      version: current.version,
      acceptedBy: pid,
      acceptedAt: accepted.acceptedAt.toISOString(),
    });

    // Accepting again records nothing more.
    const again = await acceptConditions(db(), agencyId, pid, current.version);
    expect(again).toMatchObject({ alreadyAccepted: true, acceptedAt: accepted.acceptedAt });
    expect(await acceptanceRows(agencyId)).toHaveLength(1);
    expect(await auditRows(agencyId)).toHaveLength(1);
  });

  it('a new version is in force at once: the agency is pending again, and accepting the old one is refused', async () => {
    const { agencyId, pid } = await newAgency();
    const old = (await currentConditions(db())).version;
    await acceptConditions(db(), agencyId, pid, old);

    const published = await publish('for the acceptance test');
    expect(published).toBe(old + 1);
    expect((await currentConditions(db())).version).toBe(published);
    expect((await overview()).current).toMatchObject({ version: published, publishedBy: 'admin_token' });
    expect(await conditionsToAcceptFor(db(), agencyId)).toMatchObject({ version: published, text_en: 'Conditions of use for the acceptance test' });
    expect((await overview()).pending.find((p: { agencyId: string }) => p.agencyId === agencyId)).toMatchObject({ lastAcceptedVersion: old });

    expect(await refusal(acceptConditions(db(), agencyId, pid, old))).toEqual({
      status: 409,
      code: 'conditions_superseded',
      message: `Version ${old} of the conditions is no longer current: version ${published} replaced it. Read version ${published} and accept that one.`,
    });
    expect(await refusal(acceptConditions(db(), agencyId, pid, published + 5))).toMatchObject({ status: 404, code: 'not_found' });
    expect((await acceptanceRows(agencyId)).map((r) => r.version)).toEqual([old]);

    await acceptConditions(db(), agencyId, pid, published);
    expect((await acceptanceRows(agencyId)).map((r) => r.version)).toEqual([old, published]);
    expect((await acceptancesOf(db(), agencyId)).map((a) => [a.version, a.acceptedBy])).toEqual([
      [published, pid],
      [old, pid],
    ]);
    expect(await pendingIds()).not.toContain(agencyId);
    expect((await auditRows(agencyId)).map((r) => r.after)).toEqual([{ version: old }, { version: published }]);
  });

  it('refuses a bad citizen ID, an unknown citizen or agency, and a cancelled agency, recording nothing', async () => {
    const { agencyId, pid } = await newAgency();
    const version = (await currentConditions(db())).version;
    expect(await refusal(acceptConditions(db(), agencyId, '1234567890123', version))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await refusal(acceptConditions(db(), agencyId, '1103000123454', version))).toMatchObject({ status: 400 });
    expect(await refusal(acceptConditions(db(), '00000000-0000-4000-8000-000000000000', pid, version))).toMatchObject({ status: 404 });
    expect(await refusal(acceptConditions(db(), 'not-an-id', pid, version))).toMatchObject({ status: 404 });
    expect(await refusal(conditionsToAcceptFor(db(), 'not-an-id'))).toMatchObject({ status: 404 });

    await admin('post', `/agencies/${agencyId}/status`).send({ status: 'cancelled', reason: 'Ended', notice: 'after' }).expect(200);
    expect(await refusal(acceptConditions(db(), agencyId, pid, version))).toMatchObject({ status: 409, code: 'cancelled' });
    expect(await pendingIds()).not.toContain(agencyId);
    expect(await acceptanceRows(agencyId)).toEqual([]);
    expect(await auditRows(agencyId)).toEqual([]);
  });
});

describe('publishing through the admin API', () => {
  it('is audited in the same transaction, with the texts', async () => {
    const previous = (await currentConditions(db())).version;
    const answer = await admin('post', '/conditions')
      .set('x-request-id', 'req-publish-1')
      .send({ textTh: '  ข้อ 1 ใช้เพื่อวัตถุประสงค์ที่ได้รับอนุญาต\n', textEn: 'Clause 1: the permitted purpose only.' })
      .expect(201);
    expect(conditionsVersionBody.parse(answer.body)).toEqual(answer.body);
    expect(answer.body).toEqual({
      version: previous + 1,
      textTh: 'ข้อ 1 ใช้เพื่อวัตถุประสงค์ที่ได้รับอนุญาต',
      textEn: 'Clause 1: the permitted purpose only.',
      publishedAt: expect.any(String),
      publishedBy: 'admin_token',
    });
    const audited = await db()
      .selectFrom('audit_events')
      .select(['actor_kind', 'action', 'target_kind', 'target_id', 'before', 'after', 'request_id'])
      .where('action', '=', 'conditions.publish')
      .where('target_id', '=', String(previous + 1))
      .execute();
    expect(audited).toEqual([
      {
        actor_kind: 'admin_token',
        action: 'conditions.publish',
        target_kind: 'conditions',
        target_id: String(previous + 1),
        before: { version: previous },
        after: { version: previous + 1, textTh: 'ข้อ 1 ใช้เพื่อวัตถุประสงค์ที่ได้รับอนุญาต', textEn: 'Clause 1: the permitted purpose only.' },
        request_id: 'req-publish-1',
      },
    ]);
  });

  it('refuses the current texts again (409), and texts missing, empty or in the other language (400), publishing nothing', async () => {
    const current = await currentConditions(db());
    const same = await admin('post', '/conditions').send({ textTh: current.text_th, textEn: current.text_en }).expect(409);
    expect(same.body).toEqual({ error: 'no_change', error_description: `Both texts are those of version ${current.version}, the current one: nothing to publish.` });

    const swapped = await admin('post', '/conditions').send({ textTh: 'Conditions of use', textEn: 'เงื่อนไข' }).expect(400);
    expect(swapped.body.error_description).toMatch(/textTh: has no Thai letters/);
    expect(swapped.body.error_description).toMatch(/textEn: has no Latin letters/);
    expect((await admin('post', '/conditions').send({ textTh: '   ', textEn: 'x' }).expect(400)).body.error_description).toMatch(/textTh: must not be empty/);
    expect((await admin('post', '/conditions').send({ textEn: 'Conditions' }).expect(400)).body.error_description).toMatch(/textTh: is required/);
    await admin('post', '/conditions').send('not json').set('content-type', 'application/json').expect(400);
    await request(server.url).post('/admin/api/conditions').send({ textTh: 'ข้อ', textEn: 'Clause' }).expect(401);
    expect((await currentConditions(db())).version).toBe(current.version);
  });
});

describe('the conditions tables', () => {
  it('refuse to change or remove an acceptance, or a published version', async () => {
    const { agencyId, pid } = await newAgency();
    const version = (await currentConditions(db())).version;
    await acceptConditions(db(), agencyId, pid, version);
    await expect(sql`update conditions_acceptances set accepted_by = ${pid} where agency_id = ${agencyId}`.execute(db())).rejects.toThrow(
      /conditions_acceptances table is append-only/,
    );
    await expect(sql`delete from conditions_acceptances where agency_id = ${agencyId}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate conditions_acceptances`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`update conditions_versions set text_en = 'changed' where version = ${version}`.execute(db())).rejects.toThrow(/append-only/);
    expect(await acceptanceRows(agencyId)).toHaveLength(1);
  });
});
