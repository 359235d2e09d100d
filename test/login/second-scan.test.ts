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

  it('says nothing of a locked phone to anyone but that phone', async () => {
    const locked = await enrolledDevice(server, await newCitizen(server));
    const other = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const held = await locked.scan(login.appLink);
    for (let i = 0; i < 5; i++) await refusal(locked.approve(held.id, login.matchNumber, '99887766'));

    // Another phone, the browser, and the locked phone's own PIN entries learn nothing of the lock.
    const second = await refusal(other.scan(login.shortCode));
    expect(second).toMatchObject({ status: 409, code: 'login_already_used' });
    expect(second?.message).not.toMatch(/lock/i);
    expect((await login.browser.get(`${login.loginPath}/status`)).body).toMatchObject({ status: 'scanned' });
    expect(await refusal(locked.approve(held.id, login.matchNumber, testPin))).toMatchObject({ code: 'pin_rejected' });
    // The locked phone itself is told, when it reads a new code.
    const next = await openLoginPage(server, (await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid')).url);
    expect(await refusal(locked.scan(next.appLink))).toMatchObject({ status: 403, code: 'device_locked' });
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
