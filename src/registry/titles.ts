/*
 * Titles change with age: a boy (เด็กชาย, Master) becomes นาย (Mr.) and a girl (เด็กหญิง, Miss) becomes
 * นางสาว (Miss) on their 15th birthday, so a record read today gives the title its citizen has today, not the one
 * they had when the synthetic registry was generated.
 */

const ADULT_AGE = 15;
const adultTitles: Record<string, [thai: string, english: string]> = {
  เด็กชาย: ['นาย', 'Mr.'],
  เด็กหญิง: ['นางสาว', 'Miss'],
};

/** Today's date in Thailand, as YYYY-MM-DD. */
const thaiToday = (now: Date) => new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);

/** Whole years from `birthdate` to `today`, both YYYY-MM-DD (a 29 February birthday counts from 1 March). */
function ageOn(birthdate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthdate.slice(0, 4));
  return today.slice(5) >= birthdate.slice(5) ? years : years - 1;
}

/** The Thai and English titles a citizen has on `now`, from the titles in their record and their birth date. */
export function titlesOn(record: { titleTh: string; titleEn: string; birthdate: string }, now = new Date()): [thai: string, english: string] {
  const adult = adultTitles[record.titleTh];
  return adult && ageOn(record.birthdate, thaiToday(now)) >= ADULT_AGE ? adult : [record.titleTh, record.titleEn];
}
