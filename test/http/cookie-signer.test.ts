import { describe, expect, it } from 'vitest';
import { CookieSigner } from '../../src/http/cookie-signer.ts';

describe('cookie signatures', () => {
  const signer = new CookieSigner(['current-key-0123456789', 'previous-key-0123456789']);

  it('verify what the first key signed, and nothing altered', () => {
    const signature = signer.sign('_interaction=abc');
    expect(signature).toMatch(/^[\w-]{43}$/);
    expect(signer.verify('_interaction=abc', signature)).toBe(true);
    expect(signer.verify('_interaction=abd', signature)).toBe(false);
    expect(signer.verify('_interaction=abc', `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('still accept a value signed with an older key, and say which key it was', () => {
    const old = new CookieSigner(['previous-key-0123456789']).sign('_session=xyz');
    expect(signer.index('_session=xyz', old)).toBe(1);
    expect(new CookieSigner(['other-key-0123456789']).index('_session=xyz', old)).toBe(-1);
  });

  it('refuse signatures of another length or kind without throwing', () => {
    expect(signer.index('v', '')).toBe(-1);
    expect(signer.index('v', 'short')).toBe(-1);
    expect(signer.index('v', 'ä'.repeat(43))).toBe(-1);
    expect(signer.index('v', undefined as unknown as string)).toBe(-1);
  });

  it('need at least one key', () => {
    expect(() => new CookieSigner([])).toThrow(/cookie key/);
  });
});
