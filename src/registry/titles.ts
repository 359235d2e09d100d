/*
 * Titles change with age: a boy (เด็กชาย, Master) becomes นาย (Mr.) and a girl (เด็กหญิง, Miss) becomes
 * นางสาว (Miss) on their 15th birthday, so a record read today gives the title its citizen has today, not the one
 * they had when the synthetic registry was generated.
 */
import type { Sex } from './citizen.ts';

type Titles = [thai: string, english: string];

export const ADULT_AGE = 15;
/** A woman's นาง (Mrs.) comes with marriage, not age, so only the generator chooses it. */
const titlesBySex: Record<Sex, { child: Titles; adult: Titles }> = {
  male: { child: ['เด็กชาย', 'Master'], adult: ['นาย', 'Mr.'] },
  female: { child: ['เด็กหญิง', 'Miss'], adult: ['นางสาว', 'Miss'] },
};
const adultTitles = new Map(Object.values(titlesBySex).map(({ child, adult }) => [child[0], adult]));

/** The titles age alone gives someone of `sex`: a child's before the 15th birthday, an unmarried adult's from it. */
export function titlesAtAge(sex: Sex, age: number): Titles {
  return age < ADULT_AGE ? titlesBySex[sex].child : titlesBySex[sex].adult;
}

/** Today's date in Thailand, as YYYY-MM-DD. */
const thaiToday = (now: Date) => new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);

/** Whole years from `birthdate` to `today`, both YYYY-MM-DD (a 29 February birthday counts from 1 March). */
function ageOn(birthdate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthdate.slice(0, 4));
  return today.slice(5) >= birthdate.slice(5) ? years : years - 1;
}

/** The Thai and English titles a citizen has on `now`, from the titles in their record and their birth date. */
export function titlesOn(record: { titleTh: string; titleEn: string; birthdate: string }, now = new Date()): Titles {
  const adult = adultTitles.get(record.titleTh);
  return adult && ageOn(record.birthdate, thaiToday(now)) >= ADULT_AGE ? adult : [record.titleTh, record.titleEn];
}
