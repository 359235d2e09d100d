import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/registry/random.ts';

function draws(seed: number, stream: number, count: number): number[] {
  const rng = new Rng(seed, stream);
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    expect(draws(7, 3, 50)).toEqual(draws(7, 3, 50));
  });

  it('gives different sequences for different seeds or streams', () => {
    expect(draws(7, 3, 10)).not.toEqual(draws(8, 3, 10));
    expect(draws(7, 3, 10)).not.toEqual(draws(7, 4, 10));
    // Streams beyond 2^32 must not wrap onto small ones.
    expect(draws(7, 2 ** 32 + 3, 10)).not.toEqual(draws(7, 3, 10));
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const value = rng.int(-2, 3);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(-2);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('picks only items of the list and refuses an empty list', () => {
    const rng = new Rng(2);
    const items = ['a', 'b', 'c'] as const;
    for (let i = 0; i < 100; i++) expect(items).toContain(rng.pick(items));
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('returns true from chance(p) about p of the time', () => {
    const rng = new Rng(3);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (rng.chance(0.3)) hits++;
    expect(hits / 100_000).toBeCloseTo(0.3, 1);
  });
});
