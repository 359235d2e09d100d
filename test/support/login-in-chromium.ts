import type { Page } from 'playwright-core';
import type * as oidc from 'openid-client';
import { startRelyingPartyLogin } from './browser-login.ts';
import { demo } from './relying-party.ts';

/** Opens a sign-in in a real browser; the relying party's callback is answered in the browser itself. */
export async function openSignIn(page: Page, config: oidc.Configuration, scope: string) {
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], scope);
  let reached: (url: string) => void;
  const callback = new Promise<string>((resolve) => (reached = resolve));
  // In place before the first navigation, so the redirect to the relying party cannot slip past it.
  await page.route('http://localhost:8080/**', async (route) => {
    reached(route.request().url());
    await route.fulfill({ contentType: 'text/plain', body: 'relying party' });
  });
  await page.goto(rp.url.href);
  return { rp, callback };
}
