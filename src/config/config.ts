import path from 'node:path';
import { z } from 'zod';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** Public base URL, without a trailing slash; the OpenID Connect issuer identifier. */
  issuer: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  /** Fixed admin API token; absent means one is generated into dataDir on first start. */
  adminToken: string | undefined;
  /** Seals the private signing keys in the database; absent means one is generated into dataDir on first start. */
  keyEncryptionKey: string | undefined;
  /** Trust X-Forwarded-* headers from a reverse proxy. */
  trustProxy: boolean;
  /** Seed of the synthetic civil registry, so every installation generates the same citizens. */
  registrySeed: number;
  /** How many generated citizens the first start adds to the demo personas. */
  demoCitizens: number;
  /** Multiplies every rate limit (see src/http/rate-limits.ts). */
  rateLimitFactor: number;
}

/** Every bad variable at once, so a person can fix them in one go. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const integerIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value), { message: 'must be an absolute URL such as http://localhost:3000', abort: true })
  .transform((value) => new URL(value))
  .refine((url) => url.protocol === 'http:' || url.protocol === 'https:', 'must use http or https')
  .refine((url) => !url.search && !url.hash, 'must not have a query string or fragment')
  .transform((url) => url.href.replace(/\/+$/, ''));

const postgresUrl = z
  .string()
  .refine((value) => URL.canParse(value), 'must be a URL such as postgres://user:password@localhost:5432/thaid')
  .refine(
    (value) => ['postgres:', 'postgresql:'].includes(URL.parse(value)?.protocol ?? 'postgres:'),
    'must start with postgres:// or postgresql://',
  );

/** The largest registry seed: seeds are whole numbers below 2^31. */
export const MAX_REGISTRY_SEED = 2 ** 31 - 1;

const environmentSchema = z.object({
  PORT: integerIn(0, 65535).default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  ISSUER: httpUrl.optional(),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters long').optional(),
  KEY_ENCRYPTION_KEY: z
    .string()
    .regex(/^[\w-]{43}$/, 'must be 32 random bytes in base64url (43 characters), e.g. from: openssl rand -base64 32 | tr "+/" "-_" | tr -d =')
    .optional(),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  REGISTRY_SEED: integerIn(0, MAX_REGISTRY_SEED).default(2567),
  DEMO_CITIZENS: integerIn(0, 1_000_000).default(1000),
  RATE_LIMIT_FACTOR: integerIn(1, 1_000_000).default(1),
});

/** Reads the environment; empty strings count as unset, as they do in most .env tooling. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .map((name) => [name, env[name]])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${JSON.stringify(present[name])}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    issuer: e.ISSUER ?? `http://localhost:${e.PORT}`,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    adminToken: e.ADMIN_TOKEN,
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY,
    trustProxy: e.TRUST_PROXY,
    registrySeed: e.REGISTRY_SEED,
    demoCitizens: e.DEMO_CITIZENS,
    rateLimitFactor: e.RATE_LIMIT_FACTOR,
  };
}
