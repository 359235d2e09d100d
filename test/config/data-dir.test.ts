import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/server.ts';

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Every file and directory under `dir`, with its permission bits. */
function modesUnder(dir: string): { file: string; mode: number }[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).map((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return { file: path.relative(dir, file), mode: fs.lstatSync(file).mode & 0o777 };
  });
}

/** Starts `thaid-emulator serve` on the embedded database in `dataDir`, as a user would, until it is ready; then stops it. */
async function serveOnce(dataDir: string): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('src/cli/main.ts'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ISSUER: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_CITIZENS: '5' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  try {
    for (const deadline = Date.now() + 90_000; ; ) {
      if (child.exitCode !== null) throw new Error(`The server exited: ${stderr}`);
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`The server did not become ready: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    child.kill();
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

describe('DATA_DIR', () => {
  it('is tightened to 0700 at start, and nothing the server writes in it is readable by other users', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-data-dir-'));
    made.push(dataDir);
    fs.chmodSync(dataDir, 0o755);

    await serveOnce(dataDir);

    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = modesUnder(dataDir);
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['admin-token', 'key-encryption-key']));
    // The embedded database's files (signing keys, salts and live sign-ins are in them) included.
    expect(files.filter((f) => f.file.startsWith('pglite')).length).toBeGreaterThan(0);
    expect(files.filter((f) => (f.mode & 0o077) !== 0)).toEqual([]);
  }, 120_000);

  it('is created 0700 when it does not exist yet', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-data-parent-'));
    made.push(parent);
    const dataDir = path.join(parent, 'nested', 'data');

    await serveOnce(dataDir);

    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  }, 120_000);
});
