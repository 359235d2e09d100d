/**
 * A ThaID PIN is exactly 8 digits and must not be easy to guess: not one digit repeated, not a run up or down,
 * not a pattern people reach for (a pair or a half repeated, digits doubled, two blocks of one digit, a
 * palindrome, a path along the keypad, a shape or a famous number people often choose), not a date in the forms
 * people use (Gregorian or Buddhist-era year; the citizen's own birth date above all, and any other, as a
 * family member's birthday or a wedding day is as easy to find out), and not eight digits in a row of their
 * citizen ID.
 */
export function pinProblems(pin: string, citizen: { birthdate: string; pid: string }): string[] {
  if (!/^\d{8}$/.test(pin)) return ['The PIN must be exactly 8 digits.'];
  const problems: string[] = [];
  if (/^(\d)\1{7}$/.test(pin)) problems.push('The PIN must not be one digit repeated.');
  else if (isRun(pin, 1) || isRun(pin, -1)) problems.push('The PIN must not be a run of digits such as 12345678 or 87654321.');
  else if (patterned(pin)) problems.push('The PIN must not be a pattern such as 12121212, 12341234, 11223344, 11112222, 12344321 or a path along the keypad such as 12365478.');
  else if (commonPins.has(pin)) problems.push('The PIN is one of the most often chosen: pick digits with no pattern.');
  if (birthdateForms(citizen.birthdate).includes(pin)) problems.push('The PIN must not be your date of birth.');
  else if (isCalendarDate(pin)) problems.push('The PIN must not be a date: birthdays and anniversaries are among the first PINs anyone tries.');
  if (citizen.pid.includes(pin)) problems.push('The PIN must not be taken from your citizen ID number.');
  return problems;
}

function isRun(pin: string, step: 1 | -1): boolean {
  for (let i = 1; i < pin.length; i++) {
    if ((Number(pin[i - 1]) + step + 10) % 10 !== Number(pin[i])) return false;
  }
  return true;
}

const patterns = [
  /^(\d\d)\1{3}$/, // a pair repeated: 12121212
  /^(\d{4})\1$/, // a half repeated: 12341234, 25672567
  /^(\d)\1(\d)\2(\d)\3(\d)\4$/, // every digit doubled: 11223344
  /^(\d)\1{3}(\d)\2{3}$/, // two blocks of one digit: 11112222
];

function patterned(pin: string): boolean {
  return patterns.some((pattern) => pattern.test(pin)) || pin === [...pin].reverse().join('') || isKeypadWalk(pin);
}

/** Where each key sits on a phone's keypad: rows 1-2-3, 4-5-6, 7-8-9, and 0 under 8. */
const keyAt: Record<string, [number, number]> = {
  '1': [0, 0], '2': [0, 1], '3': [0, 2], '4': [1, 0], '5': [1, 1], '6': [1, 2], '7': [2, 0], '8': [2, 1], '9': [2, 2], '0': [3, 1],
};

/** Eight different keys, each beside the one before (up, down, left or right): a path traced with a thumb. */
function isKeypadWalk(pin: string): boolean {
  if (new Set(pin).size !== pin.length) return false;
  for (let i = 1; i < pin.length; i++) {
    const [r1, c1] = keyAt[pin[i - 1]!]!;
    const [r2, c2] = keyAt[pin[i]!]!;
    if (Math.abs(r1 - r2) + Math.abs(c1 - c2) !== 1) return false;
  }
  return true;
}

/*
 * PINs of the kinds people choose far more often than chance that the rules above do not catch: shapes on the
 * keypad that jump (columns, rows, diagonals, crosses), steps of two, counting by tens, and well-known numbers.
 * Assembled from these kinds of choice, not from a measured frequency list; with the rules, about 30,000 of the
 * 100,000,000 PINs are refused, and dates refuse about 383,000 more.
 */
const commonPins = new Set([
  // keypad columns and rows, each way
  '14725836', '25836914', '36925814', '36914725', '74185296', '85274196', '96385274', '96374185', '14736925', '74196385',
  '12345698', '78945612', '45678912', '32165498', '98765412', '65432198', '78912345', '45612378',
  // diagonals, crosses, borders and corners
  '15935746', '35715948', '75395146', '95175346', '15975346', '35795148',
  '25845685', '28465852', '24685286', '13792846', '19375428', '17932846',
  // steps of two, odd and even digits, counting by tens
  '13579246', '24681357', '02468135', '97531864', '86429753', '13572468', '24680135', '02461357', '01357924', '97532468',
  '10203040', '01020304', '20304050', '12300123', '10002000', '12131415',
  '11121314', '21222324', '10111213', '01234560', '12345670', '12345600', '12345000', '11111112', '12222222',
  // numbers people know: pi, e, roots, the Fibonacci and square numbers, "I love you forever"
  '31415926', '27182818', '14142135', '17320508', '11235813', '01123581', '14916253', '52013140', '52013141', '13145200',
  // words on the keypad: PASSWORD, ILOVEYOU, THAILAND
  '72779673', '45683968', '84245263',
]);

/** Years a date in a PIN is taken to be in: 1900 to 2100, Gregorian or Buddhist era (+543). */
const isDateYear = (year: number) => (year >= 1900 && year <= 2100) || (year >= 2443 && year <= 2643);

function isDate(year: number, month: number, day: number): boolean {
  if (!isDateYear(year) || month < 1 || month > 12 || day < 1) return false;
  // The Gregorian calendar's month lengths serve for a Buddhist-era year too: the eras are 543 years apart.
  const gregorian = year > 2400 ? year - 543 : year;
  return day <= new Date(Date.UTC(gregorian, month, 0)).getUTCDate();
}

/** Whether the PIN reads as a date as DDMMYYYY, YYYYMMDD or MMDDYYYY. */
function isCalendarDate(pin: string): boolean {
  const n = (from: number, to: number) => Number(pin.slice(from, to));
  return isDate(n(4, 8), n(2, 4), n(0, 2)) || isDate(n(0, 4), n(4, 6), n(6, 8)) || isDate(n(4, 8), n(0, 2), n(2, 4));
}

/** DDMMYYYY, YYYYMMDD and MMDDYYYY, each with the Gregorian and the Buddhist-era (+543) year. */
function birthdateForms(birthdate: string): string[] {
  const [year, month, day] = birthdate.split('-');
  if (!year || !month || !day) return [];
  const years = [year, String(Number(year) + 543)];
  return years.flatMap((y) => [`${day}${month}${y}`, `${y}${month}${day}`, `${month}${day}${y}`]);
}
