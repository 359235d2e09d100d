import net from 'node:net';
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
  /** HTTPS with a certificate of one's own or a self-signed one made in dataDir; absent means plain HTTP. */
  tls: TlsConfig | undefined;
}

export type TlsConfig =
  | { mode: 'files'; certFile: string; keyFile: string }
  /** `hosts`: the names the certificate must cover, ISSUER's host first. */
  | { mode: 'self-signed'; hosts: string[] };

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

const hostName = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const hostList = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
  .refine((names) => names.every((name) => net.isIP(name) || hostName.test(name)), 'must be host names or IP addresses separated by commas, e.g. thaid.local,192.168.1.20');

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
  TLS: z.enum(['self-signed'], { error: 'must be self-signed, or unset (TLS_CERT and TLS_KEY serve a certificate of your own)' }).optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  TLS_HOSTS: hostList.optional(),
});

type Environment = z.infer<typeof environmentSchema>;

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
  const tlsOn = Boolean(e.TLS || e.TLS_CERT || e.TLS_KEY);
  const issuer = e.ISSUER ?? `${tlsOn ? 'https' : 'http'}://localhost:${e.PORT}`;
  const problems = tlsProblems(e, issuer);
  if (problems.length) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST,
    issuer,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    adminToken: e.ADMIN_TOKEN,
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY,
    trustProxy: e.TRUST_PROXY,
    registrySeed: e.REGISTRY_SEED,
    demoCitizens: e.DEMO_CITIZENS,
    rateLimitFactor: e.RATE_LIMIT_FACTOR,
    tls: tlsConfig(e, issuer),
  };
}

/** What the TLS variables say together that none says alone. */
function tlsProblems(e: Environment, issuer: string): string[] {
  const problems: string[] = [];
  const show = (name: 'TLS' | 'TLS_CERT' | 'TLS_KEY' | 'ISSUER', value: string) => `${name}=${JSON.stringify(value)}`;
  if (e.TLS && (e.TLS_CERT || e.TLS_KEY)) {
    problems.push(`${show('TLS', e.TLS)}: makes a certificate of its own; unset it to serve TLS_CERT and TLS_KEY`);
  } else if (e.TLS_CERT && !e.TLS_KEY) {
    problems.push(`${show('TLS_CERT', e.TLS_CERT)}: needs TLS_KEY too, the file with the certificate's private key`);
  } else if (e.TLS_KEY && !e.TLS_CERT) {
    problems.push(`${show('TLS_KEY', e.TLS_KEY)}: needs TLS_CERT too, the file with the certificate`);
  }
  if (e.TLS_HOSTS && !e.TLS) problems.push(`TLS_HOSTS=${JSON.stringify(e.TLS_HOSTS.join(','))}: only used with TLS=self-signed`);
  if ((e.TLS || e.TLS_CERT || e.TLS_KEY) && issuer.startsWith('http:')) {
    problems.push(`${show('ISSUER', issuer)}: the server serves HTTPS, so its issuer is an https URL; set ISSUER=${issuer.replace(/^http:/, 'https:')}`);
  }
  return problems;
}

function tlsConfig(e: Environment, issuer: string): TlsConfig | undefined {
  if (e.TLS_CERT && e.TLS_KEY) return { mode: 'files', certFile: path.resolve(e.TLS_CERT), keyFile: path.resolve(e.TLS_KEY) };
  if (!e.TLS) return undefined;
  const issuerHost = new URL(issuer).hostname.replace(/^\[(.*)\]$/, '$1');
  return { mode: 'self-signed', hosts: [...new Set([issuerHost, 'localhost', '127.0.0.1', ...(e.TLS_HOSTS ?? [])])] };
}
