import { h } from './dom.ts';

/*
 * The app's words, Thai first and English on the switch. Data from the server comes in both languages already;
 * `pick` chooses.
 */

export type Language = 'th' | 'en';

let language: Language = localStorage.getItem('thaid-language') === 'en' ? 'en' : 'th';

export const currentLanguage = () => language;

export function setLanguage(next: Language): void {
  language = next;
  localStorage.setItem('thaid-language', next);
  document.documentElement.lang = next;
}

export const pick = (labelled: { th: string; en: string }) => (language === 'th' ? labelled.th || labelled.en : labelled.en || labelled.th);

/** A word in both languages. */
export const w = (th: string, en: string) => pick({ th, en });

/**
 * English the app has in no other language (the server's explanation of a refusal): on a Thai screen marked as
 * English, so that a screen reader reads it with an English voice rather than the page's Thai one.
 */
export const english = (text: string): Node => (language === 'th' ? h('span', { lang: 'en' }, text) : document.createTextNode(text));

const locale = () => (language === 'th' ? 'th-TH' : 'en-GB');

/** A date-time as people in Thailand read it (Buddhist-era years in Thai), in Bangkok time. */
export const dateTime = (iso: string) =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Bangkok' }).format(new Date(iso));

/** A calendar date (YYYY-MM-DD) as written on the card. */
export const calendarDate = (date: string) =>
  new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
