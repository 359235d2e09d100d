import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The CLI with `env` and an empty DATA_DIR of its own, run from `cwd` (by default the project). */
function cli(args: string[], env: Record<string, string>, cwd?: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-cli-'));
  dirs.push(dataDir);
  return runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, cwd ? { cwd } : {});
}

describe('the CLI at start-up', () => {
  it('lists every bad variable and exits with EX_CONFIG', async () => {
    const result = await cli(['serve'], { PORT: 'abc', LOG_LEVEL: 'chatty' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT="abc"');
    expect(result.stderr).toContain('LOG_LEVEL="chatty"');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('reads ./.env for what the environment does not set', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-env-'));
    dirs.push(project);
    fs.writeFileSync(path.join(project, '.env'), 'PORT=from-the-file\nLOG_LEVEL=chatty\n');
    const result = await cli(['serve'], { LOG_LEVEL: 'silent' }, project);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT="from-the-file"');
    expect(result.stderr).not.toContain('LOG_LEVEL');
  });

  it('says which PostgreSQL server it cannot reach', async () => {
    const result = await cli(['serve'], { DATABASE_URL: 'postgres://thaid:secret@127.0.0.1:1/thaid' });
    expect(result.status).toBe(69);
    expect(result.stderr).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1/thaid');
    expect(result.stderr).toContain('Check DATABASE_URL');
    expect(result.stderr).not.toContain('secret');
  });

  it('explains how to reach the admin API when no server runs', async () => {
    const result = await cli(['citizen', 'list'], { ISSUER: 'http://127.0.0.1:1', ADMIN_TOKEN: 'x'.repeat(40) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No server answers at http://127.0.0.1:1');
  });

  it('names DATA_DIR when the admin token or a virtual device is not where it looks, as when the server was started with another', async () => {
    const noToken = await cli(['citizen', 'list'], { ISSUER: 'http://127.0.0.1:1' });
    expect(noToken.status).toBe(1);
    expect(noToken.stderr).toMatch(/No admin token in .*admin-token/);
    expect(noToken.stderr).toContain('set DATA_DIR to the one the server was started with');
    const noDevice = await cli(['device', 'approve', 'ABCD-2345', '--number', '42', '--pin', '40718263'], { ISSUER: 'http://127.0.0.1:1' });
    expect(noDevice.status).toBe(1);
    expect(noDevice.stderr).toContain('set DATA_DIR to the one it was enrolled with');
  });

  it('explains a stray word on the command line, such as an unquoted value with spaces, without a stack trace', async () => {
    const result = await cli(['rp', 'create', '--name', 'My', 'agency', '--redirect-uri', 'https://app.example.test/cb'], { ADMIN_TOKEN: 'x'.repeat(40) });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("Unexpected argument 'agency'");
    expect(result.stderr).toContain('Put quotes around a value with spaces');
    expect(result.stderr).not.toContain('    at ');
  });

  it('prints usage for an unknown command', async () => {
    const result = await cli(['frobnicate'], {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('rp create');
  });
});
