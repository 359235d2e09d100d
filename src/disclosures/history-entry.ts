import { allDataItems } from '../oidc/scopes.ts';
import type { DisclosureEntry, HistoryEventName } from './ledger-entry.ts';

/*
 * One entry of a citizen's history, as the device API, the admin API, the export and the CLI show it: read from
 * the ledger entry's stored text. It names data items, never their values (the ledger holds none).
 */

/** A data item by its scope name, with the labels the citizen saw when asked, where it is one of the known items. */
export interface HistoryItem {
  scope: string;
  th?: string;
  en?: string;
}

interface HistoryEntryBase {
  leafIndex: number;
  /** ISO 8601 (UTC), when the server wrote the entry. */
  at: string;
  agency: { id: string; th: string; en: string };
  system: { clientId: string; name: string };
  items: HistoryItem[];
  purpose: string;
}

/** A release of the citizen's data: the token response or a userinfo answer. */
export interface HistoryDisclosure extends HistoryEntryBase {
  kind: 'disclosure';
  endpoint: DisclosureEntry['endpoint'];
}

/** The citizen's answer to a request on their device. */
export interface HistoryEvent extends HistoryEntryBase {
  kind: 'event';
  event: HistoryEventName;
}

export type HistoryEntry = HistoryDisclosure | HistoryEvent;

const labels = new Map(allDataItems.map((item) => [item.scope, item]));

/** A scope name with its Thai and English labels, where it is a known data item (openid is the sign-in itself). */
function historyItem(scope: string): HistoryItem {
  const known = labels.get(scope);
  return known ? { scope, th: known.th, en: known.en } : { scope };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** When the entry says it was written, as ISO 8601 in UTC (events the database writes may carry another offset). */
function instant(value: unknown): string {
  const date = new Date(text(value));
  return Number.isNaN(date.getTime()) ? text(value) : date.toISOString();
}

/**
 * Reads a stored ledger entry (its exact text) into a history entry. Only the fields a history shows are copied,
 * so nothing else an entry might carry reaches an answer.
 */
export function historyEntryOf(leafIndex: number, entryText: string): HistoryEntry {
  const entry = record(JSON.parse(entryText));
  const agency = record(entry['agency']);
  const system = record(entry['system']);
  const items = Array.isArray(entry['items']) ? entry['items'].filter((item): item is string => typeof item === 'string') : [];
  const shared = {
    at: instant(entry['at']),
    agency: { id: text(agency['id']), th: text(agency['th']), en: text(agency['en']) },
    system: { clientId: text(system['clientId']), name: text(system['name']) },
    items: items.map(historyItem),
    purpose: text(entry['purpose']),
  };
  if (entry['kind'] === 'event') return { leafIndex, kind: 'event', ...shared, event: text(entry['event']) as HistoryEventName };
  return { leafIndex, kind: 'disclosure', ...shared, endpoint: text(entry['endpoint']) as DisclosureEntry['endpoint'] };
}
