/**
 * Complete logins per second against the emulator on PostgreSQL (authorize → login page → device scan and
 * approve with PIN → code → token → userinfo), and the same code flow against a bare oidc-provider with one
 * argon2id verification per login, each served from its own process and driven from this one.
 * The two take turns for a few rounds of N flows each and the ratio is the median of the rounds' ratios: on a
 * shared machine the speed of the whole machine drifts by more than the difference being measured.
 *   DATABASE_URL=postgres://... node bench/login-flow.ts [--flows N] [--concurrency C] [--rounds R]
 * BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" profiles the emulator process, and
 * BENCH_BASELINE_NODE_OPTIONS the baseline's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VirtualDevice } from '../src/devices/virtual-device.ts';
import { generateCitizen } from '../src/registry/generate.ts';
import { REGISTRY_REFERENCE_DATE } from '../src/registry/seed.ts';
import { cpuSecondsOf, requireServerUrl, scratchDatabase } from './support.ts';

const { values } = parseArgs({
  options: { flows: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' } },
});
const flows = Number(values.flows);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const serverUrl = requireServerUrl();
const redirectUri = 'http://localhost:8080/callback';
const pin = '40718263';
const registrySeed = 2567;
const TARGET_RATIO = 0.7;

async function freePort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const nodeOptions = (options: string | undefined): Record<string, string> => (options ? { NODE_OPTIONS: options } : {});

async function startProcess(script: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, script, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    if (await fetch(readyUrl).then((r) => r.status < 500, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`${script.join(' ')} did not start`);
}

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

/** Follows redirects on the provider's host until the browser is sent to the relying party; returns the code. */
async function followToCallback(browser: Browser, base: string, response: Response): Promise<string> {
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get('location');
    if (!location) throw new Error(`expected a redirect, got ${response.status}`);
    const url = new URL(location, base);
    if (url.href.startsWith(redirectUri)) {
      const code = url.searchParams.get('code');
      if (!code) throw new Error(`no code: ${url.href}`);
      await response.body?.cancel();
      return code;
    }
    await response.body?.cancel();
    response = await browser.get(url.href);
  }
  throw new Error('too many redirects');
}

