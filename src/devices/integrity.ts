import { ForbiddenError } from '../errors.ts';

/** What the phone's integrity check said about itself; the app sends it with enrolment and every approval. */
export const integrityVerdicts = ['intact', 'rooted', 'jailbroken'] as const;
export type IntegrityVerdict = (typeof integrityVerdicts)[number];

export function requireIntactDevice(verdict: IntegrityVerdict): void {
  if (verdict !== 'intact') {
    throw new ForbiddenError(
      'device_integrity_failed',
      `ThaID cannot be used on a ${verdict} phone. Use a phone whose operating system has not been modified.`,
    );
  }
}
