import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const adminTokenFile = (dataDir: string) => path.join(dataDir, 'admin-token');

/** ADMIN_TOKEN when set; otherwise the token in DATA_DIR/admin-token, written (mode 0600) on first start. */
export function ensureAdminToken(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = adminTokenFile(dataDir);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}

/** For CLI clients: the same rule, but never creates a token. */
export function readAdminToken(dataDir: string, configured: string | undefined): string | undefined {
  if (configured) return configured;
  const file = adminTokenFile(dataDir);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

export function adminTokenMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
