import type { IndexColumnsBody } from '../disclosures/ledger-schemas.ts';

/*
 * The columns migration 0013's trigger reads from an entry's text (pid, kind, agency, system, items, time) are
 * not covered by the leaf hash, yet a citizen's history and an agency's counts are found by them. The auditor
 * derives them from the text as the trigger does and compares: an edited column would otherwise move an entry
 * out of one citizen's history, or into another's, unseen.
 */

// Like PostgreSQL's ->> and jsonb_array_elements_text: a string as it is, anything else as its JSON text.
const asText = (value: unknown): string | null => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value));

/** Microseconds since the epoch (a timestamptz's resolution) of an ISO 8601 instant, or null when it is not one. */
function microsecondsOf(instant: string): bigint | null {
  const match = /^(.+T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(instant);
  if (!match) return null;
  const [, seconds, fraction = '', zone] = match;
  const whole = Date.parse(`${seconds}${zone!.length === 3 ? `${zone}:00` : zone}`);
  if (Number.isNaN(whole)) return null;
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/** The names of the columns that differ from what the trigger would read from the text, in the table's order. */
export function columnsNotMatchingText(entryText: string, columns: IndexColumnsBody): string[] {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(entryText) as Record<string, unknown>;
  } catch {
    // Its leaf hash says whether the text was changed; no column can match a text that is not JSON.
    return Object.keys(columns);
  }
  const nested = (object: unknown, key: string) => (object && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined);
  const items = Array.isArray(entry['items']) ? entry['items'].map(asText) : null;
  const at = typeof entry['at'] === 'string' ? microsecondsOf(entry['at']) : null;
  const stored = microsecondsOf(columns.created_at);
  const differing = {
    pid: asText(entry['pid']) !== columns.pid,
    kind: asText(entry['kind']) !== columns.kind,
    agency_id: asText(nested(entry['agency'], 'id')) !== columns.agency_id,
    client_id: asText(nested(entry['system'], 'clientId')) !== columns.client_id,
    items: items === null || items.length !== columns.items.length || items.some((item, i) => item !== columns.items[i]),
    created_at: at === null || stored === null || at !== stored,
  };
  return Object.entries(differing)
    .filter(([, differs]) => differs)
    .map(([name]) => name);
}

/** What is wrong with leaf `leafIndex` when its index columns are not what its text says; undefined when they are. */
export function indexColumnsMismatch(leafIndex: number, entry: string, columns: IndexColumnsBody): string | undefined {
  const differing = columnsNotMatchingText(entry, columns);
  if (differing.length === 0) return undefined;
  const consequence = differing.includes('pid')
    ? "the citizen's history would show it to the wrong citizen or not at all"
    : 'histories and counts would show it with what the columns say, not what it says';
  return `leaf ${leafIndex}'s index columns (${differing.join(', ')}) do not match its text: ${consequence}`;
}
