import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { violationsPage } from '../../src/enforcement/schemas.ts';
import { runCli } from '../support/cli.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const redirectUri = 'https://rp.example.test/callback';
const admin = (url: string) => request(server.url).get(`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);
const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });
// Each command is a Node process of its own, which takes seconds on a busy machine.
const cliTimeout = 120_000;

/** A system approved for pid only (and openid, which every system has). */
const newRp = (profile: 'thaid' | 'strict' = 'thaid') => createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'], profile });

/** An authorization request as the relying party's browser sends it, the redirect not followed. */
const authorize = (rp: CreatedRelyingParty, params: Record<string, string>, requestId?: string, path?: string) => {
  const call = request(server.url).get(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, ...params }, path));
  return requestId ? call.set('x-request-id', requestId) : call;
};

const violationRows = (clientId: string) =>
  server.database.db.selectFrom('policy_violations').selectAll().where('client_id', '=', clientId).orderBy('id').execute();

describe('a system asking for data items it is not approved for', () => {
  it('is refused with invalid_scope at its redirect URI, and a violation is recorded with the items and the request id', async () => {
    const rp = await newRp();
    const answer = await authorize(rp, { scope: 'openid pid name address', state: 'st-1' }, 'req-unapproved-1').expect(303);
    const location = new URL(answer.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('st-1');

    const rows = await violationRows(rp.clientId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'unapproved_scope', agency_id: rp.agencyId, client_id: rp.clientId, items: ['name', 'address'], request_id: 'req-unapproved-1' });
  });

  it('records a v1 data item by its v1 name', async () => {
    const rp = await newRp();
    await authorize(rp, { scope: 'pid th_fullname' }, undefined, '/api/v1/oauth2/auth/').expect(303);
    expect((await violationRows(rp.clientId)).map((r) => r.items)).toEqual([['th_fullname']]);
  });

  it('records nothing for a request that passes, for unknown scope names, or for a refusal that asks for nothing unapproved', async () => {
    const rp = await newRp();
    await authorize(rp, { scope: 'openid pid' }).expect(200);
    // Scope names the service does not know are ignored, as OpenID Connect allows.
    await authorize(rp, { scope: 'openid pid not_a_data_item' }).expect(200);
    const strict = await newRp('strict');
    const withoutOpenid = await authorize(strict, { scope: 'pid' }).expect(303);
    expect(new URL(withoutOpenid.headers.location as string).searchParams.get('error')).toBe('invalid_scope');
    expect(await violationRows(rp.clientId)).toEqual([]);
    expect(await violationRows(strict.clientId)).toEqual([]);
  });

  it('records nothing when the refusal does not reach the relying party (an unregistered redirect URI)', async () => {
    const rp = await newRp();
    const page = await request(server.url)
      .get(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: 'https://elsewhere.example.test/cb', scope: 'openid name' }))
      .expect(400);
    expect(page.headers.location).toBeUndefined();
    expect(await violationRows(rp.clientId)).toEqual([]);
  });
});

describe('staff read violations', () => {
  it('through the admin API, filtered by agency, system and time, newest first', async () => {
    const first = await newRp();
    const second = await newRp();
    const before = new Date().toISOString();
    await authorize(first, { scope: 'openid name' }, 'req-first-a').expect(303);
    await authorize(first, { scope: 'openid birthdate gender' }, 'req-first-b').expect(303);
    await authorize(second, { scope: 'openid address' }, 'req-second').expect(303);

    const bySystem = await admin(`/violations?system=${first.clientId}`).expect(200);
    expect(violationsPage.parse(bySystem.body), 'the answer is as the API document declares it').toEqual(bySystem.body);
    expect(bySystem.body.next_cursor).toBeNull();
    expect(bySystem.body.violations).toEqual([
      expect.objectContaining({ kind: 'unapproved_scope', clientId: first.clientId, agencyId: first.agencyId, items: ['birthdate', 'gender'], requestId: 'req-first-b' }),
      expect.objectContaining({ clientId: first.clientId, items: ['name'], requestId: 'req-first-a' }),
    ]);
    expect(bySystem.body.violations[0]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      kind: 'unapproved_scope',
      agencyId: first.agencyId,
      agencyNameEn: 'Test Agency',
      clientId: first.clientId,
      systemName: expect.any(String),
      items: ['birthdate', 'gender'],
      requestId: 'req-first-b',
    });

    const byAgency = await admin(`/violations?agency=${second.agencyId}`).expect(200);
    expect(byAgency.body.violations.map((v: { requestId: string }) => v.requestId)).toEqual(['req-second']);

    const since = await admin(`/violations?since=${encodeURIComponent(before)}&limit=2`).expect(200);
    expect(since.body.violations.map((v: { requestId: string }) => v.requestId)).toEqual(['req-second', 'req-first-b']);
    const next = await admin(`/violations?since=${encodeURIComponent(before)}&limit=2&cursor=${since.body.next_cursor}`).expect(200);
    expect(next.body.violations.map((v: { requestId: string }) => v.requestId)).toEqual(['req-first-a']);

    const future = await admin(`/violations?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).expect(200);
    expect(future.body.violations).toEqual([]);
    // A well-formed time in a year no one records is refused, never a failed query.
    const year0 = await admin(`/violations?since=${encodeURIComponent('0000-01-01T00:00:00Z')}`).expect(400);
    expect(year0.body.error_description).toContain('in the years 1900 to 2999');
  });

  it('in the system listing and show, as a count beside the quota use', async () => {
    const rp = await newRp();
    await authorize(rp, { scope: 'openid name' }).expect(303);
    const shown = await admin(`/systems/${rp.clientId}`).expect(200);
    expect(shown.body).toMatchObject({ clientId: rp.clientId, dailyQuota: null, requestsToday: 0, violations: 1 });
    const listed = await admin('/systems').expect(200);
    expect(listed.body.systems.find((s: { clientId: string }) => s.clientId === rp.clientId)).toMatchObject({ violations: 1, requestsToday: 0 });

    const text = await cli(['system', 'show', rp.clientId]);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain('  0 authorization requests today (Bangkok time) of no daily quota; 1 policy violation\n');
  }, cliTimeout);

  it('answers 400 naming the problem for bad filters, and 401 without the token', async () => {
    const notUuid = await admin('/violations?agency=abc').expect(400);
    expect(notUuid.body.error_description).toMatch(/agency: must be an agency's id/);
    expect((await admin('/violations?since=yesterday').expect(400)).body.error_description).toMatch(/since: must be an ISO 8601/);
    expect((await admin('/violations?limit=0').expect(400)).body.error_description).toMatch(/limit: must be a whole number from 1 to 1000/);
    expect((await admin('/violations?client=x').expect(400)).body.error_description).toMatch(/unknown parameter client/);
    await request(server.url).get('/admin/api/violations').expect(401);
  });
});

describe('the policy_violations table', () => {
  it('refuses to change, delete or truncate a violation', async () => {
    const rp = await newRp();
    await authorize(rp, { scope: 'openid name' }).expect(303);
    const db = server.database.db;
    await expect(sql`update policy_violations set items = array['pid'] where client_id = ${rp.clientId}`.execute(db)).rejects.toThrow(/policy_violations table is append-only/);
    await expect(sql`delete from policy_violations where client_id = ${rp.clientId}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate policy_violations`.execute(db)).rejects.toThrow(/append-only/);
    expect(await violationRows(rp.clientId)).toHaveLength(1);
  });
});
