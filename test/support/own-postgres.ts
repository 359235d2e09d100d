import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/*
 * A PostgreSQL server of one test file's own, started with .ci/start-postgres.sh, for tests that stop and start
 * it (other files' servers are left alone). It needs root and Debian's PostgreSQL binaries, which CI installs;
 * elsewhere the test says why it is skipped.
 */

const binDir = () =>
  fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort().map((v) => `/usr/lib/postgresql/${v}/bin`).filter((d) => fs.existsSync(`${d}/pg_ctl`)).at(-1) : undefined;

/** Why an own PostgreSQL server cannot be started here, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'starting a PostgreSQL server of its own needs root';
  if (!binDir()) return "Debian's PostgreSQL binaries are not installed (apt-get install postgresql)";
  return undefined;
}

export interface OwnPostgres {
  url: string;
  /** Stops the server at once, as a crash or a restart would: every connection is cut. */
  stopNow(): void;
  start(): void;
  remove(): void;
}

/** Starts the server, with a database `thaid` the role may do anything in; its URL is that database's. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const script = path.resolve('.ci/start-postgres.sh');
  // A port range apart from the suite's server (55432 and up).
  const output = execFileSync(script, { env: { ...process.env, PG_PORT: '56432' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const serverUrl = /TEST_DATABASE_URL=(\S+)/.exec(output)![1]!;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query('create database thaid');
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = '/thaid';
  const dir = /PG_TEST_DIR=(\S+)/.exec(output)![1]!;
  const port = url.port;
  const pgCtl = (args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', `${binDir()}/pg_ctl`, '-D', `${dir}/data`, ...args], { cwd: dir, stdio: 'ignore' });
  return {
    url: url.href,
    stopNow: () => pgCtl(['-m', 'immediate', '-w', 'stop']),
    start: () => pgCtl(['-l', `${dir}/server.log`, '-o', `-p ${port}`, '-w', '-t', '60', 'start']),
    remove: () => execFileSync(script, ['--stop', dir], { stdio: 'ignore' }),
  };
}
