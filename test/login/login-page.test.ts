import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLoginPage, startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/** The status line's Thai words: before the English, which the page marks as English. */
const thaiStatus = (page: string) => /id="login-status"[^>]*>([^<]*)<span lang="en">/.exec(page)?.[1]?.replace(/ · $/, '') ?? '';

describe('the login page of a code that was cancelled', () => {
  it('says in Thai, as in English, why: the phone that scanned it is no longer registered, or the sign-in was cancelled', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await server.database.db
      .updateTable('login_transactions')
      .set({ status: 'cancelled' })
      .where('interaction_uid', '=', login.loginPath.split('/').at(-1)!)
      .execute();
    const page = await login.browser.get(login.loginPath).expect(200);
    expect(page.text).toContain('the phone that scanned it is no longer registered');
    const thai = thaiStatus(page.text);
    expect(thai).toMatch(/^ยกเลิกแล้ว/);
    expect(thai).toContain('โทรศัพท์ที่สแกน');
    expect(thai).toContain('ยกเลิกการเข้าสู่ระบบ');
  });
});
