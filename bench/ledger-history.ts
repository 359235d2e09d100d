/**
 * How fast a citizen's newest 50 history entries come back from a ledger of 10 million rows on PostgreSQL, the
 * issue's target being under 20 ms. The history query (citizenHistory, what the device API and the admin API
 * call) is timed for 1,000 random citizens, against a baseline in the same run: reading 50 consecutive rows of
 * the same table by its primary key, the cheapest 50-row read the table allows.
 *
 * The rows are written by the database from generate_series, with the append trigger set aside for speed: each
 * row is built as the trigger would build it (the same entry shape and size, its leaf hash, the derived columns),
 * and the log's size set at the end. A citizen's entries are spread over the whole log, as they would be.
 * Works in a scratch database (thaid_bench_<random>) created on the server of DATABASE_URL and dropped after.
 *   DATABASE_URL=postgres://... node bench/ledger-history.ts [--rows N] [--citizens N] [--samples N]
 * Exits 1 when p99 is over the target, 2 without DATABASE_URL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { progressBar } from '../src/cli/progress.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { citizenHistory } from '../src/disclosures/history.ts';
import { requireServerUrl, scratchDatabase } from './support.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    citizens: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '1000' },
  },
});
const [rows, citizens, samples] = [Number(values.rows), Number(values.citizens), Number(values.samples)];
for (const [name, value] of Object.entries({ rows, citizens, samples })) {
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a whole number of at least 1\n`);
    process.exit(2);
  }
}
const TARGET_MS = 20;
const BATCH = 250_000;

const serverUrl = requireServerUrl();
const scratch = await scratchDatabase(serverUrl, 'thaid_bench');
let database: Database | undefined;

/** The pid of synthetic citizen k: 13 digits, scattered over the key space (a bijection modulo 10^12). */
const pidSql = (k: string) => `'1' || lpad(((${k} * 2654435761) % 1000000000000)::text, 12, '0')`;

try {
  database = await openDatabase({ databaseUrl: scratch.url, dataDir: '', command: 'bench' });
  const { db } = database;
  await migrate(db);
  console.log(`Writing ${rows.toLocaleString('en')} ledger entries for ${citizens.toLocaleString('en')} citizens into ${database.location}`);

  await sql`alter table ledger_entries disable trigger ledger_entries_append`.execute(db);
  const bar = progressBar('ledger rows');
  const writeStarted = performance.now();
  for (let start = 0; start < rows; start += BATCH) {
    const end = Math.min(start + BATCH, rows);
    // Entry i belongs to citizen (i * 7919) mod citizens, so each citizen's entries lie all over the log.
    await sql
      .raw(
        `insert into ledger_entries (leaf_index, entry, leaf_hash, pid, kind, agency_id, client_id, items, created_at)
         select i, e.entry, sha256('\\x00'::bytea || convert_to(e.entry, 'UTF8')), e.pid, e.kind, e.agency, e.client,
                e.items, e.at
         from generate_series(${start}::bigint, ${end - 1}::bigint) as i,
         lateral (select ${pidSql(`((i * 7919) % ${citizens})`)} as pid,
                         case when i % 4 = 0 then 'event' else 'disclosure' end as kind,
                         '00000000-0000-4000-8000-' || lpad((i % 400)::text, 12, '0') as agency,
                         'system-' || (i % 1200) as client,
                         array['openid', 'pid', 'name', 'birthdate'] as items,
                         timestamptz '2025-01-01' + make_interval(secs => i * 3) as at) as f,
         lateral (select f.pid, f.kind, f.agency, f.client, f.items, f.at, jsonb_build_object(
                    'kind', f.kind, 'at', f.at, 'pid', f.pid,
                    'agency', jsonb_build_object('id', f.agency, 'th', 'กรมการปกครอง สำนักทะเบียนกลาง', 'en', 'Department of Provincial Administration'),
                    'system', jsonb_build_object('clientId', f.client, 'name', 'ระบบบริการประชาชน e-Service'),
                    'purpose', 'ยืนยันตัวตนเพื่อขอรับบริการออนไลน์ · Identity check for online services',
                    'items', to_jsonb(f.items), 'endpoint', 'token', 'api', 'v2',
                    'grantId', md5(i::text), 'requestId', md5((i + 1)::text))::text as entry) as e`,
      )
      .execute(db);
    bar.update(end, rows);
  }
  bar.finish();
  await sql`alter table ledger_size disable trigger ledger_size_grows`.execute(db);
  await sql`update ledger_size set size = ${rows}`.execute(db);
  await sql`alter table ledger_size enable trigger ledger_size_grows`.execute(db);
  await sql`alter table ledger_entries enable trigger ledger_entries_append`.execute(db);
  await sql`analyze ledger_entries`.execute(db);
  const size = await sql<{ table: string; index: string }>`
    select pg_size_pretty(pg_table_size('ledger_entries')) as table,
           pg_size_pretty(pg_relation_size('ledger_entries_by_citizen')) as index`.execute(db);
  console.log(`Written in ${((performance.now() - writeStarted) / 1000).toFixed(0)} s; table ${size.rows[0]!.table}, citizen index ${size.rows[0]!.index}`);

  const pids = (
    await sql<{ pid: string }>`select ${sql.raw(pidSql('k'))} as pid from (select (random() * ${citizens - 1})::bigint as k from generate_series(1, ${samples})) as r`.execute(db)
  ).rows.map((row) => row.pid);
  const starts = pids.map(() => Math.floor(Math.random() * Math.max(rows - 50, 1)));

  const time = async (read: (i: number) => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < pids.length; i++) {
      const started = performance.now();
      await read(i);
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ms.length * 0.5)]!, p99: ms[Math.floor(ms.length * 0.99)]! };
  };

  let shortest = Infinity;
  let longest = 0;
  const history = await time(async (i) => {
    const page = await citizenHistory(db, pids[i]!, { limit: 50 });
    shortest = Math.min(shortest, page.entries.length);
    longest = Math.max(longest, page.entries.length);
  });
  const baseline = await time((i) =>
    db.selectFrom('ledger_entries').selectAll().where('leaf_index', '>=', sql<string>`${starts[i]}`).orderBy('leaf_index').limit(50).execute(),
  );

  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(`Newest 50 entries of ${samples} random citizens (each had ${shortest} to ${longest} returned):`);
  console.log(`  history   p50 ${f(history.p50)}  p99 ${f(history.p99)}  (target: under ${TARGET_MS} ms)`);
  console.log(`  baseline  p50 ${f(baseline.p50)}  p99 ${f(baseline.p99)}  (50 consecutive rows by primary key)`);
  console.log(`  ratio     p50 ${(history.p50 / baseline.p50).toFixed(2)}  p99 ${(history.p99 / baseline.p99).toFixed(2)}`);
  if (history.p99 >= TARGET_MS) process.exitCode = 1;
} finally {
  await database?.close();
  await scratch.drop();
}
