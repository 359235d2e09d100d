import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../../src/db/data-dir-lock.ts';

const made: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-lock-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database lock', () => {
  it('lets one process hold the data directory and names it to the next', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'owner.lock'), JSON.stringify({ pid: process.ppid, command: 'thaid-emulator serve' }));
    expect(() => lockDataDir(dir, 'thaid-emulator seed')).toThrow(DataDirBusyError);
    expect(() => lockDataDir(dir, 'thaid-emulator seed')).toThrow(/in use by process \d+ \(thaid-emulator serve\)/);
  });

  it('takes over a lock left by a process that has died', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'owner.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'crashed' }));
    const release = lockDataDir(dir, 'thaid-emulator migrate');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'owner.lock'), 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(path.join(dir, 'owner.lock'))).toBe(false);
  });
});

describe('the embedded database lock within one process', () => {
  it('refuses a second opening while the first holds it', () => {
    const dir = tempDir();
    const release = lockDataDir(dir, 'thaid-emulator serve');
    expect(() => lockDataDir(dir, 'thaid-emulator seed')).toThrow(DataDirBusyError);
    release();
    lockDataDir(dir, 'thaid-emulator seed')();
  });

  it('takes over a lock naming its own pid that an earlier process left behind', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'owner.lock'), JSON.stringify({ pid: process.pid, command: 'previous container' }));
    const release = lockDataDir(dir, 'thaid-emulator serve');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'owner.lock'), 'utf8')).command).toBe('thaid-emulator serve');
    release();
  });
});
