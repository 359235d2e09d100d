import { createHmac } from 'node:crypto';

/**
 * Subjects are pairwise per agency: every system of one agency sees the same `sub` for a citizen, and two
 * agencies cannot link their users through it. The pid is released only through the pid scope.
 */
export function subjectFor(salt: string, agencyId: string, pid: string): string {
  return createHmac('sha256', salt).update(`${agencyId}:${pid}`).digest('base64url');
}

/**
 * oidc-provider groups pairwise subjects by a sector and, for a system whose redirect URIs have several hosts
 * (localhost and 127.0.0.1, say), wants a sector_identifier_uri that it would fetch. Our sector is the agency,
 * so every system names it with a URI that is never fetched (sectorIdentifierUriValidate is off).
 */
export function agencySectorUri(agencyId: string): string {
  return `https://agencies.sector.invalid/${agencyId}`;
}
