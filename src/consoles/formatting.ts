import { formatPid } from '../registry/pid.ts';

/** How the consoles write times: Thailand time, to the second, e.g. 2026-01-31 09:00:05. */
const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Bangkok',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function thailandTime(at: Date): string {
  const p = Object.fromEntries(parts.formatToParts(at).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A citizen ID grouped as on the card (1-2345-67890-12-3); anything else as it is. */
export const shownPid = (value: string): string => (/^\d{13}$/.test(value) ? formatPid(value) : value);

/** A citizen's name in Thai with the title, as the registry has it. */
export const thaiFullName = (c: { titleTh: string; givenNameTh: string; middleNameTh: string | null; familyNameTh: string }): string =>
  `${c.titleTh}${c.givenNameTh}${c.middleNameTh ? ` ${c.middleNameTh}` : ''} ${c.familyNameTh}`;
