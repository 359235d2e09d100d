import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, loginPathOf, openLoginPage, startRelyingPartyLogin, startServerWithDevice, testPin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import type { TestServer } from '../support/server.ts';
import { refusal } from '../support/http.ts';
import { followStatusStream } from '../support/status-stream.ts';
import { openLogin } from '../../src/login/transactions.ts';

let server: TestServer;
let device: VirtualDevice;
beforeAll(async () => {
  ({ server, device } = await startServerWithDevice());
});
afterAll(() => server?.dispose());


async function newLogin(scope = 'openid pid') {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], scope);
  return { rp, login: await openLoginPage(server, rp.url) };
}

const failedPinAttempts = async (of: VirtualDevice) =>
  (await server.database.db.selectFrom('devices').select('failed_pin_attempts').where('id', '=', of.requireDeviceId()).executeTakeFirstOrThrow())
    .failed_pin_attempts;

const cookiesOf = (login: Awaited<ReturnType<typeof openLoginPage>>) =>
  login.browser.jar.getCookies({ domain: '127.0.0.1', path: login.loginPath, secure: false, script: false }).toValueString();

describe('a login transaction', () => {
  it('streams its status to the waiting browser until the device has answered', async () => {
    const { login } = await newLogin();
    const stream = followStatusStream(`${server.url}${login.loginPath}/events`, cookiesOf(login));
    expect(await stream.first).toBe('pending');
    const scanned = await device.scan(login.appLink);
    await device.approve(scanned.id, login.matchNumber, testPin);
    expect((await stream.ended).statuses).toEqual(['pending', 'scanned', 'approved']);
  });

  it('is single-use: a second scan of the same QR code is refused', async () => {
    const { login } = await newLogin();
    await device.scan(login.appLink);
    const other = await enrolledDevice(server, demoPersonas[1]!);
    expect(await refusal(other.scan(login.appLink))).toMatchObject({ status: 409, code: 'login_already_used' });
    expect(await refusal(device.scan(login.appLink))).toMatchObject({ status: 409, code: 'login_already_used' });
  });

  it('cannot be answered by a device that did not scan it, which spends no PIN attempt on it', async () => {
    const { login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    const other = await enrolledDevice(server, demoPersonas[2]!);
    expect(await refusal(other.approve(scanned.id, login.matchNumber, '13572468'))).toMatchObject({ status: 404 });
    expect(await failedPinAttempts(other)).toBe(0);
  });

  it('expires after three minutes: it can no longer be scanned or approved, and the page offers a new QR code', async () => {
    const { login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('id', '=', scanned.id)
      .execute();
    expect(await refusal(device.approve(scanned.id, login.matchNumber, '13572468'))).toMatchObject({ status: 410, code: 'login_expired' });
    expect(await failedPinAttempts(device)).toBe(0);
    const page = await login.browser.get(login.loginPath).expect(200);
    expect(page.text).toContain('The QR code has expired');
    await login.browser.post(`${login.loginPath}/renew`).expect(303);
    const renewed = await login.browser.get(login.loginPath).expect(200);
    const newLink = /class="app-link" href="([^"]+)"/.exec(renewed.text)?.[1];
    expect(newLink).toBeDefined();
    expect(newLink).not.toBe(login.appLink);
  });

  it('in its last seconds, is replaced by a new QR code from the page, and the old code ends; a fresh one is not replaced', async () => {
    const { login } = await newLogin();
    const renew = () => login.browser.post(`${login.loginPath}/renew`).expect(303);
    const shortCodeShown = async () => /class="short-code">([^<]+)</.exec((await login.browser.get(login.loginPath).expect(200)).text)?.[1];
    await renew();
    expect(await shortCodeShown()).toBe(login.shortCode);
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: sql`now() + interval '20 seconds'` })
      .where('interaction_uid', '=', login.loginPath.split('/').pop()!)
      .execute();
    // A page drawn now, as the reload without JavaScript draws it, warns and offers the new code itself.
    const warned = (await login.browser.get(login.loginPath).expect(200)).text;
    expect(warned).toContain('<span class="expiry-warning">QR code นี้จะหมดอายุภายใน 30 วินาที');
    expect(warned).toMatch(/<form class="renew" method="post" action="[^"]+" >/);
    await renew();
    const renewed = await shortCodeShown();
    expect(renewed).not.toBe(login.shortCode);
    // The phone is told why, and where to look.
    expect(await refusal(device.scan(login.shortCode))).toMatchObject({
      status: 409,
      code: 'login_already_used',
      message: 'This code was cancelled, or replaced by a new QR code in the browser. Scan the QR code the screen shows now.',
    });
    // A second press of the button finds the new code fresh.
    await renew();
    expect(await shortCodeShown()).toBe(renewed);
  });

  it('near the end of the whole sign-in, keeps its code, as a new one would end no later, and says the sign-in ends', async () => {
    const { login } = await newLogin();
    const uid = login.loginPath.split('/').pop()!;
    await server.database.db.updateTable('login_transactions').set({ expires_at: sql`now() + interval '20 seconds'` }).where('interaction_uid', '=', uid).execute();
    // The interaction, and so the sign-in, ends 25 seconds from now.
    await sql`update oidc_payloads set payload = cast(jsonb_set(cast(payload as jsonb), '{exp}', to_jsonb(cast(extract(epoch from now()) as integer) + 25)) as json)
      where model = 'Interaction' and id = ${uid}`.execute(server.database.db);
    const page = (await login.browser.get(login.loginPath).expect(200)).text;
    expect(page).toContain('This sign-in ends within 30 seconds; if that is not enough, start again from the service you are signing in to');
    expect(page).toMatch(/<form class="renew"[^>]* hidden>/);
    expect(page).toContain('data-renewable="false"');
    await login.browser.post(`${login.loginPath}/renew`).expect(303);
    expect(/class="short-code">([^<]+)</.exec((await login.browser.get(login.loginPath).expect(200)).text)?.[1]).toBe(login.shortCode);
  });

  it('in its last seconds after a scan, is not replaced, and the page says to answer on the phone', async () => {
    const { login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: sql`now() + interval '20 seconds'` })
      .where('interaction_uid', '=', login.loginPath.split('/').pop()!)
      .execute();
    const page = (await login.browser.get(login.loginPath).expect(200)).text;
    expect(page).toContain('Approve with your PIN on the phone within 30 seconds, before this code expires');
    expect(page).toMatch(/<form class="renew"[^>]* hidden>/);
    await login.browser.post(`${login.loginPath}/renew`).expect(303);
    // The citizen's answer still lands on the code they scanned.
    await device.approve(scanned.id, login.matchNumber, testPin);
    await login.continueToRelyingParty();
  });

  it('never outlives the sign-in it belongs to', async () => {
    const interactionEndsAt = Math.floor(Date.now() / 1000) + 30;
    const login = await openLogin(server.database.db, {
      interactionUid: `ends-soon-${Date.now()}`,
      interactionExpiresAt: interactionEndsAt,
      clientId: demo.clientId,
      scopes: ['openid'],
      browser: { device: 'desktop', browser: 'Firefox 133', os: 'Linux', network: '192.0.2.0/24' },
    });
    expect(login.expires_at.getTime()).toBeLessThanOrEqual(interactionEndsAt * 1000);
  });

  it('carries the browser on from a final status whose answer the interaction does not carry yet', async () => {
    const { rp, login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    // Only the status changes here, as if the answer had not been written: the browser's next request writes it.
    await server.database.db.updateTable('login_transactions').set({ status: 'approved' }).where('id', '=', scanned.id).execute();
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
  });

  it('cannot be finished by another browser', async () => {
    const { login } = await newLogin();
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const { default: request } = await import('supertest');
    const stranger = await request(server.url).get(login.loginPath).set('accept', 'application/json');
    expect(stranger.status).toBe(400);
    expect(stranger.body.error).toBe('session_not_found');
  });

  it('an unknown short code is answered with 404 and a hint', async () => {
    expect(await refusal(device.scan('ZZZZ-ZZZZ'))).toMatchObject({ status: 404 });
    expect(await refusal(device.scan('not a code'))).toMatchObject({ status: 400 });
  });
});

