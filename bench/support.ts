import { randomBytes } from 'node:crypto';
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
      'Set DATABASE_URL to a PostgreSQL server where this benchmark may create a scratch database,\n' +
        'e.g. DATABASE_URL=postgres://thaid:thaid@127.0.0.1:5432/postgres (.ci/start-postgres.sh starts one).\n',
    );
    process.exit(2);
  }
  return url;
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);
