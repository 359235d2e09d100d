import fs from 'node:fs';
import path from 'node:path';

/**
 * DATA_DIR holds the embedded database (signing keys, cookie keys, the pairwise salt, live sign-ins) and the admin
 * token: only the user running the server may enter it. It is made 0700, or tightened to 0700 if it already
 * exists. (The `serve` command also sets the process's umask to 077, so that every file the server creates is its
 * owner's only; a program that starts the server inside itself, as the tests do, keeps its own umask.)
 */
export function secureDataDir(dataDir: string): void {
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
