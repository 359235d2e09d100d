/**
 * Complete logins per second against the emulator on PostgreSQL (authorize → login page → device scan and
 * approve with PIN → code → token → userinfo), and the same code flow against a bare oidc-provider with one
 * argon2id verification per login, each served from its own process and driven from this one.
 * The two take turns for a few rounds of N flows each (each going first every other round) and the ratio is the
 * median of the rounds' ratios: on a shared machine the speed of the whole machine drifts by more than the
 * difference being measured.
 *   DATABASE_URL=postgres://... node bench/login-flow.ts [--flows N] [--concurrency C] [--rounds R] [--persisted-baseline]
 * --persisted-baseline also measures the same bare provider keeping its storage in PostgreSQL, and prints the ratio
 * against it beside the target's: how much of the difference is storing at all, and how much is the rest.
 * BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" profiles the emulator process, and
 * BENCH_BASELINE_NODE_OPTIONS the baseline's.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { backendsOf, startLoginServers } from './login-servers.ts';
import { cpuSecondsOf, requireServerUrl } from './support.ts';

const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    'persisted-baseline': { type: 'boolean', default: false },
  },
});
const flows = Number(values.flows);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const serverUrl = requireServerUrl();
const TARGET_RATIO = 0.7;

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

/** Transactions committed in the database so far: each statement outside a transaction is one. */
async function databaseWork(url: string): Promise<number> {
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
const servers = await startLoginServers(serverUrl, concurrency, { persistedBaseline: values['persisted-baseline'] });
try {
  const baselineLogin = () => servers.baselineLogin();
  const login = (worker: number) => servers.emulatorLogin(worker);
  // Warm up at full concurrency, so that JIT compilation and the pool's new connections (each one's
  // authentication and prepared statements) are not charged to the first round.
  const warmUp = (flow: (worker: number) => Promise<void>) =>
    Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < 5; i++) await flow(worker);
    }));
  await warmUp(baselineLogin);
  await warmUp(login);
  const persisted = servers.persistedBaseline;
  if (persisted) await warmUp(() => persisted.login());

  const databaseUrl = servers.emulator.databaseUrl;
  const ratios: number[] = [];
  const persistedRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    console.log(`\nround ${round} of ${rounds}`);
    const measureBare = () => run('bare oidc-provider + argon2id', { server: servers.baseline.pid }, baselineLogin);
    const measureOurs = async () => {
      const before = round === 1 ? await databaseWork(databaseUrl) : 0;
      const ours = await run('thaid-emulator on PostgreSQL', { server: servers.emulator.pid, database: () => backendsOf(databaseUrl) }, login);
      if (round === 1) {
        const after = await databaseWork(databaseUrl);
        console.log(`  database transactions per login: ${((after - before) / flows).toFixed(1)} (each statement outside a transaction is one)`);
      }
      return ours;
    };
    // Each goes first every other round, so that a machine slowing down (or speeding up) over the run favours
    // neither.
    const measurePersisted = async () =>
      persisted && run('bare oidc-provider + PostgreSQL', { server: persisted.pid, database: () => backendsOf(persisted.databaseUrl) }, () => persisted.login());
    let bare, ours, stored;
    if (round % 2 === 1) {
      bare = await measureBare();
      ours = await measureOurs();
      stored = await measurePersisted();
    } else {
      stored = await measurePersisted();
      ours = await measureOurs();
      bare = await measureBare();
    }
    ratios.push(ours.perSecond / bare.perSecond);
    if (stored) persistedRatios.push(ours.perSecond / stored.perSecond);
    console.log(`  ratio ${ratios.at(-1)!.toFixed(2)}` + (stored ? `; against the persisted baseline ${persistedRatios.at(-1)!.toFixed(2)}` : ''));
  }
  const ratio = median(ratios);
  console.log(
    `\nlogin flow: ${ratio.toFixed(2)} of the baseline's flows/s, the median of ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
      `target ≥ ${TARGET_RATIO} — ${ratio >= TARGET_RATIO ? 'PASS' : 'BELOW TARGET'}`,
  );
  if (persistedRatios.length > 0) {
    console.log(
      `against the same bare provider storing in PostgreSQL: ${median(persistedRatios).toFixed(2)} of its flows/s, ` +
        `the median of ${rounds} rounds (${persistedRatios.map((r) => r.toFixed(2)).join(', ')}); for comparison, not the target`,
    );
  }
} finally {
  await servers.stop();
}
