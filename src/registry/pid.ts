/** Thai citizen identification numbers (เลขประจำตัวประชาชน): 13 digits, the last a mod-11 check digit. */

// The first digit is the holder's category: 1 to 8 for people registered as Thai citizens.
const PID_PATTERN = /^[1-8][0-9]{12}$/;
const FIRST_TWELVE_PATTERN = /^[0-9]{12}$/;

/** Check digit for the first 12 digits: (11 - Σ digit[i]·(13 − i) mod 11) mod 10. */
export function pidCheckDigit(first12: string): number {
  if (!FIRST_TWELVE_PATTERN.test(first12)) {
    throw new RangeError(`expected 12 ASCII digits, got ${JSON.stringify(first12)}`);
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    sum += (first12.charCodeAt(i) - 48) * (13 - i);
  }
  return (11 - (sum % 11)) % 10;
}

export function isValidPid(pid: string): boolean {
  if (!PID_PATTERN.test(pid)) return false;
  return pidCheckDigit(pid.slice(0, 12)) === pid.charCodeAt(12) - 48;
}

/** The grouping printed on the card: 1-2345-67890-12-3 (the card itself separates with spaces). */
export function formatPid(pid: string, separator = '-'): string {
  if (!/^[0-9]{13}$/.test(pid)) {
    throw new RangeError(`expected 13 ASCII digits, got ${JSON.stringify(pid)}`);
  }
  return [pid.slice(0, 1), pid.slice(1, 5), pid.slice(5, 10), pid.slice(10, 12), pid.slice(12)].join(separator);
}
