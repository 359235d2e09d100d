import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';

/** Creates a scratch database on the server of `serverUrl` and returns its URL and a drop function. */
export async function scratchDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export function requireServerUrl(): string {
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    process.stderr.write(
      'Set DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server where this benchmark may create a scratch\n' +
        'database, e.g. DATABASE_URL=postgres://thaid:thaid@127.0.0.1:5432/postgres; eval "$(.ci/start-postgres.sh)"\n' +
        'starts one and sets TEST_DATABASE_URL.\n',
    );
    process.exit(2);
  }
  return url;
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** CPU seconds (user + system) used so far by each process in `pids`, from /proc; 0 where it cannot be read. */
export function cpuSecondsOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // Not Linux, or the process has ended: it counts as nothing.
    }
  }
  return total;
}

/** Milliseconds a thread has run on a CPU, from Linux's schedstat; 0 where it cannot be read. */
function scheduledMs(file: string): number {
  try {
    return Number(fs.readFileSync(file, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return 0;
  }
}

/** CPU milliseconds so far of a process's main thread, and of all its other threads together. */
export function threadCpuMs(pid: number): { main: number; others: number } {
  let others = 0;
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    // Not Linux, or the process has ended.
  }
  for (const task of tasks) if (task !== String(pid)) others += scheduledMs(`/proc/${pid}/task/${task}/schedstat`);
  return { main: scheduledMs(`/proc/${pid}/task/${pid}/schedstat`), others };
}

/** CPU milliseconds so far of single-threaded processes (PostgreSQL backends), together. */
export function processesCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + scheduledMs(`/proc/${pid}/schedstat`), 0);
}
