import { afterAll, describe, expect, it } from 'vitest';
import { demoRelyingParty } from '../../src/demo/demo-data.ts';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { openLoginPage, selfProof, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { discoverAsDemoClient } from '../support/relying-party.ts';
import type { TestServer } from '../support/server.ts';
import { followStatusStream } from '../support/status-stream.ts';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

const unavailable = ownPostgresUnavailable();
let postgres: OwnPostgres | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  postgres?.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An authorization request of the demo relying party: the client lookup and the interaction are statements. */
const authorize = (base: string) =>
  fetch(
    `${base}/api/v2/oauth2/auth/?${new URLSearchParams({ client_id: demoRelyingParty.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: demoRelyingParty.redirectUris[0]!, state: 's' })}`,
    { redirect: 'manual' },
  ).then(
    async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }),
    () => ({ status: 0, retryAfter: null, body: 'no answer' }),
  );

describe.skipIf(unavailable !== undefined)(`a server whose PostgreSQL restarts under load${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('keeps running, answers 503 with Retry-After while the database is away, and serves again once it is back', async () => {
    postgres = await startOwnPostgres();
    server = await startServerProcess({ databaseUrl: postgres.url, env: { LOG_LEVEL: 'error' } });
    const base = server.url;
    expect((await authorize(base)).status).toBe(200);

    const answers: { status: number; retryAfter: string | null; body: string }[] = [];
    let running = true;
    const load = Array.from({ length: 8 }, async () => {
      while (running) answers.push(await authorize(base));
    });
    await sleep(500);
    postgres.stopNow();
    await sleep(2000);
    postgres.start();
    // Back within a few seconds: the pool opens new connections as requests come.
    let recovered = false;
    for (const deadline = Date.now() + 30_000; !recovered && Date.now() < deadline; await sleep(250)) {
      recovered = (await authorize(base)).status === 200;
    }
    running = false;
    await Promise.all(load);

    expect(server.exitCode(), server.stderr()).toBeNull();
    expect(recovered).toBe(true);
    const answered = new Set(answers.map((a) => a.status));
    // Every answer is the login page or "try again": no other error, no dropped connection.
    expect([...answered].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.retryAfter === '5')).toBe(true);
    expect(refused.every((a) => !/at\s+\S+\s+\(|node_modules/.test(a.body))).toBe(true);

    // LISTEN came back too: a waiting login page hears of the approval through NOTIFY, well before its own recheck.
    const asServer = { url: base, issuer: base } as TestServer;
    const citizen = demoPersonas[0]!;
    const device = await VirtualDevice.create(base);
    await device.enrol({ proof: await selfProof(asServer, citizen), pin: testPin }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the server's log: ${server!.stderr().slice(-3000)}`);
    });
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(asServer), demoRelyingParty.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(asServer, rp.url);
    const cookies = login.browser.jar.getCookies({ domain: '127.0.0.1', path: login.loginPath, secure: false, script: false }).toValueString();
    const stream = followStatusStream(`${base}${login.loginPath}/events`, cookies);
    expect(await stream.first).toBe('pending');
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const approvedAt = Date.now();
    const { statuses, at } = await stream.ended;
    expect(statuses.at(-1)).toBe('approved');
    expect(at - approvedAt).toBeLessThan(4000);
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(citizen.pid);
  }, 120_000);
});
