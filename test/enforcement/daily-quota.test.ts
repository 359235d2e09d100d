import { sql } from 'kysely';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { lockWaiters, postgresServerUrl } from '../support/database.ts';
import { runCli } from '../support/cli.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { gist, statementsDuring } from './statement-trace.ts';

let server: TestServer;
let device: VirtualDevice;
beforeAll(async () => {
  server = await startTestServer();
  device = await enrolledDevice(server, await newCitizen(server));
});
afterAll(() => server?.dispose());

const redirectUri = 'https://rp.example.test/callback';
const admin = (url: string) => request(server.url).get(`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);
const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });
// Each command is a Node process of its own, which takes seconds on a busy machine.
const cliTimeout = 120_000;

/** A new system with a daily quota as staff approved it (null for none). */
async function systemWithQuota(quota: number | null): Promise<CreatedRelyingParty> {
  const rp = await createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'] });
  await server.database.db.updateTable('agency_systems').set({ daily_quota: quota }).where('client_id', '=', rp.clientId).execute();
  return rp;
}

const signInUrl = (rp: CreatedRelyingParty, state = 'st') =>
  authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid', state });
/** An authorization request from a browser; 200 is the login page, 303 an answer at the redirect URI. */
const authorize = (rp: CreatedRelyingParty, state?: string) => request(server.url).get(signInUrl(rp, state));

const requestsToday = async (clientId: string) => (await admin(`/systems/${clientId}`).expect(200)).body.requestsToday as number;

describe('a daily quota of authorization requests', () => {
  it('refuses the request beyond it with temporarily_unavailable naming the quota, at the redirect URI; other systems go on', async () => {
    const limited = await systemWithQuota(2);
    const other = await systemWithQuota(2);
    const unlimited = await systemWithQuota(null);

    await authorize(limited).expect(200);
    await authorize(limited).expect(200);
    const third = await authorize(limited, 'st-3').expect(303);
    const location = new URL(third.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'temporarily_unavailable',
      error_description: "the system's daily quota of 2 authorization requests is used up; it resets at midnight Bangkok time",
      state: 'st-3',
      iss: server.issuer,
    });
    // Still refused, and refusals are not counted.
    await authorize(limited).expect(303);

    await authorize(other).expect(200);
    for (let i = 0; i < 3; i++) await authorize(unlimited).expect(200);

    expect((await admin(`/systems/${limited.clientId}`).expect(200)).body).toMatchObject({ dailyQuota: 2, requestsToday: 2 });
    expect(await requestsToday(other.clientId)).toBe(1);
    expect((await admin(`/systems/${unlimited.clientId}`).expect(200)).body).toMatchObject({ dailyQuota: null, requestsToday: 3 });
    const listed = (await admin('/systems').expect(200)).body.systems as { clientId: string; dailyQuota: number | null; requestsToday: number }[];
    expect(listed.find((s) => s.clientId === limited.clientId)).toMatchObject({ dailyQuota: 2, requestsToday: 2, violations: 0 });
  });

  it('never passes the quota, even for requests that all arrive at once, and counts exactly those it let start', async () => {
    const rp = await systemWithQuota(3);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => authorize(rp, `at-once-${i}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, ...Array(9).fill(303)]);
    for (const refused of answers.filter((a) => a.status === 303)) {
      const location = new URL(refused.headers.location as string);
      expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
      expect(location.searchParams.get('error_description')).toBe("the system's daily quota of 3 authorization requests is used up; it resets at midnight Bangkok time");
      expect(location.searchParams.get('state')).toMatch(/^at-once-/);
    }
    expect(await requestsToday(rp.clientId)).toBe(3);
    // No sign-in was stored for a refused request.
    const interactions = await server.database.db.selectFrom('oidc_payloads').select('id').where('model', '=', 'Interaction').where('client_id', '=', rp.clientId).execute();
    expect(interactions).toHaveLength(3);
    await authorize(rp).expect(303);
  });

  it.skipIf(!postgresServerUrl)('never passes the quota when requests that all passed the lookup wait to be counted at once', async () => {
    const rp = await systemWithQuota(3);
    await authorize(rp).expect(200);
    // Today's counter row is held, so that each request reads the count in the lookup and then waits to raise it.
    const holder = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await holder.connect();
    let answers;
    try {
      await holder.query('begin');
      await holder.query('select requests from system_daily_usage where client_id = $1 for update', [rp.clientId]);
      const waiting = Promise.all(Array.from({ length: 4 }, (_, i) => authorize(rp, `held-${i}`).then((answer) => answer)));
      await lockWaiters(holder, 4);
      await holder.query('commit');
      answers = await waiting;
    } finally {
      await holder.end();
    }
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 303, 303]);
    expect(await requestsToday(rp.clientId)).toBe(3);
  });

  it('counts a sign-in once, however often its login page is loaded again', async () => {
    const rp = await systemWithQuota(5);
    const login = await openLoginPage(server, new URL(`${server.issuer}${signInUrl(rp)}`));
    await login.browser.get(login.loginPath).expect(200);
    await login.browser.get(login.loginPath).expect(200);
    expect(await requestsToday(rp.clientId)).toBe(1);
  });

  it('lets a sign-in started within the quota finish after the quota is used up', async () => {
    const rp = await systemWithQuota(1);
    const started = await openLoginPage(server, new URL(`${server.issuer}${signInUrl(rp)}`));
    await authorize(rp).expect(303);
    await device.approve((await device.scan(started.appLink)).id, started.matchNumber, testPin);
    const callback = new URL(await started.continueToRelyingParty());
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(callback.searchParams.get('error')).toBeNull();
  });

  it('counts the day in Bangkok: yesterday’s requests do not use up today’s quota', async () => {
    const rp = await systemWithQuota(1);
    await sql`insert into system_daily_usage (client_id, day, requests)
      values (${rp.clientId}, cast(now() at time zone 'Asia/Bangkok' as date) - 1, 1)`.execute(server.database.db);
    await authorize(rp).expect(200);
    await authorize(rp).expect(303);
    const days = await sql<{ day: string; requests: number }>`select day, requests from system_daily_usage where client_id = ${rp.clientId} order by day`.execute(server.database.db);
    const today = await sql<{ today: string }>`select cast(now() at time zone 'Asia/Bangkok' as date) as today`.execute(server.database.db);
    expect(days.rows.map((r) => r.requests)).toEqual([1, 1]);
    expect(days.rows[1]!.day).toBe(today.rows[0]!.today);
  });

  it('shows in system show, from the CLI', async () => {
    const rp = await systemWithQuota(3);
    await authorize(rp).expect(200);
    const text = await cli(['system', 'show', rp.clientId]);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain('  1 authorization requests today (Bangkok time) of a daily quota of 3; 0 policy violations\n');
    const json = JSON.parse((await cli(['system', 'show', rp.clientId, '--json'])).stdout);
    expect(json).toMatchObject({ clientId: rp.clientId, dailyQuota: 3, requestsToday: 1, violations: 0 });
  }, cliTimeout);
});

