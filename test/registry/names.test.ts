import { describe, it, expect } from 'vitest';
import type { NamePair } from '../../src/registry/names.ts';
import {
  familyNames,
  femaleGivenNames,
  femaleMiddleNames,
  maleGivenNames,
  maleMiddleNames,
} from '../../src/registry/names.ts';

const THAI_ONLY = /^[\u0E00-\u0E7F]+$/;
const CAPITALISED_LATIN = /^[A-Z][a-z]+(-[a-z]+)?$/;

function expectWellFormed(list: readonly NamePair[]): void {
  expect(new Set(list.map(([thai]) => thai)).size).toBe(list.length);
  for (const [thai, english] of list) {
    expect(thai).toMatch(THAI_ONLY);
    expect(english).toMatch(CAPITALISED_LATIN);
  }
}

describe('name lists', () => {
  it('have at least 80 male and 80 female given names and 150 family names', () => {
    expect(maleGivenNames.length).toBeGreaterThanOrEqual(80);
    expect(femaleGivenNames.length).toBeGreaterThanOrEqual(80);
    expect(familyNames.length).toBeGreaterThanOrEqual(150);
  });

  it('pair unique Thai script names with a capitalised romanisation', () => {
    for (const list of [maleGivenNames, femaleGivenNames, familyNames, maleMiddleNames, femaleMiddleNames]) {
      expectWellFormed(list);
    }
  });
});
