/**
 * The CPU one login costs, step by step, one login at a time: in the emulator's main thread, in its other threads
 * (where the PIN's argon2id hash runs), and in PostgreSQL; and the same for the bare oidc-provider baseline.
 * Read from Linux's per-thread schedstat, so it needs Linux. Steadier than flows/s on a shared machine, it shows
 * where the emulator's extra cost lies; the throughput target itself is bench/login-flow.ts's.
 *   DATABASE_URL=postgres://... node bench/login-steps.ts [--flows N]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { backendsOf, startLoginServers, type Step } from './login-servers.ts';
import { processesCpuMs, requireServerUrl, threadCpuMs } from './support.ts';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '200' } } });
const flows = Number(values.flows);
const serverUrl = requireServerUrl();
if (!fs.existsSync(`/proc/${process.pid}/schedstat`)) {
  process.stderr.write('This benchmark reads /proc/<pid>/task/<tid>/schedstat, which only Linux has.\n');
  process.exit(2);
}

type Costs = Map<string, { main: number; others: number; database: number }>;

/** A Step that adds what each step cost `server` (and the PostgreSQL backends `database`) to `costs`. */
function metered(costs: Costs, server: number, database: number[]): Step {
  return async (name, run) => {
    const before = { ...threadCpuMs(server), database: processesCpuMs(database) };
    const result = await run();
    // The response can reach this process a moment before the server has finished with its request.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const after = { ...threadCpuMs(server), database: processesCpuMs(database) };
    const cost = costs.get(name) ?? { main: 0, others: 0, database: 0 };
    costs.set(name, {
      main: cost.main + after.main - before.main,
      others: cost.others + after.others - before.others,
      database: cost.database + after.database - before.database,
    });
    return result;
  };
}

const servers = await startLoginServers(serverUrl, 1);
try {
  for (let i = 0; i < 50; i++) {
    await servers.baselineLogin();
    await servers.emulatorLogin(0);
  }
  const emulator: Costs = new Map();
  const baseline: Costs = new Map();
  const database = await backendsOf(servers.emulator.databaseUrl);
  const meterEmulator = metered(emulator, servers.emulator.pid, database);
  const meterBaseline = metered(baseline, servers.baseline.pid, []);
  // Interleaved, so that both see the same machine.
  for (let i = 0; i < flows; i++) {
    await servers.baselineLogin(meterBaseline);
    await servers.emulatorLogin(0, meterEmulator);
  }

  const ms = (value: number) => (value / flows).toFixed(2).padStart(8);
  const totals = (costs: Costs) => [...costs.values()].reduce((sum, c) => ({ main: sum.main + c.main, others: sum.others + c.others, database: sum.database + c.database }));
  console.log(`\nCPU ms per login, the mean of ${flows} logins made one at a time`);
  console.log(`${'step'.padEnd(12)} ${'emulator: main'.padStart(14)} ${'other'.padStart(8)} ${'database'.padStart(8)}   ${'baseline: main'.padStart(14)} ${'other'.padStart(8)}`);
  for (const [name, cost] of emulator) {
    const bare = baseline.get(name);
    console.log(`${name.padEnd(12)} ${ms(cost.main).padStart(14)} ${ms(cost.others)} ${ms(cost.database)}   ${(bare ? ms(bare.main) : '').padStart(14)} ${bare ? ms(bare.others) : ''}`);
  }
  const ours = totals(emulator);
  const bare = totals(baseline);
  console.log(`${'total'.padEnd(12)} ${ms(ours.main).padStart(14)} ${ms(ours.others)} ${ms(ours.database)}   ${ms(bare.main).padStart(14)} ${ms(bare.others)}`);
  const oursAll = ours.main + ours.others + ours.database;
  const bareAll = bare.main + bare.others;
  console.log(`\nserver and database CPU per login: emulator ${ms(oursAll).trim()} ms, baseline ${ms(bareAll).trim()} ms; baseline / emulator ${(bareAll / oursAll).toFixed(2)}`);
  console.log("The emulator's authorize answers with the login page; the baseline's approve is its interaction, which checks the PIN and finishes at once.");
} finally {
  await servers.stop();
}