describe('what an authorization request costs the database', () => {
  // Every authorization request first takes a point of its address's rate limit (src/http/rate-limits.ts).
  const rateLimitStatement = 'insert rate_limits,SET';
  // The tree-head signer runs on its own timer; its statements are not the request's.
  const ofTheRequest = (statements: string[]) => statements.filter((s) => !/\bledger_/.test(s)).map(gist);

  it('is the address’s rate limit and the same three statements as before quotas: the check rides in the client lookup, the count in the interaction’s write', async () => {
    const rp = await systemWithQuota(2);
    await authorize(rp).expect(200); // the statements are prepared and the client built

    const accepted = ofTheRequest(await statementsDuring(server.database.db, () => authorize(rp).expect(200)));
    // Before quotas: select active_systems; insert oidc_payloads; with … login_transactions.
    expect(accepted).toEqual([
      rateLimitStatement,
      'select system_daily_usage,active_systems',
      'with oidc_payloads,system_daily_usage,earlier,agency_systems,set,counted,stored',
      'with login_transactions,opened,active_systems',
    ]);

    // A refused request writes nothing: its one statement is the client lookup.
    const refused = ofTheRequest(await statementsDuring(server.database.db, () => authorize(rp).expect(303)));
    expect(refused).toEqual([rateLimitStatement, 'select system_daily_usage,active_systems']);
  });
});

describe('the system_daily_usage table', () => {
  it('holds one row per system and day, and a positive count', async () => {
    const rp = await systemWithQuota(null);
    const db = server.database.db;
    await authorize(rp).expect(200);
    await expect(sql`insert into system_daily_usage (client_id, day, requests) values (${rp.clientId}, cast(now() at time zone 'Asia/Bangkok' as date), 1)`.execute(db)).rejects.toThrow(/duplicate key|unique/);
    await expect(sql`insert into system_daily_usage (client_id, day, requests) values (${rp.clientId}, date '2020-01-01', 0)`.execute(db)).rejects.toThrow(/check/);
    await expect(sql`insert into system_daily_usage (client_id, day, requests) values ('no-such-system', date '2020-01-01', 1)`.execute(db)).rejects.toThrow(/foreign key/);
  });
});
