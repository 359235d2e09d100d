/**
 * Seedable deterministic randomness. Each (seed, stream) pair gets its own sfc32 generator,
 * so any single citizen can be regenerated without replaying the ones before it.
 */

const TWO_POW_32 = 4294967296;

/** Murmur3's 32-bit finaliser: a cheap avalanche so nearby inputs give unrelated outputs. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes any number of numbers into 32 bits. Each number is split into its low and high
 * 32 bits so that seeds or indices above 2^32 still hash distinctly.
 */
export function hashNumbers(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    const integer = Math.trunc(value);
    const low = integer >>> 0;
    const high = Math.floor(integer / TWO_POW_32) >>> 0;
    h = mix32(h ^ mix32(low + 0x7f4a7c15));
    h = mix32(h ^ mix32(high + 0x2545f491));
  }
  return h;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = hashNumbers(seed, stream, 1);
    this.b = hashNumbers(seed, stream, 2);
    this.c = hashNumbers(seed, stream, 3);
    this.d = 1;
    // sfc32's authors recommend discarding the first outputs so the state is well mixed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** sfc32 step. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [min, maxInclusive]; the bias is negligible for the small ranges used here. */
  int(min: number, maxInclusive: number): number {
    if (maxInclusive < min) throw new RangeError(`empty range [${min}, ${maxInclusive}]`);
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
