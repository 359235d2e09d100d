import { formatPid } from '../registry/pid.ts';

export { thailandTime } from '../thailand-time.ts';

/** A citizen ID grouped as on the card (1-2345-67890-12-3); anything else as it is. */
export const shownPid = (value: string): string => (/^\d{13}$/.test(value) ? formatPid(value) : value);

/** A citizen's name in Thai with the title, as the registry has it. */
export const thaiFullName = (c: { titleTh: string; givenNameTh: string; middleNameTh: string | null; familyNameTh: string }): string =>
  `${c.titleTh}${c.givenNameTh}${c.middleNameTh ? ` ${c.middleNameTh}` : ''} ${c.familyNameTh}`;
