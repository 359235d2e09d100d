import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

describe('a second phone scanning a sign-in another phone holds', () => {
  it('is refused, and the citizen holding it is told before answering; their approval still works', async () => {
    const holder = await enrolledDevice(server, await newCitizen(server));
    const other = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const held = await holder.scan(login.appLink);

    expect(await refusal(other.scan(login.appLink))).toMatchObject({ status: 409, code: 'login_already_used' });
    expect(await refusal(other.scan(login.shortCode))).toMatchObject({ status: 409, code: 'login_already_used' });

    const warnings = (await holder.notifications()).notifications.filter((n) => n.kind === 'second_scan');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.en).toContain(`Another phone scanned the request of ${demo.nameEn}`);
    expect(warnings[0]!.details).toMatchObject({ loginId: held.id });
    expect((await other.notifications()).notifications.filter((n) => n.kind === 'second_scan')).toEqual([]);

    await holder.approve(held.id, login.matchNumber, testPin);
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBeTruthy();
  });

  it('tells no one when the phone scanning again is the one holding it', async () => {
    const holder = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await holder.scan(login.appLink);
    await refusal(holder.scan(login.appLink));
    expect((await holder.notifications()).notifications.filter((n) => n.kind === 'second_scan')).toEqual([]);
  });
});
