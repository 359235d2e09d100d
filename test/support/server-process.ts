import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, testAdminToken, testKeyEncryptionKey, testRateLimitFactor } from './server.ts';

/** A server process: where it listens, whether it still runs, and what it wrote to stderr. */
export interface ServerProcess {
  url: string;
  /** The exit code, or null while the process runs. */
  exitCode(): number | null;
  /** What it wrote: its stderr, and its logs when LOG_LEVEL was given. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * A server in its own operating-system process on a PostgreSQL database: a second one beside the test's own
 * (give it that server's issuer), or one on its own (its issuer is then its own address).
 */
export async function startServerProcess(options: { databaseUrl: string; issuer?: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-process-'));
  const child: ChildProcess = spawn(process.execPath, [path.resolve('src/cli/main.ts'), 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER: options.issuer ?? `http://127.0.0.1:${port}`,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: dataDir,
      ADMIN_TOKEN: testAdminToken,
      KEY_ENCRYPTION_KEY: testKeyEncryptionKey,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_FACTOR: testRateLimitFactor,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its logs (stdout, when LOG_LEVEL is set) and its stderr, together.
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stderr += String(chunk)));
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The second server exited: ${stderr}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`The second server did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    exitCode: () => child.exitCode,
    stderr: () => stderr,
    stop: async () => {
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
