import fs from 'node:fs';
import path from 'node:path';

/** The embedded database belongs to one process at a time; two writers would corrupt it. */
export class DataDirBusyError extends Error {
  constructor(dataDir: string, holder: { pid: number; command: string }) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}). ` +
        'Stop that process first; commands such as "rp create" and "citizen list" work while the server runs, ' +
        'because they talk to it over its admin API.',
    );
    this.name = 'DataDirBusyError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Lock files this process holds. A lock file naming our own pid but not listed here was left by an earlier
// process that had the same pid (common in containers, where the server is often pid 1).
const heldByThisProcess = new Set<string>();

/** Takes the lock file in dataDir, replacing it when its owner has died. Returns the release function. */
export function lockDataDir(dataDir: string, command: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'owner.lock');
  const mine = JSON.stringify({ pid: process.pid, command });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, mine, { flag: 'wx' });
      heldByThisProcess.add(lockFile);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldByThisProcess.delete(lockFile);
        if (fs.existsSync(lockFile) && fs.readFileSync(lockFile, 'utf8') === mine) fs.unlinkSync(lockFile);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      const alive = holder && (holder.pid === process.pid ? heldByThisProcess.has(lockFile) : isRunning(holder.pid));
      if (holder && alive) throw new DataDirBusyError(dataDir, holder);
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not take the lock file ${lockFile}`);
}

function readHolder(lockFile: string): { pid: number; command: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid?: unknown; command?: unknown };
    if (typeof parsed.pid === 'number') return { pid: parsed.pid, command: String(parsed.command ?? 'unknown') };
  } catch {
    // An unreadable lock file is treated as stale.
  }
  return undefined;
}
