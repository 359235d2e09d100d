/** Deterministic synthetic citizens: the same (seed, index, today) always yields the same person. */
import type { Citizen, Sex } from './citizen.ts';
import { randomAddress } from './addresses.ts';
import { familyNames, femaleGivenNames, femaleMiddleNames, maleGivenNames, maleMiddleNames } from './names.ts';
import { pidCheckDigit } from './pid.ts';
import { Rng, hashNumbers, mix32 } from './random.ts';
import { ADULT_AGE, titlesAtAge } from './titles.ts';

/** Indices 0 .. MAX_CITIZENS_PER_SEED - 1 are guaranteed distinct pids within one seed. */
export const MAX_CITIZENS_PER_SEED = 10_000_000_000;

/** From this age on the issue day, a card never expires. */
const LIFELONG_CARD_AGE = 70;
const LIFELONG_EXPIRY = '9999-12-31';

const CARD_VALIDITY_YEARS = 8;
const FIRST_CARD_AGE = 7;
/** People registered from 1984 on carry a pid starting with 1; those registered earlier, 3. */
const FIRST_BORN_WITH_TYPE_1_PID = 1984;

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on UTC day numbers, so the host time zone can never shift a date.

const MS_PER_DAY = 86_400_000;

interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function calendarDateOf(dayNumber: number): CalendarDate {
  const date = new Date(dayNumber * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function isoDateOf(dayNumber: number): string {
  const { year, month, day } = calendarDateOf(dayNumber);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function parseIsoDate(iso: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(iso)}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day a month/day recurs in a given year; 29 February falls on the 28th in common years. */
function anniversaryDay(month: number, day: number, year: number): number {
  const adjustedDay = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return dayNumberOf(year, month, adjustedDay);
}

/** Completed years of age on a date. */
function ageOn(birth: CalendarDate, on: CalendarDate): number {
  const birthdayNotYetReached = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return on.year - birth.year - (birthdayNotYetReached ? 1 : 0);
}

/**
 * The card runs for 8 years counted from the first birthday on or after the issue day,
 * and expires on that birthday; holders aged 70+ on the issue day get a lifelong card.
 */
function cardExpiryDay(birth: CalendarDate, issueDay: number): number | null {
  const issue = calendarDateOf(issueDay);
  if (ageOn(birth, issue) >= LIFELONG_CARD_AGE) return null;
  const birthdayInIssueYear = anniversaryDay(birth.month, birth.day, issue.year);
  const firstBirthdayYear = birthdayInIssueYear >= issueDay ? issue.year : issue.year + 1;
  return anniversaryDay(birth.month, birth.day, firstBirthdayYear + CARD_VALIDITY_YEARS);
}

/** Expiry date under the generator's rule, for checking hand-written records such as the demo personas. */
export function cardExpiryDate(birthdate: string, issuedOn: string): string {
  const birth = parseIsoDate(birthdate);
  const issue = parseIsoDate(issuedOn);
  const expiry = cardExpiryDay(birth, dayNumberOf(issue.year, issue.month, issue.day));
  return expiry === null ? LIFELONG_EXPIRY : isoDateOf(expiry);
}

// ---------------------------------------------------------------------------------------------
// Pid: the 11 middle digits are a keyed permutation of the index, so uniqueness never depends
// on the random first digit.

const MIDDLE_DIGITS = 11;
const FEISTEL_LOW_SIZE = 1_000_000;
const FEISTEL_HIGH_SIZE = 100_000;
const FEISTEL_ROUNDS = 4;
const PID_KEY_DOMAIN = 0x50494400;

/**
 * A 4-round Feistel network over the mixed-radix domain 10^5 × 10^6 = 10^11: each round is
 * invertible, so distinct indices give distinct digits, yet neighbouring indices look unrelated.
 */
export function pidMiddleDigits(seed: number, index: number): string {
  const key = hashNumbers(seed, PID_KEY_DOMAIN);
  let left = Math.floor(index / FEISTEL_LOW_SIZE);
  let right = index % FEISTEL_LOW_SIZE;
  let leftSize = FEISTEL_HIGH_SIZE;
  let rightSize = FEISTEL_LOW_SIZE;
  for (let round = 0; round < FEISTEL_ROUNDS; round++) {
    const roundValue = mix32(key ^ mix32(right + Math.imul(round + 1, 0x9e3779b1)));
    const newRight = (left + roundValue) % leftSize;
    left = right;
    right = newRight;
    const previousLeftSize = leftSize;
    leftSize = rightSize;
    rightSize = previousLeftSize;
  }
  return String(left * rightSize + right).padStart(MIDDLE_DIGITS, '0');
}

// ---------------------------------------------------------------------------------------------
// Person.

/** Relative population weight per age band, shaped like Thailand's ageing pyramid. */
const AGE_BANDS: readonly { minAge: number; maxAge: number; weight: number }[] = [
  { minAge: 0, maxAge: 4, weight: 4.6 },
  { minAge: 5, maxAge: 9, weight: 5.2 },
  { minAge: 10, maxAge: 14, weight: 5.8 },
  { minAge: 15, maxAge: 19, weight: 6.0 },
  { minAge: 20, maxAge: 24, weight: 6.3 },
  { minAge: 25, maxAge: 29, weight: 6.8 },
  { minAge: 30, maxAge: 34, weight: 7.0 },
  { minAge: 35, maxAge: 39, weight: 7.4 },
  { minAge: 40, maxAge: 44, weight: 7.7 },
  { minAge: 45, maxAge: 49, weight: 7.9 },
  { minAge: 50, maxAge: 54, weight: 7.8 },
  { minAge: 55, maxAge: 59, weight: 7.2 },
  { minAge: 60, maxAge: 64, weight: 6.2 },
  { minAge: 65, maxAge: 69, weight: 5.0 },
  { minAge: 70, maxAge: 74, weight: 3.6 },
  { minAge: 75, maxAge: 79, weight: 2.4 },
  { minAge: 80, maxAge: 84, weight: 1.4 },
  { minAge: 85, maxAge: 89, weight: 0.7 },
  { minAge: 90, maxAge: 95, weight: 0.3 },
];
const AGE_BAND_TOTAL_WEIGHT = AGE_BANDS.reduce((sum, band) => sum + band.weight, 0);

function randomAge(rng: Rng): number {
  let remaining = rng.next() * AGE_BAND_TOTAL_WEIGHT;
  for (const band of AGE_BANDS) {
    remaining -= band.weight;
    if (remaining < 0) return rng.int(band.minAge, band.maxAge);
  }
  return rng.int(0, 95);
}

/** A uniformly random birth day for someone exactly `age` years old on `today`. */
function randomBirthDay(rng: Rng, age: number, today: CalendarDate, todayDay: number): number {
  const latest = age === 0 ? todayDay : anniversaryDay(today.month, today.day, today.year - age);
  const earliest = anniversaryDay(today.month, today.day, today.year - age - 1) + 1;
  return rng.int(earliest, latest);
}

const NATURALISED_SHARE = 0.01;
const MIDDLE_NAME_SHARE = 0.02;

function titlesFor(rng: Rng, sex: Sex, age: number): [thai: string, english: string] {
  if (age < ADULT_AGE || sex === 'male') return titlesAtAge(sex, age);
  const marriedShare = age >= 25 ? 0.6 : age >= 20 ? 0.15 : 0;
  return rng.chance(marriedShare) ? ['นาง', 'Mrs.'] : titlesAtAge(sex, age);
}

const LASER_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomLaserCode(rng: Rng): string {
  let code = LASER_LETTERS.charAt(rng.int(0, 25)) + LASER_LETTERS.charAt(rng.int(0, 25));
  // Two five-digit halves keep each draw well inside the generator's 32 bits.
  code += String(rng.int(0, 99_999)).padStart(5, '0');
  code += String(rng.int(0, 99_999)).padStart(5, '0');
  return code;
}

function randomIal(rng: Rng): number {
  const draw = rng.next();
  if (draw < 0.05) return 1.3;
  if (draw < 0.25) return 2.2;
  return 2.3;
}

/** Issued within the last 8 years, not before the 7th birthday; children under 7 get one after birth. */
function randomIssueDay(rng: Rng, birth: CalendarDate, birthDay: number, today: CalendarDate, todayDay: number): number {
  const eightYearsAgo = anniversaryDay(today.month, today.day, today.year - CARD_VALIDITY_YEARS) + 1;
  const seventhBirthday = anniversaryDay(birth.month, birth.day, birth.year + FIRST_CARD_AGE);
  let earliest = Math.max(eightYearsAgo, seventhBirthday);
  if (earliest > todayDay) earliest = birthDay;
  return rng.int(earliest, todayDay);
}

function assertValidArguments(seed: number, index: number, today: Date): void {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_CITIZENS_PER_SEED) {
    throw new RangeError(`index must be an integer in [0, ${MAX_CITIZENS_PER_SEED}), got ${index}`);
  }
  if (Number.isNaN(today.getTime())) throw new RangeError('today is an invalid Date');
}

export function generateCitizen(seed: number, index: number, today: Date): Citizen {
  assertValidArguments(seed, index, today);
  const rng = new Rng(seed, index);
  const todayDate: CalendarDate = {
    year: today.getUTCFullYear(),
    month: today.getUTCMonth() + 1,
    day: today.getUTCDate(),
  };
  const todayDay = dayNumberOf(todayDate.year, todayDate.month, todayDate.day);

  const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
  const birthDay = randomBirthDay(rng, randomAge(rng), todayDate, todayDay);
  const birth = calendarDateOf(birthDay);
  const age = ageOn(birth, todayDate);

  const firstDigit = rng.chance(NATURALISED_SHARE) ? '8' : birth.year >= FIRST_BORN_WITH_TYPE_1_PID ? '1' : '3';
  const first12 = firstDigit + pidMiddleDigits(seed, index);
  const pid = first12 + String(pidCheckDigit(first12));

  const [titleTh, titleEn] = titlesFor(rng, sex, age);
  const [givenNameTh, givenNameEn] = rng.pick(sex === 'male' ? maleGivenNames : femaleGivenNames);
  const middleName = rng.chance(MIDDLE_NAME_SHARE) ? rng.pick(sex === 'male' ? maleMiddleNames : femaleMiddleNames) : null;
  const [familyNameTh, familyNameEn] = rng.pick(familyNames);

  const address = randomAddress(rng);
  const laserCode = randomLaserCode(rng);
  const issueDay = randomIssueDay(rng, birth, birthDay, todayDate, todayDay);
  const expiryDay = cardExpiryDay(birth, issueDay);
  const ial = randomIal(rng);

  return {
    pid,
    titleTh,
    titleEn,
    givenNameTh,
    middleNameTh: middleName ? middleName[0] : null,
    familyNameTh,
    givenNameEn,
    middleNameEn: middleName ? middleName[1] : null,
    familyNameEn,
    birthdate: isoDateOf(birthDay),
    sex,
    address,
    laserCode,
    cardIssuedOn: isoDateOf(issueDay),
    cardExpiresOn: expiryDay === null ? LIFELONG_EXPIRY : isoDateOf(expiryDay),
    ial,
  };
}

export function generateCitizens(seed: number, start: number, count: number, today: Date): Citizen[] {
  const citizens: Citizen[] = [];
  for (let index = start; index < start + count; index++) {
    citizens.push(generateCitizen(seed, index, today));
  }
  return citizens;
}
