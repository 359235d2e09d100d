import { sql, type Kysely } from 'kysely';
import type { Page } from 'playwright-core';
import type * as oidc from 'openid-client';
import { startRelyingPartyLogin } from './browser-login.ts';
import type { Schema } from '../../src/db/schema.ts';
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

/** Draws the page again with `seconds` left on its open code, as if it had waited out the rest. */
export async function leaveSecondsOnCode(db: Kysely<Schema>, page: Page, seconds: number): Promise<void> {
  const uid = new URL(page.url()).pathname.split('/').pop()!;
  await db
    .updateTable('login_transactions')
    .set({ expires_at: sql`now() + make_interval(secs => ${seconds})` })
    .where('interaction_uid', '=', uid)
    .where('status', 'in', ['pending', 'scanned'])
    .execute();
  await page.reload();
}
