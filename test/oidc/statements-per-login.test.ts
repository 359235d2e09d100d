import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { statementsDuring } from '../enforcement/statement-trace.ts';

let server: TestServer;
let device: VirtualDevice;
let rp: CreatedRelyingParty;
const redirectUri = 'https://rp.example.test/callback';

beforeAll(async () => {
  server = await startTestServer();
  device = await enrolledDevice(server, await newCitizen(server));
  rp = await createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid', 'name'] });
});
afterAll(() => server?.dispose());

// The tree-head signer runs on its own timer; its statements are not the request's.
const ofTheRequest = (statements: string[]) => statements.filter((s) => !/\bledger_(tree_heads|subtrees|size)\b/.test(s)).map(brief);

/** A statement's verb and the first table it names: "select oidc_payloads", "with login_transactions". */
function brief(statement: string): string {
  const verb = /^\s*(\w+)/.exec(statement)![1]!.toLowerCase();
  // A select's own table, not one of its subqueries'.
  let outer = statement;
  if (verb === 'select') while (/\([^()]*\)/.test(outer)) outer = outer.replace(/\([^()]*\)/g, '');
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(outer)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** One complete login, with the statements each request of it sent. */
async function tracedLogin() {
  const steps: Record<string, string[]> = {};
  const traced = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    let result: T;
    steps[name] = ofTheRequest(await statementsDuring(server.database.db, async () => (result = await work())));
    return result!;
  };
  const url = new URL(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid name', state: 'st' }), server.issuer);
  const page = await traced('authorize', () => openLoginPage(server, url));
  const shown = await device.scan(page.appLink);
  await device.approve(shown.id, page.matchNumber, testPin);
  const callback = await traced('resume', () => page.continueToRelyingParty());
  const code = new URL(callback).searchParams.get('code')!;
  const tokens = await traced('token', () =>
    request(server.url).post('/api/v2/oauth2/token/').auth(rp.clientId, rp.clientSecret!).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).expect(200),
  );
  await traced('userinfo', () => request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.body.access_token}`).expect(200));
  return steps;
}

describe('what a login costs the database, request by request', () => {
  it('reads nothing a request has already read or written: a token comes with its grant and its client', async () => {
    await tracedLogin(); // the statements are prepared and the client built
    const steps = await tracedLogin();

    // The interaction is read once, with its client; the grant and the interaction the page has just stored
    // are not read back when the provider resumes.
    expect(steps['resume']).toEqual([
      'select oidc_payloads', // the interaction, with its client
      'with login_transactions', // the citizen's answer
      'insert oidc_payloads', // the grant
      'with oidc_payloads', // the interaction with its result
      'update oidc_payloads', // the interaction, used up
      'insert oidc_payloads', // the code
    ]);
    // The client is authenticated first; the code's grant comes with the code.
    expect(steps['token']).toEqual([
      'select active_systems', // the client, authenticated
      'select oidc_payloads', // the code, with its grant
      'begin',
      'update oidc_payloads',
      'insert oidc_payloads',
      'insert oidc_payloads',
      'insert ledger_entries',
      'commit',
    ]);
    // The access token with its grant and client, then the disclosure record.
    expect(steps['userinfo']).toEqual(['select oidc_payloads', 'insert ledger_entries']);
  });
});
