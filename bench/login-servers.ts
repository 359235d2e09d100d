/**
 * What the login benchmarks share: the emulator on a scratch PostgreSQL database and the bare oidc-provider
 * baseline, each in its own process, and one complete login against each as a browser, a device and a
 * relying party would make it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { faceSampleFor } from '../src/devices/face-samples.ts';
import { VirtualDevice } from '../src/devices/virtual-device.ts';
import { generateCitizen } from '../src/registry/generate.ts';
import { REGISTRY_REFERENCE_DATE } from '../src/registry/seed.ts';
import { scratchDatabase } from './support.ts';

const redirectUri = 'http://localhost:8080/callback';
const pin = '40718263';
const registrySeed = 2567;

/** Runs `run` as one named step of a login; a benchmark may measure each step. */
export type Step = <T>(name: string, run: () => Promise<T>) => Promise<T>;
const unmeasured: Step = (_name, run) => run();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startProcess(script: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, script, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    if (await fetch(readyUrl).then((r) => r.status < 500, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`${script.join(' ')} did not start`);
}

const nodeOptions = (options: string | undefined): Record<string, string> => (options ? { NODE_OPTIONS: options } : {});

/** Just enough of a browser: follows nothing by itself, keeps cookies per path-less jar. */
class Browser {
  readonly #cookies = new Map<string, string>();
  async get(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      this.#cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }
}

/** A redirect the browser follows; its body is not read. */
async function redirectOf(response: Response, base: string): Promise<URL> {
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location, base);
}

function codeOf(callback: URL): string {
  const code = callback.searchParams.get('code');
  if (!callback.href.startsWith(redirectUri) || !code) throw new Error(`expected the relying party's callback with a code: ${callback.href}`);
  return code;
}

async function exchange(step: Step, base: string, paths: { token: string; userinfo: string }, client: { id: string; secret: string }, code: string) {
  const tokens = await step('token', async () => {
    const response = await fetch(`${base}${paths.token}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    return (await response.json()) as { access_token?: string };
  });
  if (!tokens.access_token) throw new Error(`token request failed: ${JSON.stringify(tokens)}`);
  await step('userinfo', async () => {
    const userinfo = await fetch(`${base}${paths.userinfo}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (!userinfo.ok) throw new Error(`userinfo failed: ${userinfo.status}`);
    await userinfo.json();
  });
}

const authorizeQuery = (clientId: string) =>
  new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid pid name', redirect_uri: redirectUri, state: 'bench-state', nonce: 'bench-nonce' });

/** A bare oidc-provider process and one complete login against it. */
interface Baseline {
  process: ChildProcess;
  login(step?: Step): Promise<void>;
}

/** Starts the bare oidc-provider, its storage in memory or, with `databaseUrl`, in PostgreSQL. */
async function startBaseline(databaseUrl?: string): Promise<Baseline> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startProcess(
    [path.resolve('bench/baseline-provider.ts')],
    { ...nodeOptions(process.env.BENCH_BASELINE_NODE_OPTIONS), PORT: String(port), ...(databaseUrl ? { BASELINE_DATABASE_URL: databaseUrl } : {}) },
    `${base}/.well-known/openid-configuration`,
  );
  return {
    process: child,
    async login(step = unmeasured) {
      const browser = new Browser();
      const interaction = await step('authorize', async () => redirectOf(await browser.get(`${base}/auth?${authorizeQuery('baseline')}`), base));
      // The baseline's interaction checks the PIN and finishes at once: it stands for the page, scan and approval.
      const resume = await step('approve', async () => redirectOf(await browser.get(interaction.href), base));
      const callback = await step('resume', async () => redirectOf(await browser.get(resume.href), base));
      await exchange(step, base, { token: '/token', userinfo: '/me' }, { id: 'baseline', secret: 'baseline-secret' }, codeOf(callback));
    },
  };
}

export interface LoginServers {
  baseline: { pid: number };
  emulator: { pid: number; databaseUrl: string };
  /** The same bare provider keeping its storage in PostgreSQL, where asked for. */
  persistedBaseline?: { pid: number; databaseUrl: string; login(step?: Step): Promise<void> };
  /** One complete login against the baseline. */
  baselineLogin(step?: Step): Promise<void>;
  /** One complete login against the emulator, by the citizen of `worker` (there is one per unit of concurrency). */
  emulatorLogin(worker: number, step?: Step): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts both servers, and enrols one virtual device for each of `citizens` demo citizens of the emulator.
 * BENCH_SERVER_NODE_OPTIONS and BENCH_BASELINE_NODE_OPTIONS pass Node options (a CPU profile, say) to each.
 */
export async function startLoginServers(serverUrl: string, citizens: number, options: { persistedBaseline?: boolean } = {}): Promise<LoginServers> {
  const baseline = await startBaseline();
  const scratch = await scratchDatabase(serverUrl, 'thaid_bench');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-bench-'));
  let emulator: ChildProcess | undefined;
  let persisted: { baseline?: Baseline; scratch: Awaited<ReturnType<typeof scratchDatabase>> } | undefined;
  const stop = async () => {
    baseline.process.kill();
    for (const child of [emulator, persisted?.baseline?.process]) {
      if (!child) continue;
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await scratch.drop();
    await persisted?.scratch.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.persistedBaseline) {
      persisted = { scratch: await scratchDatabase(serverUrl, 'thaid_bench_baseline') };
      persisted.baseline = await startBaseline(persisted.scratch.url);
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    emulator = await startProcess(
      [path.resolve('src/cli/main.ts'), 'serve'],
      {
        ...nodeOptions(process.env.BENCH_SERVER_NODE_OPTIONS),
        PORT: String(port),
        HOST: '127.0.0.1',
        ISSUER: base,
        DATABASE_URL: scratch.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        DEMO_CITIZENS: String(citizens),
        REGISTRY_SEED: String(registrySeed),
        // The limits stay on, each checked on every sign-in as always, but one driver on one address opens
        // far more sign-ins a minute than one office network would: raised for it.
        RATE_LIMIT_FACTOR: '1000',
      },
      `${base}/readyz`,
    );
    const devices: VirtualDevice[] = [];
    for (let i = 0; i < citizens; i++) {
      const citizen = generateCitizen(registrySeed, i, REGISTRY_REFERENCE_DATE);
      const device = await VirtualDevice.create(base, `bench ${i}`);
      // The server wrote its admin token into its data directory on start; the face is read with it.
      const adminToken = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const faceSample = await faceSampleFor(base, adminToken, citizen.pid, 'pass');
      await device.enrol({ proof: { method: 'self', pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate, faceSample }, pin });
      devices.push(device);
    }
    return {
      baseline: { pid: baseline.process.pid! },
      emulator: { pid: emulator.pid!, databaseUrl: scratch.url },
      ...(persisted?.baseline
        ? { persistedBaseline: { pid: persisted.baseline.process.pid!, databaseUrl: persisted.scratch.url, login: persisted.baseline.login } }
        : {}),
      baselineLogin: baseline.login,
      async emulatorLogin(worker, step = unmeasured) {
        const browser = new Browser();
        // The authorization endpoint answers with the login page, which names its own address.
        const page = await step('authorize', async () => (await browser.get(`${base}/api/v2/oauth2/auth/?${authorizeQuery('thaid-demo-client')}`)).text());
        const loginPage = new URL(/data-page="([^"]+)"/.exec(page)![1]!, base);
        const appLink = /class="app-link" href="([^"]+)"/.exec(page)![1]!;
        const device = devices[worker]!;
        const request = await step('scan', () => device.scan(appLink));
        const number = Number(/class="match-number">(\d+)</.exec(page)![1]);
        await step('approve', () => device.approve(request.id, number, pin));
        // The browser without JavaScript reloads its page. The page is at the address where the authorization
        // resumes, and the citizen has answered: the reload is the resume, and carries the browser on.
        const callback = await step('resume', async () => redirectOf(await browser.get(loginPage.href), base));
        await exchange(
          step,
          base,
          { token: '/api/v2/oauth2/token/', userinfo: '/api/v2/oauth2/userinfo/' },
          { id: 'thaid-demo-client', secret: 'demo-secret-for-local-development-only' },
          codeOf(callback),
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The PostgreSQL backends connected to the database at `url`, other than the one asking. */
export async function backendsOf(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return rows.map((r: { pid: number }) => r.pid);
  } finally {
    await client.end();
  }
}
