import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Citizen } from '../../src/registry/citizen.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { basicAuth } from '../support/http.ts';
import { demo } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const redirectUri = demo.redirectUris[0]!;

async function codeFor(citizen: Citizen): Promise<string> {
  const device = await enrolledDevice(server, citizen);
  const url = new URL(`${server.issuer}/api/v2/oauth2/auth/`);
  url.search = new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: redirectUri }).toString();
  const login = await openLoginPage(server, url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  return new URL(await login.continueToRelyingParty()).searchParams.get('code')!;
}

/**
 * Makes PostgreSQL end the statements that store the provider's records chosen by `when` (a trigger condition on
 * `new`) with the SQLSTATE it gives a deadlock victim (40P01) or a serialization failure (40001): a real error
 * from the real database, at places inside the provider's own endpoints where two connections cannot be lined
 * up from a test.
 */
async function endWritesWith(sqlstate: string, when: string): Promise<() => Promise<void>> {
  const name = `conflict_${sqlstate}_${Math.random().toString(36).slice(2, 10)}`;
  const { db } = server.database;
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected conflict' using errcode = '${sqlstate}'; end $$;
       create trigger ${name} before insert on oidc_payloads for each row when (${when}) execute function ${name}();`,
    )
    .execute(db);
  return async () => {
    await sql.raw(`drop trigger ${name} on oidc_payloads; drop function ${name}();`).execute(db);
  };
}

describe("a transaction conflict inside the provider's own endpoints", () => {
  for (const [what, sqlstate] of [
    ['a deadlock', '40P01'],
    ['a serialization failure', '40001'],
  ] as const) {
    it(`answers ${what} at the token endpoint with 503 temporarily_unavailable and Retry-After, not a 500`, async () => {
      const citizen = await newCitizen(server);
      const code = await codeFor(citizen);
      const restore = await endWritesWith(sqlstate, `new.model = 'AccessToken' and new.account_id = '${citizen.pid}'`);
      try {
        const answer = await request(server.url)
          .post('/api/v2/oauth2/token/')
          .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
          .type('form')
          .send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
        // With PostgreSQL the token endpoint runs in the transaction that records the release, which reports it.
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toMatch(/^\d+$/);
        expect(answer.body.error).toBe('temporarily_unavailable');
        expect(answer.body.error_description).toMatch(/same moment|nothing was released/);
        expect(answer.body).not.toHaveProperty('access_token');
        expect(answer.text).not.toMatch(/injected|at \w+ \(/);
      } finally {
        await restore();
      }
    });

    it(`answers ${what} at the authorization endpoint with a 503 page, not a 500`, async () => {
      const state = `conflict-${sqlstate}`;
      const restore = await endWritesWith(sqlstate, `new.model = 'Interaction' and new.payload->'params'->>'state' = '${state}'`);
      try {
        const url = new URL(`${server.issuer}/api/v2/oauth2/auth/`);
        url.search = new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: redirectUri, state }).toString();
        const answer = await request(server.url).get(url.pathname + url.search).set('accept', 'text/html');
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.headers['location']).toBeUndefined();
        expect(answer.text).toContain('same moment');
        expect(answer.text).not.toMatch(/injected|at \w+ \(/);
      } finally {
        await restore();
      }
    });
  }
});
