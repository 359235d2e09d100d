/**
 * A ThaID PIN is exactly 8 digits and must not be easy to guess: not one digit repeated, not a run up or
 * down, not the citizen's birth date in the forms people use (Gregorian or Buddhist-era year).
 */
export function pinProblems(pin: string, birthdate: string): string[] {
  if (!/^\d{8}$/.test(pin)) return ['The PIN must be exactly 8 digits.'];
  const problems: string[] = [];
  if (/^(\d)\1{7}$/.test(pin)) problems.push('The PIN must not be one digit repeated.');
  if (isRun(pin, 1) || isRun(pin, -1)) problems.push('The PIN must not be a run of digits such as 12345678 or 87654321.');
  if (birthdateForms(birthdate).includes(pin)) problems.push('The PIN must not be your date of birth.');
  return problems;
}

function isRun(pin: string, step: 1 | -1): boolean {
  for (let i = 1; i < pin.length; i++) {
    if ((Number(pin[i - 1]) + step + 10) % 10 !== Number(pin[i])) return false;
  }
  return true;
}

/** DDMMYYYY, YYYYMMDD and MMDDYYYY, each with the Gregorian and the Buddhist-era (+543) year. */
function birthdateForms(birthdate: string): string[] {
  const [year, month, day] = birthdate.split('-');
  if (!year || !month || !day) return [];
  const years = [year, String(Number(year) + 543)];
  return years.flatMap((y) => [`${day}${month}${y}`, `${y}${month}${day}`, `${month}${day}${y}`]);
}
