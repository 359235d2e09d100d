import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Signs and checks cookie values for Koa (and the provider's cookies) in place of Keygrip, which turns each key
 * into an HMAC key again for every signature and compares with two further HMACs. Here each key is prepared
 * once and signatures are compared in constant time directly. Signatures are HMAC-SHA-256, base64url.
 * The first key signs; all of them verify, so a new key can be put in front of the old one.
 */
export class CookieSigner {
  readonly #keys: KeyObject[];

  constructor(keys: string[]) {
    if (keys.length === 0) throw new Error('At least one cookie key is needed');
    this.#keys = keys.map((key) => createSecretKey(Buffer.from(key, 'utf8')));
  }

  sign(data: string): string {
    return this.#signWith(this.#keys[0]!, data);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  /** Which key made `digest`, or -1 when none did. */
  index(data: string, digest: string): number {
    const given = Buffer.from(String(digest), 'utf8');
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = Buffer.from(this.#signWith(this.#keys[i]!, data), 'utf8');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return i;
    }
    return -1;
  }

  #signWith(key: KeyObject, data: string): string {
    return createHmac('sha256', key).update(data).digest('base64url');
  }
}
