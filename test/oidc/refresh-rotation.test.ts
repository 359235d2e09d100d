import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/** A confidential client's tokens after a citizen's real sign-in. */
async function signedIn() {
  const config = await discoverAsDemoClient(server);
  const device = await enrolledDevice(server, await newCitizen(server));
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  return { config, tokens: await rp.finish(await login.continueToRelyingParty()) };
}

const refusalOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: oidc.ResponseBodyError) => error.error);

describe("a confidential client's refresh token", () => {
  it('is replaced by a new one at every refresh', async () => {
    const { config, tokens } = await signedIn();
    const first = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(first.refresh_token).toBeTruthy();
    expect(new Set([tokens.refresh_token, first.refresh_token, second.refresh_token]).size).toBe(3);
  });

  it('used again after it was replaced, ends the whole grant: its successor and the access tokens stop working', async () => {
    const { config, tokens } = await signedIn();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);

    // Someone replays the refresh token the client had before.
    expect(await refusalOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');

    expect(await refusalOf(oidc.refreshTokenGrant(config, refreshed.refresh_token!))).toBe('invalid_grant');
    const introspected = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(introspected.active).toBe(false);
  });
});