async function exchange(base: string, tokenPath: string, userinfoPath: string, clientId: string, secret: string, code: string) {
  const token = await fetch(`${base}${tokenPath}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });
  const tokens = (await token.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`token request failed: ${JSON.stringify(tokens)}`);
  const userinfo = await fetch(`${base}${userinfoPath}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  if (!userinfo.ok) throw new Error(`userinfo failed: ${userinfo.status}`);
  await userinfo.json();
}

const authorizeQuery = (clientId: string) =>
  new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid pid name', redirect_uri: redirectUri, state: 'bench-state', nonce: 'bench-nonce' });

/** The processes whose CPU a run is charged with, besides this driver. */
interface Served {
  server: number;
  /** PostgreSQL backends serving the server; asked again after the run, as the pool may open more. */
  database?: () => Promise<number[]>;
}

async function run(label: string, served: Served, flow: (worker: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const databaseBefore = new Map((await served.database?.())?.map((pid) => [pid, cpuSecondsOf([pid])]) ?? []);
  const serverBefore = cpuSecondsOf([served.server]);
  const driverBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < flows) {
        next++;
        const t = performance.now();
        await flow(worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const driverUsage = process.cpuUsage(driverBefore);
  const serverCpu = cpuSecondsOf([served.server]) - serverBefore;
  const databasePids = (await served.database?.()) ?? [];
  const databaseCpu = databasePids.reduce((sum, pid) => sum + cpuSecondsOf([pid]) - (databaseBefore.get(pid) ?? 0), 0);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const result = { label, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
  const perLogin = (cpuSeconds: number) => ((cpuSeconds * 1000) / latencies.length).toFixed(1);
  console.log(`  ${label.padEnd(34)} ${result.perSecond.toFixed(1).padStart(7)} flows/s   p50 ${result.p50.toFixed(0).padStart(5)} ms   p99 ${result.p99.toFixed(0).padStart(5)} ms`);
  console.log(
    `  ${''.padEnd(34)} CPU per login: server ${perLogin(serverCpu)} ms` +
      (served.database ? `, database ${perLogin(databaseCpu)} ms` : '') +
      `, driver ${perLogin((driverUsage.user + driverUsage.system) / 1e6)} ms`,
  );
  return result;
}

/** The PostgreSQL backends connected to the database at `url`, other than the one asking. */
async function backendsOf(url: string): Promise<number[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return rows.map((r: { pid: number }) => r.pid);
  } finally {
    await client.end();
  }
}

/** Transactions committed in the database so far: each statement outside a transaction is one. */
async function databaseWork(url: string): Promise<number> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Server processes publish their statistics about once a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { rows } = await client.query('select xact_commit from pg_stat_database where datname = current_database()');
    return Number(rows[0]?.xact_commit ?? 0);
  } finally {
    await client.end();
  }
}

console.log(`\n${rounds} rounds of ${flows} complete logins at concurrency ${concurrency} on each server, driven from process ${process.pid}`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Both servers run from the start; each is idle while the other is measured.
const baselinePort = await freePort();
const baselineBase = `http://127.0.0.1:${baselinePort}`;
const baseline = await startProcess(
  [path.resolve('bench/baseline-provider.ts')],
  { ...nodeOptions(process.env.BENCH_BASELINE_NODE_OPTIONS), PORT: String(baselinePort) },
  `${baselineBase}/.well-known/openid-configuration`,
);
const scratch = await scratchDatabase(serverUrl, 'thaid_bench');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-bench-'));
let server: ChildProcess | undefined;
try {
  server = await startProcess(
    [path.resolve('src/cli/main.ts'), 'serve'],
    { ...nodeOptions(process.env.BENCH_SERVER_NODE_OPTIONS), PORT: String(port), HOST: '127.0.0.1', ISSUER: base, DATABASE_URL: scratch.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_CITIZENS: String(concurrency), REGISTRY_SEED: String(registrySeed) },
    `${base}/readyz`,
  );
  const baselineLogin = async () => {
    const browser = new Browser();
    const start = await browser.get(`${baselineBase}/auth?${authorizeQuery('baseline')}`);
    const code = await followToCallback(browser, baselineBase, start);
    await exchange(baselineBase, '/token', '/me', 'baseline', 'baseline-secret', code);
  };

  // The emulator's citizens: one enrolled virtual device per worker.
  const devices: VirtualDevice[] = [];
  for (let i = 0; i < concurrency; i++) {
    const citizen = generateCitizen(registrySeed, i, REGISTRY_REFERENCE_DATE);
    const device = await VirtualDevice.create(base, `bench ${i}`);
    await device.enrol({ proof: { method: 'self', pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate }, pin });
    devices.push(device);
  }
  const login = async (worker: number) => {
    const browser = new Browser();
    const start = await browser.get(`${base}/api/v2/oauth2/auth/?${authorizeQuery('thaid-demo-client')}`);
    const loginPath = start.headers.get('location')!;
    await start.body?.cancel();
    const page = await (await browser.get(`${base}${loginPath}`)).text();
    const appLink = /class="app-link" href="([^"]+)"/.exec(page)![1]!;
    const device = devices[worker]!;
    const request = await device.scan(appLink);
    await device.approve(request.id, pin);
    const code = await followToCallback(browser, base, await browser.get(`${base}${loginPath}`));
    await exchange(base, '/api/v2/oauth2/token/', '/api/v2/oauth2/userinfo/', 'thaid-demo-client', 'demo-secret-for-local-development-only', code);
  };
  // Warm up at full concurrency, so that JIT compilation and the pool's new connections (each one's
  // authentication and prepared statements) are not charged to the first round.
  const warmUp = (flow: (worker: number) => Promise<void>) =>
    Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < 5; i++) await flow(worker);
    }));
  await warmUp(baselineLogin);
  await warmUp(login);

  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    console.log(`\nround ${round} of ${rounds}`);
    const bare = await run('bare oidc-provider + argon2id', { server: baseline.pid! }, baselineLogin);
    const before = round === 1 ? await databaseWork(scratch.url) : 0;
    const ours = await run('thaid-emulator on PostgreSQL', { server: server.pid!, database: () => backendsOf(scratch.url) }, login);
    if (round === 1) {
      const after = await databaseWork(scratch.url);
      console.log(`  database transactions per login: ${((after - before) / flows).toFixed(1)} (each statement outside a transaction is one)`);
    }
    ratios.push(ours.perSecond / bare.perSecond);
    console.log(`  ratio ${ratios.at(-1)!.toFixed(2)}`);
  }
  const ratio = median(ratios);
  console.log(
    `\nlogin flow: ${ratio.toFixed(2)} of the baseline's flows/s, the median of ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
      `target ≥ ${TARGET_RATIO} — ${ratio >= TARGET_RATIO ? 'PASS' : 'BELOW TARGET'}`,
  );
} finally {
  baseline.kill();
  if (server) {
    server.kill();
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  await scratch.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
