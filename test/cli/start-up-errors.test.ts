import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = path.resolve('src/cli/main.ts');

function runCli(args: string[], env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-cli-'));
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
  return result;
}

describe('the CLI at start-up', () => {
  it('lists every bad variable and exits with EX_CONFIG', () => {
    const result = runCli(['serve'], { PORT: 'abc', LOG_LEVEL: 'chatty' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT="abc"');
    expect(result.stderr).toContain('LOG_LEVEL="chatty"');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('says which PostgreSQL server it cannot reach', () => {
    const result = runCli(['serve'], { DATABASE_URL: 'postgres://thaid:secret@127.0.0.1:1/thaid' });
    expect(result.status).toBe(69);
    expect(result.stderr).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1/thaid');
    expect(result.stderr).toContain('Check DATABASE_URL');
    expect(result.stderr).not.toContain('secret');
  });

  it('explains how to reach the admin API when no server runs', () => {
    const result = runCli(['citizen', 'list'], { ISSUER: 'http://127.0.0.1:1', ADMIN_TOKEN: 'x'.repeat(40) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No server answers at http://127.0.0.1:1');
  });

  it('prints usage for an unknown command', () => {
    const result = runCli(['frobnicate'], {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('rp create');
  });
});
