import type { Page } from 'playwright-core';
import request from 'supertest';
import type { Response } from 'supertest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { appLinkOf, enrolledDevice, loginPathOf, matchNumberOf, testPin } from './browser-login.ts';
import type { TestServer } from './server.ts';

export type ConsoleName = 'staff' | 'agency';

/** A browser signed in to a console: a cookie-keeping agent, the CSRF token its forms carry, and the page it landed on. */
export interface ConsoleBrowser {
  agent: ReturnType<typeof request.agent>;
  /** The session's CSRF token, read from the page's sign-out form. */
  csrfToken: string;
  /** The page the sign-in ended on (the console's home, or the page asked for with `next`): 200, or 403 without a role. */
  page: Response;
  /** The session's cookies as a Cookie header (the cookie and its signature), to replay or tamper with. */
  sessionCookie: string;
  device: VirtualDevice;
}

// One device per citizen and server: enrolling again would revoke the device a test holds.
const devices = new Map<string, Promise<VirtualDevice>>();

/** The citizen's virtual device on this server, enrolled the first time it is needed. */
export function deviceOf(server: TestServer, citizen: Citizen): Promise<VirtualDevice> {
  const key = `${server.issuer} ${citizen.pid}`;
  let device = devices.get(key);
  if (!device) {
    device = enrolledDevice(server, citizen);
    devices.set(key, device);
  }
  return device;
}

const pathAtServer = (server: TestServer, location: string) => {
  if (location.startsWith('/')) return location;
  if (location.startsWith(server.issuer)) return location.slice(server.issuer.length) || '/';
  throw new Error(`The sign-in sent the browser away from the server, to ${location}`);
};

const setCookies = (response: Response): string[] => {
  const header = response.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
};

/** The CSRF token of a console page (every page of a signed-in session has the sign-out form). */
export function csrfTokenOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/**
 * Signs a citizen in to the staff console or the agency portal through the real flow, over HTTP: the console's
 * sign-in sends the agent to the authorization endpoint, which answers with the login page; the citizen's
 * virtual device scans it and approves with the PIN; the agent reloads the page and follows the redirects to the
 * console's callback, where the server redeems the code at its own token endpoint and starts the session.
 */
export async function signInToConsole(
  server: TestServer,
  name: ConsoleName,
  citizen: Citizen,
  options: { device?: VirtualDevice; next?: string } = {},
): Promise<ConsoleBrowser> {
  const agent = request.agent(server.url);
  const device = options.device ?? (await deviceOf(server, citizen));
  const start = await agent.get(`/${name}/login${options.next ? `?${new URLSearchParams({ next: options.next })}` : ''}`);
  if (start.status !== 303) throw new Error(`/${name}/login answered ${start.status}, not a redirect to the sign-in`);
  const loginPage = await agent.get(pathAtServer(server, start.headers.location as string));
  if (loginPage.status !== 200) throw new Error(`The authorization request answered ${loginPage.status}: ${loginPage.text.slice(0, 500)}`);
  const appLink = appLinkOf(loginPage.text);
  if (!appLink) throw new Error('The login page shows no app link');
  await device.approve((await device.scan(appLink)).id, matchNumberOf(loginPage.text), testPin);

  let response = await agent.get(loginPathOf(loginPage.text));
  const sessionCookies = new Map<string, string>();
  for (let hops = 0; response.status === 302 || response.status === 303; hops++) {
    if (hops > 10) throw new Error('The sign-in redirects in a loop');
    for (const cookie of setCookies(response)) {
      const [pair] = cookie.split(';');
      if (pair!.startsWith(`thaid_${name}_session`)) sessionCookies.set(pair!.slice(0, pair!.indexOf('=')), pair!);
    }
    response = await agent.get(pathAtServer(server, response.headers.location as string));
  }
  const csrfToken = csrfTokenOf(response.text);
  if (!csrfToken) throw new Error(`The sign-in did not end on a signed-in page (status ${response.status}): ${response.text.slice(0, 500)}`);
  return { agent, csrfToken, page: response, sessionCookie: [...sessionCookies.values()].join('; '), device };
}

/**
 * Signs a citizen in to a console in a real browser page: it opens the console, which sends it to the login page
 * (QR code and short code), the virtual device approves, and the page's own script carries the browser back to
 * the console. Resolves once the browser shows the console's page. `onLoginPage` runs while the login page shows
 * (to look at it, or take its picture).
 */
export async function signInToConsoleInChromium(
  page: Page,
  server: TestServer,
  name: ConsoleName,
  citizen: Citizen,
  options: { device?: VirtualDevice; onLoginPage?: (page: Page) => Promise<void> } = {},
): Promise<void> {
  const phone = options.device ?? (await deviceOf(server, citizen));
  await page.goto(`${server.issuer}/${name}`);
  const appLink = await page.locator('.app-link').getAttribute('href');
  if (!appLink) throw new Error('The login page shows no app link');
  await options.onLoginPage?.(page);
  const number = Number(await page.locator('.match-number').textContent());
  await phone.approve((await phone.scan(appLink)).id, number, testPin);
  await page.waitForURL((url) => url.origin === new URL(server.issuer).origin && (url.pathname === `/${name}` || url.pathname.startsWith(`/${name}/`)));
  await page.waitForLoadState('load');
}
