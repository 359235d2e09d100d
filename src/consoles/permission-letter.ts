import type { Context } from 'koa';
import type { PermissionLetter } from '../applications/views.ts';
import { shownPid, thailandTime } from './formatting.ts';
import type { PageAction } from './page-errors.ts';
import { renderPage } from './pages.ts';
import { dataItemLabel } from './staff-labels.ts';

/*
 * The permission letter as a printable page (views/consoles/permission-letter.eta), for both consoles: the staff
 * console shows it at /staff/letters/:number, and the agency portal can show its agencies' letters with the same
 * template from its own route. The template reads the letter object of src/applications/letters.ts as it is.
 */

const thaiDate = new Intl.DateTimeFormat('th-TH-u-ca-buddhist', { dateStyle: 'long', timeZone: 'UTC' });
const englishDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** The letter's date (YYYY-MM-DD in Thailand) as it is written on a letter: 3 ธันวาคม 2569, 3 December 2026. */
function letterDate(issuedOn: string): { th: string; en: string } {
  const day = new Date(`${issuedOn}T00:00:00Z`);
  return { th: thaiDate.format(day), en: englishDate.format(day) };
}

export interface LetterPageOptions {
  /** Links above the letter, hidden when printed (back to the application or the agency, say). */
  links?: PageAction[];
  /** Staff only: the citizen IDs of who prepared and who approved it. An agency's copy names neither. */
  showSignatories?: boolean;
  /** Where the application it answers is shown to this reader, if anywhere. */
  applicationHref?: string | null;
}

/** Answers with the letter's page inside the console's layout. */
export function renderPermissionLetter(ctx: Context, letter: PermissionLetter, options: LetterPageOptions = {}): void {
  renderPage(ctx, 'permission-letter', {
    title: { th: `หนังสืออนุญาต ${letter.number}`, en: `Permission letter ${letter.number}` },
    letter,
    date: letterDate(letter.issuedOn),
    itemLabel: dataItemLabel,
    links: options.links ?? [],
    signatories: options.showSignatories
      ? { preparedBy: shownPid(letter.preparedBy), approvedBy: shownPid(letter.approvedBy), at: thailandTime(letter.issuedAt) }
      : null,
    applicationHref: options.applicationHref ?? null,
  });
}
