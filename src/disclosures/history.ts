import type { HistoryEntry } from './history-entry.ts';
import { thailandTime } from '../thailand-time.ts';

/*
 * A citizen's history: the entries of the disclosure ledger that name them, newest first: every release of their
 * data (disclosures) and every answer they gave a request (events). The statements are in history-queries.ts,
 * the reading of one entry in history-entry.ts; here, what the APIs make of them (cursors, periods, the export).
 */

export { citizenHistory, wholeHistory } from './history-queries.ts';
export type { HistoryEntry } from './history-entry.ts';

/**
 * The cursor of the page after one whose last entry has this leaf index. Clients pass it back as it is; it is the
 * leaf index written in decimal, which is all a client may rely on being stable.
 */
export const cursorOf = (before: number | null): string | null => (before === null ? null : String(before));

/** The leaf index a cursor continues before. Cursors are checked at the edge (history-schemas.ts). */
export const beforeOf = (cursor: string | undefined): number | undefined => (cursor === undefined ? undefined : Number(cursor));

/** Thailand's offset from UTC (no daylight saving): a day of a period is a day in Thailand. */
const thailand = '+07:00';
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** The first instant of a period given as a date (from its start in Thailand) or a date-time. */
export function periodStart(value: string): Date {
  return new Date(dateOnly.test(value) ? `${value}T00:00:00${thailand}` : value);
}

/** The instant a period ends before: a date-time itself, or for a date the start of the next day (so the day is in it). */
export function periodEnd(value: string): Date {
  if (!dateOnly.test(value)) return new Date(value);
  const start = new Date(`${value}T00:00:00${thailand}`);
  return new Date(start.getTime() + 24 * 60 * 60 * 1000);
}

/** The export's file name, dated with the day it was made in Thailand, where the citizen saves it. */
export const historyFileName = (format: 'json' | 'csv', exportedAt: Date): string => `thaid-history-${thailandTime(exportedAt).slice(0, 10)}.${format}`;

/** The export's columns, in order, and how each is read from an entry. */
const csvColumns: [string, (entry: HistoryEntry) => string][] = [
  ['leaf_index', (e) => String(e.leafIndex)],
  ['at', (e) => e.at],
  ['kind', (e) => e.kind],
  ['event', (e) => (e.kind === 'event' ? e.event : '')],
  ['endpoint', (e) => (e.kind === 'disclosure' ? e.endpoint : '')],
  ['agency_id', (e) => e.agency.id],
  ['agency_th', (e) => e.agency.th],
  ['agency_en', (e) => e.agency.en],
  ['client_id', (e) => e.system.clientId],
  ['system', (e) => e.system.name],
  ['purpose', (e) => e.purpose],
  ['items', (e) => e.items.map((i) => i.scope).join(' ')],
  ['items_th', (e) => e.items.map((i) => i.th ?? i.scope).join('; ')],
  ['items_en', (e) => e.items.map((i) => i.en ?? i.scope).join('; ')],
];

/**
 * One CSV cell. A cell a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return
 * before one) gets a leading apostrophe, so opening the export runs nothing an agency's name put there; then
 * RFC 4180 quoting where the cell has a comma, a quote or a line break.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The history as CSV (RFC 4180: a header row, CRLF line ends), to be sent as UTF-8. It starts with a byte order
 * mark: a spreadsheet opening the saved file otherwise reads it in the computer's own code page, and the Thai
 * names come out as gibberish.
 */
export function historyCsv(entries: HistoryEntry[]): string {
  const rows = [csvColumns.map(([name]) => name), ...entries.map((entry) => csvColumns.map(([, read]) => read(entry)))];
  return '\uFEFF' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
