import { describe, expect, it } from 'vitest';
import { titlesOn } from '../../src/registry/titles.ts';

const boy = { titleTh: 'เด็กชาย', titleEn: 'Master', birthdate: '2011-12-05' };
const girl = { titleTh: 'เด็กหญิง', titleEn: 'Miss', birthdate: '2011-12-05' };
/** An instant given as a time of day in Thailand (UTC+7). */
const thaiTime = (local: string) => new Date(`${local}+07:00`);

describe('a citizen’s titles on a given day', () => {
  it('are the child titles until the 15th birthday', () => {
    expect(titlesOn(boy, thaiTime('2026-12-04T23:59'))).toEqual(['เด็กชาย', 'Master']);
    expect(titlesOn(girl, thaiTime('2026-12-04T23:59'))).toEqual(['เด็กหญิง', 'Miss']);
  });

  it('become นาย (Mr.) and นางสาว (Miss) from the 15th birthday, counted in Thailand’s time', () => {
    // 00:30 in Bangkok is still the day before in UTC.
    const birthdayMorning = thaiTime('2026-12-05T00:30');
    expect(birthdayMorning.toISOString().slice(0, 10)).toBe('2026-12-04');
    expect(titlesOn(boy, birthdayMorning)).toEqual(['นาย', 'Mr.']);
    expect(titlesOn(girl, birthdayMorning)).toEqual(['นางสาว', 'Miss']);
    expect(titlesOn(boy, thaiTime('2040-01-01T12:00'))).toEqual(['นาย', 'Mr.']);
  });

  it('count a 29 February birthday from 1 March in other years', () => {
    const leapling = { ...boy, birthdate: '2012-02-29' };
    expect(titlesOn(leapling, thaiTime('2027-02-28T12:00'))).toEqual(['เด็กชาย', 'Master']);
    expect(titlesOn(leapling, thaiTime('2027-03-01T12:00'))).toEqual(['นาย', 'Mr.']);
  });

  it('keep an adult’s titles as recorded', () => {
    for (const [th, en] of [['นาง', 'Mrs.'], ['นางสาว', 'Miss'], ['นาย', 'Mr.']] as const) {
      expect(titlesOn({ titleTh: th, titleEn: en, birthdate: '1980-01-01' }, thaiTime('2026-12-04T12:00'))).toEqual([th, en]);
    }
  });
});
