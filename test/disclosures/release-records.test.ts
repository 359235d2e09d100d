import { sql } from 'kysely';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/disclosures/ledger-entry.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { enrolledDevice, loginPathOf, numberOnScreen, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { lockWaiters, postgresServerUrl } from '../support/database.ts';
import { basicAuth, refusal } from '../support/http.ts';
import { demo } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const tokenPath = '/api/v2/oauth2/token/';
const userinfoPath = '/api/v2/oauth2/userinfo/';
const redirectUri = demo.redirectUris[0]!;

/** The citizen's ledger entries, oldest first, as the database holds them. */
async function entriesOf(citizen: Citizen): Promise<LedgerEntry[]> {
  const rows = await server.database.db.selectFrom('ledger_entries').select('entry').where('pid', '=', citizen.pid).orderBy('leaf_index').execute();
  return rows.map((row) => JSON.parse(row.entry) as LedgerEntry);
}

/** Signs the citizen in at the demo relying party as far as the code; returns the code, not yet redeemed. */
async function codeFor(citizen: Citizen, scope: string): Promise<string> {
  const device = await enrolledDevice(server, citizen);
  const url = new URL(`${server.issuer}/api/v2/oauth2/auth/`);
  url.search = new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope, redirect_uri: redirectUri, state: 'state-1' }).toString();
  const login = await openLoginPage(server, url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  const callback = new URL(await login.continueToRelyingParty());
  return callback.searchParams.get('code')!;
}

const redeem = (code: string, path = tokenPath) =>
  request(server.url)
    .post(path)
    .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });

