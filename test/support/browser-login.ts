import * as oidc from 'openid-client';
import request from 'supertest';
import type { Citizen } from '../../src/registry/citizen.ts';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { faceSampleFor, type FaceMatch } from '../../src/devices/face-samples.ts';
import { startTestServer, testAdminToken, type TestServer } from './server.ts';

/** A relying party's half of a login: the authorization URL it sends the browser to, and how to finish. */
export async function startRelyingPartyLogin(config: oidc.Configuration, redirectUri: string, scope: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return {
    url,
    finish: (callback: string) =>
      oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }),
  };
}

/** A browser (a cookie-keeping HTTP agent) that follows the sign-in to the login page and reads what it shows. */
export async function openLoginPage(server: TestServer, authorizationUrl: URL) {
  const browser = request.agent(server.url);
  // The authorization endpoint answers with the login page itself.
  const page = await browser.get(`${authorizationUrl.pathname}${authorizationUrl.search}`).expect(200);
  const loginPath = loginPathOf(page.text);
  const appLink = appLinkOf(page.text);
  const shortCode = /class="short-code">([^<]+)</.exec(page.text)?.[1];
  if (!appLink || !shortCode) throw new Error('The login page shows no app link or short code');
  return {
    browser,
    loginPath,
    page,
    appLink,
    shortCode,
    /** The number the citizen picks on the phone, as the page shows it. */
    matchNumber: matchNumberOf(page.text),
    /** Reloads the login page as a browser without JavaScript would, following redirects to the relying party. */
    async continueToRelyingParty(): Promise<string> {
      let response = await browser.get(loginPath);
      while (response.status === 303 || response.status === 302) {
        const location = response.headers.location as string;
        if (!location.startsWith('/') && !location.startsWith(server.issuer)) return location;
        response = await browser.get(location.replace(server.issuer, ''));
      }
      throw new Error(`The browser was not sent on to the relying party (status ${response.status})`);
    },
  };
}

export const testPin = '40718263';

/** The login page's own address, where the authorization resumes. */
export const loginPageLocation = /^\/api\/v2\/oauth2\/auth\/[\w-]+$/;

/** The link the login page's QR code holds (the app link), if the page shows one. */
export function appLinkOf(html: string): string | undefined {
  return /class="app-link" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&');
}

/** The number a login page shows for the citizen to pick on the phone. */
export function matchNumberOf(html: string): number {
  const number = /class="match-number">(\d{2})</.exec(html)?.[1];
  if (!number) throw new Error('The login page shows no number to pick');
  return Number(number);
}

/**
 * The number a sign-in's screen shows, read from the database: what the citizen reads off the screen, for a
 * test that drives the device without the page at hand.
 */
export async function numberOnScreen(server: TestServer, loginId: string): Promise<number> {
  const row = await server.database.db.selectFrom('login_transactions').select('match_number').where('id', '=', loginId).executeTakeFirst();
  if (!row?.match_number) throw new Error(`No sign-in ${loginId} shows a number`);
  return row.match_number;
}

/** The address a login page names as its own (where the browser comes back to it); fails on any other page. */
export function loginPathOf(html: string): string {
  const path = /data-page="([^"]+)"/.exec(html)?.[1];
  if (!path || !loginPageLocation.test(path)) throw new Error('This is not a login page: it names no address of its own');
  return path;
}

/** A self-service proof of `citizen`: the card data, and a face sample that passes the face match or fails it. */
export async function selfProof(server: TestServer, citizen: Citizen, face: FaceMatch = 'pass') {
  const faceSample = await faceSampleFor(server.issuer, testAdminToken, citizen.pid, face);
  return { method: 'self' as const, pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate, faceSample };
}

export async function enrolledDevice(server: TestServer, citizen: Citizen, pin = testPin): Promise<VirtualDevice> {
  const device = await VirtualDevice.create(server.issuer);
  await device.enrol({ proof: await selfProof(server, citizen), pin });
  return device;
}

/** A test server with one device enrolled for the first demo citizen: what a file of device or sign-in tests starts from. */
export async function startServerWithDevice(): Promise<{ server: TestServer; device: VirtualDevice }> {
  const server = await startTestServer();
  return { server, device: await enrolledDevice(server, demoPersonas[0]!) };
}
