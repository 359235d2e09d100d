import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * DATA_DIR holds the embedded database (signing keys, cookie keys, the pairwise salt, live sign-ins) and the admin
 * token: only the user running the server may enter it. It is made 0700, or tightened to 0700 if it already
 * exists, and files the server creates are its owner's only (umask 077). A process can set its umask only from
 * its main thread; a server started in a worker (as tests may) relies on the directory's mode.
 */
export function secureDataDir(dataDir: string): void {
  if (isMainThread) process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
}

/**
 * Takes group and other permissions off everything under `dir`. The embedded database gives its files mode 0666
 * whatever the umask; the directory's 0700 already keeps other users out, and this keeps them out of a copy made
 * with the modes kept (a backup, say).
 */
export function tightenFilesUnder(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mode } = fs.statSync(file);
    if (mode & 0o077) fs.chmodSync(file, mode & 0o700);
  }
}
