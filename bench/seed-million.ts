/**
 * How long loading the synthetic registry into PostgreSQL takes (seedRegistry: generate + insert), against
 * a baseline in the same run: the server inserting as many rows of the same shape and width into an
 * identical copy of the table from generate_series, with no client work at all. Also times generation alone.
 * Works in a scratch database (thaid_bench_<random>) created on the server of DATABASE_URL and dropped after.
 *   DATABASE_URL=postgres://... node bench/seed-million.ts [--citizens N]
 * Exits 1 when seeding takes longer than the target, 2 without DATABASE_URL.
 */
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Schema } from '../src/db/schema.ts';
import { generateCitizens } from '../src/registry/generate.ts';
import { REGISTRY_REFERENCE_DATE, seedRegistry } from '../src/registry/seed.ts';
import { requireServerUrl, scratchDatabase, seconds } from './support.ts';

const { values } = parseArgs({ options: { citizens: { type: 'string', default: '1000000' } } });
const count = Number(values.citizens);
if (!Number.isSafeInteger(count) || count < 1 || count > 100_000_000) {
  process.stderr.write(`--citizens must be a whole number from 1 to 100000000, not ${JSON.stringify(values.citizens)}\n`);
  process.exit(2);
}
const serverUrl = requireServerUrl();
const SEED = 2567;
const GENERATION_BATCH = 5000;
const TARGET_SECONDS = 120;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Heap size and average stored row size, to show the baseline rows are as wide as the citizens. */
async function tableShape(db: Kysely<Schema>, table: 'citizens' | 'citizens_baseline') {
  const { rows } = await sql<{ heap: string; row: number }>`
    select pg_size_pretty(pg_relation_size(${table}::regclass)) as heap, avg(pg_column_size(t.*))::int as row
    from ${sql.table(table)} as t`.execute(db);
  return rows[0]!;
}

const scratch = await scratchDatabase(serverUrl, 'thaid_bench');
let database: Database | undefined;
try {
  database = await openDatabase({ databaseUrl: scratch.url, dataDir: '', command: 'bench' });
  const { db } = database;
  await migrate(db);
  console.log(`Seeding ${count.toLocaleString('en')} citizens into ${database.location}`);

  const generationMs = await timed(async () => {
    for (let start = 0; start < count; start += GENERATION_BATCH) {
      generateCitizens(SEED, start, Math.min(GENERATION_BATCH, count - start), REGISTRY_REFERENCE_DATE);
    }
  });

  let inserted = 0;
  const seedMs = await timed(async () => ({ inserted } = await seedRegistry(db, { seed: SEED, count })));
  if (inserted !== count) throw new Error(`expected ${count} new citizens, got ${inserted}`);

  // Same constraints and primary key; pids scattered over the key space like generated ones (i times an odd
  // number not divisible by 5 is a bijection modulo 10^12), so the index costs the same as for real pids.
  await sql`create table citizens_baseline (like citizens including all)`.execute(db);
  const baselineMs = await timed(() =>
    sql`insert into citizens_baseline
      select '1' || lpad(((i * 2654435761) % 1000000000000)::text, 12, '0'), 'นาย', 'Mr.', 'สมชาย', null,
             'ใจดีมาก', 'Somchai', null, 'Jaideemak', date '1960-01-01' + (i % 20000)::int, 'male',
             (i % 999)::text || '/1', (i % 15)::text, null, 'พหลโยธิน', 'ลาดยาว', 'จตุจักร',
             'กรุงเทพมหานคร', '10900', 'JT' || lpad(i::text, 10, '0'), date '2020-01-01' + (i % 2000)::int,
             date '2028-01-01' + (i % 2000)::int, 2.3
      from generate_series(1, ${count}::bigint) as i`.execute(db),
  );

  const [ours, baseline] = [await tableShape(db, 'citizens'), await tableShape(db, 'citizens_baseline')];
  const { rows } = await sql<{ fsync: string; synchronous_commit: string; version: string }>`
    select current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit,
           current_setting('server_version') as version`.execute(db);
  const settings = rows[0]!;

  const perSecond = (ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en');
  const table: [string, number][] = [
    ['generate only (generateCitizens, client CPU)', generationMs],
    ['seedRegistry: generate + insert', seedMs],
    ['baseline: server-side insert ... select', baselineMs],
  ];
  console.log(
    `PostgreSQL ${settings.version}, fsync ${settings.fsync}, synchronous_commit ${settings.synchronous_commit}; ` +
      `rows: citizens ${ours.row} B (heap ${ours.heap}), baseline ${baseline.row} B (heap ${baseline.heap})\n`,
  );
  console.log(`  ${'step'.padEnd(46)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(11)}`);
  for (const [label, ms] of table) console.log(`  ${label.padEnd(46)} ${seconds(ms).padStart(8)} ${perSecond(ms).padStart(11)}`);
  console.log(`  ${'seedRegistry / baseline'.padEnd(46)} ${`${(seedMs / baselineMs).toFixed(2)}×`.padStart(8)}`);

  const pass = seedMs / 1000 < TARGET_SECONDS;
  console.log(`\nseed ${count.toLocaleString('en')} citizens: ${seconds(seedMs)} s (target < ${TARGET_SECONDS} s) — ${pass ? 'PASS' : 'FAIL'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  await database?.close();
  await scratch.drop();
}
