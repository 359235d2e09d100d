import { describe, it, expect } from 'vitest';
import { formatPid, isValidPid, pidCheckDigit } from '../../src/registry/pid.ts';

describe('pidCheckDigit', () => {
  it('matches hand-computed values', () => {
    // 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2 = 352 ≡ 0 (mod 11) → 11 % 10 = 1
    expect(pidCheckDigit('123456789012')).toBe(1);
    // 13 + 12 + 30 + 6 + 10 + 12 + 12 + 10 = 105 ≡ 6 → 5
    expect(pidCheckDigit('110300012345')).toBe(5);
    // 13 ≡ 2 → 9
    expect(pidCheckDigit('100000000000')).toBe(9);
    // 13 + 5·2 = 23 ≡ 1 → 10 % 10 = 0
    expect(pidCheckDigit('100000000005')).toBe(0);
  });

  it('refuses input that is not exactly 12 ASCII digits', () => {
    expect(() => pidCheckDigit('12345678901')).toThrow(RangeError);
    expect(() => pidCheckDigit('1234567890123')).toThrow(RangeError);
    expect(() => pidCheckDigit('12345678901a')).toThrow(RangeError);
  });
});

describe('isValidPid', () => {
  it('accepts pids whose last digit is the check digit', () => {
    expect(isValidPid('1234567890121')).toBe(true);
    expect(isValidPid('1103000123455')).toBe(true);
    expect(isValidPid('1000000000050')).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    for (let digit = 0; digit <= 9; digit++) {
      if (digit === 1) continue;
      expect(isValidPid(`123456789012${digit}`)).toBe(false);
    }
  });

  it('rejects a leading zero, wrong lengths and non-ASCII digits', () => {
    expect(isValidPid('0123456789012')).toBe(false);
    expect(isValidPid('123456789012')).toBe(false);
    expect(isValidPid('12345678901210')).toBe(false);
    expect(isValidPid('1-2345-67890-12-1')).toBe(false);
    expect(isValidPid('๑๒๓๔๕๖๗๘๙๐๑๒๑')).toBe(false);
    expect(isValidPid('')).toBe(false);
  });
});

describe('formatPid', () => {
  it('groups the digits as printed on the card', () => {
    expect(formatPid('1234567890121')).toBe('1-2345-67890-12-1');
  });
});