/** The stored interaction of the login page at `loginPath`, as oidc-provider will read it. */
async function interactionRowOf(loginPath: string) {
  const row = await server.database.db
    .selectFrom('oidc_payloads')
    .select('payload')
    .where('model', '=', 'Interaction')
    .where('id', '=', loginPath.split('/').at(-1)!)
    .executeTakeFirstOrThrow();
  return row.payload as { result?: Record<string, any>; params: Record<string, unknown>; returnTo: string };
}

const grantRows = async () =>
  Number((await server.database.db.selectFrom('oidc_payloads').select((eb) => eb.fn.countAll().as('n')).where('model', '=', 'Grant').executeTakeFirstOrThrow()).n);

describe('the device’s answer', () => {
  it('is only the transaction’s: the browser coming back makes it the interaction’s result, with a grant of exactly the approved scopes', async () => {
    const { rp, login } = await newLogin('openid pid name');
    const grantsBefore = await grantRows();
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    expect((await interactionRowOf(login.loginPath)).result).toBeUndefined();
    expect(await grantRows()).toBe(grantsBefore);

    // The page is at the address where the authorization resumes: the browser's next visit stores the result and
    // the grant, and the provider resumes from them in the same request, carrying the browser on.
    expect((await interactionRowOf(login.loginPath)).returnTo).toBe(`${server.issuer}${login.loginPath}`);
    const reload = await login.browser.get(login.loginPath).expect(303);
    expect(reload.headers.location).toMatch(new RegExp(`^${demo.redirectUris[0]}\\?code=`));
    expect(await grantRows()).toBe(grantsBefore + 1);
    const tokens = await rp.finish(reload.headers.location as string);
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
    expect(tokens.scope).toBe('openid pid name');
  });

  it('gives the relying party one code and the citizen one grant, even when the page reloads at once many times', async () => {
    const { login } = await newLogin('openid pid');
    const grantsBefore = await grantRows();
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    // The browser's cookies, sent by requests that leave at the same moment.
    const cookie = (login.page.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const reloads = await Promise.all(
      Array.from({ length: 8 }, () => fetch(`${server.url}${login.loginPath}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' })),
    );
    const codes = reloads.filter((r) => r.status === 303 && /[?&]code=/.test(r.headers.get('location') ?? ''));
    expect(codes).toHaveLength(1);
    expect(reloads.every((r) => r.status === 303 || r.status === 400)).toBe(true);
    expect(await grantRows()).toBe(grantsBefore + 1);
  });

  it('is not used up by a HEAD request to the page, which changes nothing', async () => {
    const { rp, login } = await newLogin();
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const head = await login.browser.head(login.loginPath).expect(200);
    expect(head.headers.location).toBeUndefined();
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
  });

  it('a refusal reaches the relying party as access_denied, saying the citizen refused', async () => {
    const { login } = await newLogin();
    await device.deny((await device.scan(login.appLink)).id);
    const callback = new URL(await login.continueToRelyingParty());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toBe('The citizen refused the request on their ThaID device');
  });
});

describe('the steps a device signs', () => {
  const sendSigned = async (signed: { url: string; init: RequestInit }) => {
    const response = await fetch(signed.url, signed.init);
    return { status: response.status, body: (await response.json()) as { error?: string } };
  };
  const loginStatus = async (loginPath: string) =>
    (
      await server.database.db
        .selectFrom('login_transactions')
        .select('status')
        .where('interaction_uid', '=', loginPath.split('/').at(-1)!)
        .executeTakeFirstOrThrow()
    ).status;
  const noticesOf = async (loginId: string) =>
    server.database.db
      .selectFrom('device_notifications')
      .select(['kind', 'message_th', 'message_en', 'details'])
      .where(sql<boolean>`details ->> 'loginId' = ${loginId}`)
      .execute();

  it('a scan leaves the citizen a notice naming who asks for which data, in Thai and English', async () => {
    // Asked for out of their order: the notice lists the data items in the order the device shows them.
    const { login } = await newLogin('openid name pid');
    const asked = await device.scan(login.appLink);
    expect(await noticesOf(asked.id)).toEqual([
      {
        kind: 'data_request',
        message_th: `${asked.agency.th} (${asked.system}) ขอข้อมูลของคุณ: เลขประจำตัวประชาชน, ชื่อ-นามสกุล (ภาษาไทย)`,
        message_en: `${asked.agency.en} (${asked.system}) asks for your data: Citizen ID number, Full name (Thai)`,
        details: { loginId: asked.id, clientId: demo.clientId, scopes: ['openid', 'name', 'pid'] },
      },
    ]);
    const onlySignIn = await device.scan((await newLogin('openid')).login.appLink);
    expect(await noticesOf(onlySignIn.id)).toMatchObject([
      {
        message_th: `${onlySignIn.agency.th} (${onlySignIn.system}) ขอข้อมูลของคุณ: การเข้าสู่ระบบ`,
        message_en: `${onlySignIn.agency.en} (${onlySignIn.system}) asks for your data: sign-in only`,
      },
    ]);
  });

  it('a scan by a device revoked by a new enrolment claims nothing and leaves no notice', async () => {
    const oldPhone = await enrolledDevice(server, demoPersonas[3]!);
    await enrolledDevice(server, demoPersonas[3]!);
    const { login } = await newLogin();
    expect(await refusal(oldPhone.scan(login.appLink))).toMatchObject({ status: 401, code: 'device_revoked' });
    expect(await loginStatus(login.loginPath)).toBe('pending');
    const notices = await server.database.db.selectFrom('device_notifications').select('id').where('device_id', '=', oldPhone.requireDeviceId()).where('kind', '=', 'data_request').execute();
    expect(notices).toEqual([]);
  });

  it('a replayed request is refused as replayed, even when its body would be refused too', async () => {
    const nonce = 'malformed-scan-nonce-0001';
    expect((await sendSigned(await device.signedRequest('GET', '/me', undefined, 'device', { nonce }))).status).toBe(200);
    const replayed = await sendSigned(await device.signedRequest('POST', '/logins/scan', { code: 'not a code' }, 'device', { nonce }));
    expect(replayed).toMatchObject({ status: 401, body: { error: 'replayed_request' } });
    const fresh = await sendSigned(await device.signedRequest('POST', '/logins/scan', { code: 'not a code' }));
    expect(fresh).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('a scan whose nonce was used before claims nothing and leaves no notice', async () => {
    const { login } = await newLogin();
    const nonce = 'scan-nonce-used-once-0001';
    expect((await sendSigned(await device.signedRequest('GET', '/me', undefined, 'device', { nonce }))).status).toBe(200);
    const replayed = await sendSigned(await device.signedRequest('POST', '/logins/scan', { code: login.appLink }, 'device', { nonce }));
    expect(replayed).toMatchObject({ status: 401, body: { error: 'replayed_request' } });
    expect(await loginStatus(login.loginPath)).toBe('pending');
    const claimedLater = await device.scan(login.appLink);
    expect(await noticesOf(claimedLater.id)).toHaveLength(1);
  });

  it('an approval whose nonce was used before spends no PIN attempt and approves nothing', async () => {
    const { login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    const nonce = 'approve-nonce-used-once-01';
    expect((await sendSigned(await device.signedRequest('GET', '/me', undefined, 'device', { nonce }))).status).toBe(200);
    for (const pin of ['13572468', testPin]) {
      const replayed = await sendSigned(await device.signedRequest('POST', `/logins/${scanned.id}/approve`, { pin, integrity: 'intact' }, 'device', { nonce }));
      expect(replayed).toMatchObject({ status: 401, body: { error: 'replayed_request' } });
    }
    expect(await failedPinAttempts(device)).toBe(0);
    expect(await loginStatus(login.loginPath)).toBe('scanned');
  });
});

describe('a relying party suspended while the citizen holds its request', () => {
  it('cannot be approved: the PIN is not even checked and nothing is released', async () => {
    const { createRelyingParty } = await import('../support/relying-party.ts');
    const oidcClient = await import('openid-client');
    const rp = await createRelyingParty(server, { redirectUris: ['https://rp.example.test/cb'], scopes: ['pid'] });
    const config = await oidcClient.discovery(new URL(server.issuer), rp.clientId, rp.clientSecret, oidcClient.ClientSecretBasic(rp.clientSecret!), {
      execute: [oidcClient.allowInsecureRequests],
    });
    const start = await startRelyingPartyLogin(config, rp.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(server, start.url);
    const scanned = await device.scan(login.appLink);
    await server.database.db.updateTable('agency_systems').set({ status: 'suspended' }).where('client_id', '=', rp.clientId).execute();
    expect(await refusal(device.approve(scanned.id, login.matchNumber, testPin))).toMatchObject({ status: 403, code: 'relying_party_inactive' });
    expect((await login.browser.get(`${login.loginPath}/status`)).body.status).toBe('scanned');
    expect(await failedPinAttempts(device)).toBe(0);
  });
});

describe('a login page loaded many times at once', () => {
  it('opens a single transaction, even when its interaction has none yet', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const browser = request.agent(server.url);
    const loginPath = loginPathOf((await browser.get(`${rp.url.pathname}${rp.url.search}`).expect(200)).text);
    // The authorization endpoint's page opened one; an interaction started elsewhere (a resume that starts over)
    // comes to its page without.
    await server.database.db.deleteFrom('login_transactions').where('interaction_uid', '=', loginPath.split('/').at(-1)!).execute();
    const pages = await Promise.all(Array.from({ length: 8 }, () => browser.get(loginPath).expect(200)));
    const shortCodes = new Set(pages.map((page) => /class="short-code">([^<]+)</.exec(page.text)?.[1]));
    expect(shortCodes.size).toBe(1);
    const opened = await server.database.db
      .selectFrom('login_transactions')
      .select('id')
      .where('interaction_uid', '=', loginPath.split('/').at(-1)!)
      .execute();
    expect(opened).toHaveLength(1);
  });

  it('still has a single open transaction', async () => {
    const { login } = await newLogin();
    await Promise.all(Array.from({ length: 8 }, () => login.browser.get(login.loginPath).expect(200)));
    const open = await server.database.db
      .selectFrom('login_transactions')
      .select('id')
      .where('status', 'in', ['pending', 'scanned'])
      .where('interaction_uid', '=', login.loginPath.split('/').at(-1)!)
      .execute();
    expect(open).toHaveLength(1);
  });
});

describe('cancel in the browser and approval on the phone', () => {
  it('when the phone approves first, a later cancel does not take the approval back', async () => {
    const { rp, login } = await newLogin();
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const cancel = await login.browser.post(`${login.loginPath}/cancel`).expect(303);
    expect(cancel.headers.location).toContain('/api/v2/oauth2/auth/');
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
  });

  it('when the sign-in expired unanswered, a cancel tells the relying party it expired, not that the citizen refused', async () => {
    const { login } = await newLogin();
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('interaction_uid', '=', login.loginPath.split('/').at(-1)!)
      .execute();
    const cancel = await login.browser.post(`${login.loginPath}/cancel`).expect(303);
    const resumed = await login.browser.get(cancel.headers.location!.replace(server.issuer, ''));
    const callback = new URL(resumed.headers.location as string);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toBe('The sign-in expired before the citizen answered on their ThaID device');
  });

  it('when the browser cancels first, the phone’s approval is refused', async () => {
    const { login } = await newLogin();
    const scanned = await device.scan(login.appLink);
    await login.browser.post(`${login.loginPath}/cancel`).expect(303);
    expect(await refusal(device.approve(scanned.id, login.matchNumber, testPin))).toMatchObject({ status: 409, code: 'login_already_used' });
  });
});