/** Makes every disclosure about this citizen fail to be written, as a full disk or a lost privilege would. */
async function refuseDisclosuresOf(citizen: Citizen): Promise<() => Promise<void>> {
  const name = `refuse_${citizen.pid}`;
  const { db } = server.database;
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected: the ledger cannot be written'; end $$;
       create trigger ${name} before insert on ledger_entries for each row
         when (position('${citizen.pid}' in new.entry) > 0 and position('"disclosure"' in new.entry) > 0)
         execute function ${name}();`,
    )
    .execute(db);
  return async () => {
    await sql.raw(`drop trigger ${name} on ledger_entries; drop function ${name}();`).execute(db);
  };
}

describe('every answer that carries citizen claims is recorded before it leaves', () => {
  it('records one disclosure for the token response and one per userinfo call, with the items and no values', async () => {
    const citizen = await newCitizen(server);
    const tokens = (await redeem(await codeFor(citizen, 'openid pid name birthdate')).expect(200)).body;
    for (let call = 0; call < 2; call++) {
      await request(server.url).get(userinfoPath).set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    }

    const disclosures = (await entriesOf(citizen)).filter((e) => e.kind === 'disclosure');
    expect(disclosures.map((d) => d.kind === 'disclosure' && d.endpoint)).toEqual(['token', 'userinfo', 'userinfo']);
    for (const disclosure of disclosures) {
      expect(disclosure).toMatchObject({
        pid: citizen.pid,
        agency: { th: demo.name, en: demo.nameEn },
        system: { clientId: demo.clientId },
        items: ['openid', 'pid', 'name', 'birthdate'],
      });
      const text = JSON.stringify(disclosure);
      expect(text).not.toContain(citizen.givenNameTh);
      expect(text).not.toContain(citizen.birthdate);
    }
    expect(disclosures[0]).toMatchObject({ endpoint: 'token', api: 'v2' });
    expect(disclosures[0]!.kind === 'disclosure' && disclosures[0]!.grantId).toBeTruthy();
  });

  it('records the endpoints however their paths are spelled, as the provider serves them all: case, a doubled slash, v1', async () => {
    const citizen = await newCitizen(server);
    const tokens = (await redeem(await codeFor(citizen, 'openid pid'), '/API/V2/OAUTH2/TOKEN/').expect(200)).body;
    for (const path of ['/api/v2/oauth2/userinfo//', '/Api/V2/OAuth2/UserInfo', '/API/V1/OAUTH2/USERINFO/']) {
      const answer = await request(server.url).get(path).set('authorization', `Bearer ${tokens.access_token}`).expect(200);
      expect(answer.body.pid).toBe(citizen.pid);
    }
    const disclosures = (await entriesOf(citizen)).filter((e) => e.kind === 'disclosure');
    expect(disclosures.map((d) => d.kind === 'disclosure' && `${d.endpoint} ${d.api}`)).toEqual(['token v2', 'userinfo v2', 'userinfo v2', 'userinfo v1']);
  });

  it('records nothing for a HEAD request to userinfo, whose answer carries no claims', async () => {
    const citizen = await newCitizen(server);
    const tokens = (await redeem(await codeFor(citizen, 'openid pid')).expect(200)).body;
    const head = await request(server.url).head(userinfoPath).set('authorization', `Bearer ${tokens.access_token}`);
    expect(head.text ?? '').toBe('');
    expect((await entriesOf(citizen)).filter((e) => e.kind === 'disclosure').map((d) => d.kind === 'disclosure' && d.endpoint)).toEqual(['token']);
  });

  it('records a refresh that returns an ID token and claims', async () => {
    const citizen = await newCitizen(server);
    const tokens = (await redeem(await codeFor(citizen, 'openid pid')).expect(200)).body;
    const refreshed = await request(server.url)
      .post(tokenPath)
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
      .expect(200);
    expect(refreshed.body.id_token).toBeTypeOf('string');

    const endpoints = (await entriesOf(citizen)).filter((e) => e.kind === 'disclosure').map((e) => e.kind === 'disclosure' && e.endpoint);
    expect(endpoints).toEqual(['token', 'token']);
  });

  it('releases nothing when the record cannot be written, and the code can be redeemed once it can', async () => {
    const citizen = await newCitizen(server);
    const code = await codeFor(citizen, 'openid pid name');
    const allow = await refuseDisclosuresOf(citizen);
    const refused = await redeem(code).expect(503);
    expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('nothing was released') });
    expect(refused.text).not.toContain(citizen.pid);
    expect(refused.headers['retry-after']).toBeDefined();
    await allow();

    // The failed answer rolled back with its record: the code is still unused, and no token was kept.
    const tokens = (await redeem(code).expect(200)).body;
    expect(tokens.pid).toBe(citizen.pid);
    expect((await entriesOf(citizen)).filter((e) => e.kind === 'disclosure')).toHaveLength(1);

    const allowAgain = await refuseDisclosuresOf(citizen);
    const userinfo = await request(server.url).get(userinfoPath).set('authorization', `Bearer ${tokens.access_token}`).expect(503);
    expect(userinfo.body.error).toBe('temporarily_unavailable');
    expect(userinfo.text).not.toContain(citizen.pid);
    await allowAgain();
    await request(server.url).get(userinfoPath).set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect((await entriesOf(citizen)).filter((e) => e.kind === 'disclosure')).toHaveLength(2);
  });
});

describe('the citizen’s answers are events of the same history, not disclosures', () => {
  it('records an approval as an event before anything is released', async () => {
    const citizen = await newCitizen(server);
    await codeFor(citizen, 'openid pid');
    const entries = await entriesOf(citizen);
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'event', event: 'device_enrolled', items: [] }),
      expect.objectContaining({ kind: 'event', event: 'approved', items: ['openid', 'pid'], system: expect.objectContaining({ clientId: demo.clientId }) }),
    ]);
  });

  it('records a refusal and wrong PINs, and no disclosure', async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const start = async () => {
      const url = new URL(`${server.issuer}/api/v2/oauth2/auth/?${new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: redirectUri })}`);
      const login = await openLoginPage(server, url);
      expect(loginPathOf(login.page.text)).toBeTruthy();
      return device.scan(login.appLink);
    };

    await device.deny((await start()).id);
    const asked = await start();
    for (let attempt = 0; attempt < 5; attempt++) expect((await refusal(device.approve(asked.id, await numberOnScreen(server, asked.id), '11223344')))?.code).toBe('pin_rejected');

    const events = (await entriesOf(citizen)).map((e) => (e.kind === 'event' ? e.event : e.kind));
    expect(events).toEqual(['device_enrolled', 'denied', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'pin_locked']);
  });

  it.skipIf(!postgresServerUrl)('records no lock for a PIN refused unchecked while the last attempt, a right PIN, is being checked', async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const url = new URL(`${server.issuer}/api/v2/oauth2/auth/?${new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: redirectUri })}`);
    const asked = await device.scan((await openLoginPage(server, url)).appLink);
    const number = await numberOnScreen(server, asked.id);
    for (let attempt = 0; attempt < 4; attempt++) expect((await refusal(device.approve(asked.id, number, '11223344')))?.code).toBe('pin_rejected');

    // The right PIN takes the last attempt and, checked, waits to record its approval: the sign-in's row is held.
    const holder = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from login_transactions where id = $1 for update', [asked.id]);
      const right = device.approve(asked.id, number, testPin);
      await lockWaiters(holder, 1);
      // Meanwhile a wrong PIN finds no attempt left and is refused unchecked.
      expect((await refusal(device.approve(asked.id, number, '11223344')))?.code).toBe('pin_rejected');
      await holder.query('commit');
      expect((await right).status).toBe('approved');
    } finally {
      await holder.end();
    }

    const events = (await entriesOf(citizen)).map((e) => (e.kind === 'event' ? e.event : e.kind));
    expect(events).toEqual(['device_enrolled', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'approved']);
    const stored = await server.database.db.selectFrom('devices').select('failed_pin_attempts').where('id', '=', device.deviceId!).executeTakeFirstOrThrow();
    expect(stored.failed_pin_attempts).toBe(0);
  });
});
