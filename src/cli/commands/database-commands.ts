import { parseArgs } from 'node:util';
import { MAX_REGISTRY_SEED, type Config } from '../../config/config.ts';
import { openDatabase, type Database } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedRegistry } from '../../registry/seed.ts';
import { CliError } from '../cli-error.ts';
import { progressBar } from '../progress.ts';
import { print } from '../output.ts';

async function withDatabase<T>(config: Config, command: string, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

export async function migrateCommand(config: Config, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const applied = await withDatabase(config, 'thaid-emulator migrate', (database) => migrate(database.db));
  print(values.json, { applied }, () =>
    applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.',
  );
}

export async function seedCommand(config: Config, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      citizens: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const count = Number(values.citizens);
  if (!values.citizens || !Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new CliError('Give the number of citizens: seed --citizens N (1 to 10,000,000).');
  }
  const seed = values.seed === undefined ? config.registrySeed : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_REGISTRY_SEED) {
    throw new CliError(`--seed must be a whole number from 0 to ${MAX_REGISTRY_SEED}, as REGISTRY_SEED is.`);
  }

  const started = Date.now();
  const bar = progressBar('Seeding citizens');
  const result = await withDatabase(config, 'thaid-emulator seed', async (database) => {
    await migrate(database.db);
    return seedRegistry(database.db, { seed, count, onProgress: bar.update });
  });
  bar.finish();
  const seconds = (Date.now() - started) / 1000;
  print(values.json, { ...result, seed, seconds }, () =>
    `Registry seed ${seed}: ${result.inserted.toLocaleString('en')} new citizens ` +
    `(${(result.generated - result.inserted).toLocaleString('en')} were already there) in ${seconds.toFixed(1)} s.`,
  );
}
