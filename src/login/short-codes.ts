import { randomBytes } from 'node:crypto';

/** Letters and digits that cannot be mistaken for one another when typed from a screen (no I, O, 0, 1). */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Eight characters; 256 is a multiple of the alphabet's 32, so every character is equally likely. */
export function newShortCode(): string {
  return Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

/** As shown on the page: ABCD-2345. */
export const formatShortCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * As a screen reader is to read it, a character at a time: A B C D - 2 3 4 5. Typed as it is, it is the same code
 * (parseShortCode drops the spaces and the dash).
 */
export const spokenShortCode = (code: string) => [...formatShortCode(code)].join(' ');

/** A typed code as stored, or undefined when it cannot be one: dashes and spaces dropped, any case. */
export function parseShortCode(typed: string): string | undefined {
  const code = typed.replace(/[-\s]/g, '').toUpperCase();
  return code.length === 8 && [...code].every((c) => alphabet.includes(c)) ? code : undefined;
}
