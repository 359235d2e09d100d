import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { storedIdOf } from '../../src/oidc/payload-statements.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Every refused grant answers alike, so that a caller learns nothing from it; the server's log, at the level it
 * logs by default, tells the developer why.
 */

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

const callback = 'https://rp.example.test/callback';
const otherCallback = 'https://rp.example.test/other-callback';
let server: TestServer;
let device: VirtualDevice;
let rp: CreatedRelyingParty;
beforeAll(async () => {
  server = await startTestServer({ logger: pino({ level: 'info' }, sink) });
  device = await enrolledDevice(server, await newCitizen(server));
  rp = await createRelyingParty(server, { redirectUris: [callback, otherCallback], scopes: ['pid'] });
});
afterAll(() => server?.dispose());

async function codeFor(redirectUri: string): Promise<string> {
  const login = await openLoginPage(server, new URL(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid' }), server.issuer));
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  return new URL(await login.continueToRelyingParty()).searchParams.get('code')!;
}

const redeem = (code: string, redirectUri: string) =>
  request(server.url).post('/api/v2/oauth2/token/').auth(rp.clientId, rp.clientSecret!).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });

const sameAnswerForEveryRefusal = { error: 'invalid_grant', error_description: 'grant request is invalid' };

/** The log lines about this client's refused grants. */
const refusalsLogged = () =>
  lines
    .map((line) => JSON.parse(line) as { level: number; clientId?: string; reason?: string; msg: string })
    .filter((entry) => entry.clientId === rp.clientId && entry.reason !== undefined);

describe('a refused grant at the token endpoint', () => {
  it('used a second time, is answered as every refusal is, and the log says the code was used already', async () => {
    const code = await codeFor(callback);
    await redeem(code, callback).expect(200);
    const before = refusalsLogged().length;

    expect((await redeem(code, callback).expect(400)).body).toEqual(sameAnswerForEveryRefusal);

    const [logged] = refusalsLogged().slice(before);
    expect(logged).toMatchObject({ level: pino.levels.values['warn'], reason: 'authorization code already consumed' });
    expect(logged!.msg).toContain(rp.clientId);
    expect(lines.join('\n')).not.toContain(code);
  });

  it('past its lifetime, is answered alike, and the log says the code is unknown or expired', async () => {
    const code = await codeFor(callback);
    await server.database.db
      .updateTable('oidc_payloads')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('model', '=', 'AuthorizationCode')
      .where('id', '=', storedIdOf('AuthorizationCode', code))
      .execute();
    const before = refusalsLogged().length;

    expect((await redeem(code, callback).expect(400)).body).toEqual(sameAnswerForEveryRefusal);

    expect(refusalsLogged().slice(before)).toEqual([expect.objectContaining({ reason: 'authorization code not found (never issued, or past its lifetime)' })]);
  });

  it('with another redirect_uri than the authorization had, is answered alike, and the log names the mismatch', async () => {
    const code = await codeFor(callback);
    const before = refusalsLogged().length;

    expect((await redeem(code, otherCallback).expect(400)).body).toEqual(sameAnswerForEveryRefusal);

    expect(refusalsLogged().slice(before)).toEqual([expect.objectContaining({ reason: 'authorization code redirect_uri mismatch' })]);
    expect(lines.join('\n')).not.toContain(code);
  });
});
