import net from 'node:net';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger, type Logger } from '../../src/logging/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const testAdminToken = 'test-admin-token-0123456789abcdef0123456789';
/**
 * Tests sign in many times a minute from one address, often with one device: the limits are raised for them,
 * and the tests of the limits themselves set RATE_LIMIT_FACTOR to 1.
 */
export const testRateLimitFactor = '100';
/** Shared by every test server, so that several processes on one database open each other's signing keys. */
export const testKeyEncryptionKey = Buffer.alloc(32, 0x5a).toString('base64url');

export interface TestServer extends RunningServer {
  config: Config;
  issuer: string;
  testDatabase: TestDatabase;
  /** Stops the server and keeps the data, for restart tests. */
  stop(): Promise<void>;
  /** Starts a new server on the same data and port. */
  restart(): Promise<TestServer>;
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The environment a test server runs with: quiet, small demo registry, its own data. */
export function testEnvironment(testDatabase: TestDatabase, port: number, extra: Record<string, string> = {}) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    DATA_DIR: testDatabase.dataDir,
    ...(testDatabase.databaseUrl ? { DATABASE_URL: testDatabase.databaseUrl } : {}),
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN: testAdminToken,
    KEY_ENCRYPTION_KEY: testKeyEncryptionKey,
    DEMO_CITIZENS: '50',
    RATE_LIMIT_FACTOR: testRateLimitFactor,
    ...extra,
  };
}

/** A real server on a real port with a real database, as a relying party would meet it. */
export async function startTestServer(
  options: { testDatabase?: TestDatabase; port?: number; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestServer> {
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const port = options.port ?? (await freePort());
  const config = loadConfig(testEnvironment(testDatabase, port, options.env));
  const running = await startServer(config, options.logger ?? createLogger('silent'));
  const server: TestServer = {
    ...running,
    config,
    issuer: config.issuer,
    testDatabase,
    stop: () => running.close(),
    restart: () => startTestServer({ testDatabase, port, ...(options.env ? { env: options.env } : {}) }),
    dispose: async () => {
      await running.close();
      await testDatabase.drop();
    },
  };
  return server;
}
