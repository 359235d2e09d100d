import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import type { LoginShownOnDevice } from '../../src/login/device-answers.ts';
import { appLinkOf, loginPathOf, matchNumberOf, testPin } from './browser-login.ts';
import type { TestServer } from './server.ts';

/**
 * The browser's and the citizen's half of a sign-in a relying party started: the browser opens the provider's
 * authorization URL, which answers with the login page; the citizen's device scans the page's app link and
 * approves with the PIN; the browser reloads the page, as one without JavaScript does, until the provider sends it
 * on. Returns where it was sent: the relying party's redirect URI with the code. When the provider sends the
 * browser back at once instead (an error such as invalid_scope), that is returned, and the device is not asked.
 */
export async function approveSignIn(
  server: TestServer,
  authorizationUrl: string | URL,
  device: VirtualDevice,
  pin = testPin,
): Promise<{ callback: URL; asked?: LoginShownOnDevice }> {
  const browser = request.agent(server.url);
  const issuer = new URL(server.issuer);
  // Follows the provider's own redirects; the first address elsewhere is the relying party's.
  const open = async (url: URL): Promise<request.Response | URL> => {
    for (let response = await browser.get(`${url.pathname}${url.search}`); ; ) {
      if (response.status !== 302 && response.status !== 303) return response;
      const next = new URL(response.headers.location as string, issuer);
      if (next.origin !== issuer.origin) return next;
      response = await browser.get(`${next.pathname}${next.search}`);
    }
  };

  const url = new URL(authorizationUrl);
  if (url.origin !== issuer.origin) throw new Error(`The relying party sent the browser elsewhere: ${url.href}`);
  const page = await open(url);
  if (page instanceof URL) return { callback: page };
  if (page.status !== 200) throw new Error(`The authorization endpoint answered ${page.status}, not the login page: ${page.text}`);
  const loginPath = loginPathOf(page.text);
  const appLink = appLinkOf(page.text);
  if (!appLink) throw new Error('The login page shows no app link');

  const asked = await device.scan(appLink);
  await device.approve(asked.id, matchNumberOf(page.text), pin);
  const after = await open(new URL(loginPath, issuer));
  if (!(after instanceof URL)) throw new Error(`The browser was not sent on to the relying party (status ${after.status})`);
  return { callback: after, asked };
}

/**
 * A browser at a relying party's web application: it follows the app's sign-in link to the provider, the citizen
 * approves, and the browser comes back to the app's callback with the app's own cookies (its session, which holds
 * the state and nonce). Returns the app's answer to the callback and what the device was asked.
 */
export async function signInAtRelyingPartyApp(
  server: TestServer,
  appUrl: string,
  device: VirtualDevice,
  startPath = '/login',
): Promise<{ response: request.Response; callback: URL; asked?: LoginShownOnDevice; authorizationUrl: URL }> {
  const browser = request.agent(appUrl);
  const start = await browser.get(startPath);
  if (start.status !== 302 && start.status !== 303) throw new Error(`${startPath} answered ${start.status}, not a redirect: ${start.text}`);
  const authorizationUrl = new URL(start.headers.location as string, appUrl);
  const { callback, asked } = await approveSignIn(server, authorizationUrl, device);
  if (callback.origin !== new URL(appUrl).origin) throw new Error(`The provider sent the browser elsewhere: ${callback.href}`);
  const response = await browser.get(`${callback.pathname}${callback.search}`);
  return { response, callback, asked, authorizationUrl };
}

export interface RunningApp {
  url: string;
  /** What the process has written to stdout and stderr so far, to show when a test fails. */
  output(): string;
  /** Stops the process and waits until it has exited. */
  stop(): Promise<void>;
}

const setpriv = '/usr/bin/setpriv';

/** Starts a relying party's web application as a child process and waits until it answers HTTP on `port`. */
export async function startRelyingPartyApp(app: {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath?: string;
}): Promise<RunningApp> {
  // Where util-linux's setpriv is there (any Debian), the app is sent SIGTERM when the test process dies without
  // stopping it (a killed run), so no app outlives its test.
  const [command, args] = fs.existsSync(setpriv)
    ? [setpriv, ['--pdeathsig', 'TERM', '--', app.command, ...app.args]]
    : [app.command, app.args];
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Everything here is on loopback: a proxy from the surrounding environment must not take these requests.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      ...app.env,
    },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) child.kill('SIGTERM');
    const killLater = setTimeout(() => running() && child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killLater);
  };

  const url = `http://127.0.0.1:${app.port}`;
  for (let started = Date.now(); ; await sleep(50)) {
    const answered = await fetch(`${url}${app.readyPath ?? '/'}`, { redirect: 'manual' }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { url, output: () => output, stop };
    if (!running() || Date.now() - started > 15_000) {
      await stop();
      throw new Error(`${app.name} did not start on port ${app.port}. Its output:\n${output}`);
    }
  }
}
