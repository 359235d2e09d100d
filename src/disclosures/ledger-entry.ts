/*
 * What one leaf of the disclosure ledger says. An entry names data items, never their values: the ledger proves
 * what was given to whom without holding a second copy of the registry.
 */

/** Who asked: the agency and its system (an OIDC client), as they were named when the entry was written. */
export interface Requester {
  agency: { id: string; th: string; en: string };
  system: { clientId: string; name: string };
  /** The purpose the system was approved for. */
  purpose: string;
}

/** A response that carried citizen claims to a relying party. */
export interface DisclosureEntry extends Requester {
  kind: 'disclosure';
  /** ISO 8601, the server's clock. */
  at: string;
  pid: string;
  /** The data items whose claims the response carried, by scope name (openid: the sign-in itself). */
  items: string[];
  endpoint: 'token' | 'userinfo';
  api: 'v1' | 'v2';
  grantId: string | null;
  requestId: string | null;
}

/** What a citizen did with a request on their device. */
export type CitizenAnswer = 'approved' | 'denied' | 'wrong_pin' | 'pin_locked' | 'reported' | 'wrong_number';

/**
 * What happened to the citizen's ThaID itself: a phone enrolled for them, an attempt with their card data that
 * failed, or ThaID removed from a phone by the citizen.
 */
export type DeviceEvent = 'device_enrolled' | 'enrolment_failed' | 'device_removed';

/** What the citizen did, on their own phone, with a consent they had given: withdrew it from a system. */
export type ConsentEvent = 'consent_withdrawn';

/** Every event a history shows. */
export type HistoryEventName = CitizenAnswer | DeviceEvent | ConsentEvent;

/**
 * A citizen's answer to a request, an enrolment for them, or a consent they withdrew: an event of the history,
 * not a disclosure. An enrolment's requester is DOPA's ThaID itself, and it asks for no data items; a withdrawal
 * names the system and the data items it may no longer receive.
 */
export interface EventEntry extends Requester {
  kind: 'event';
  at: string;
  pid: string;
  /** The data items the request asked for, or the withdrawn consent had granted. */
  items: string[];
  event: HistoryEventName;
  /** The sign-in answered; none for an enrolment or a withdrawal. */
  loginId?: string;
  /** The device that answered, withdrew, or was enrolled; none for a failed enrolment. */
  deviceId?: string;
}

export type LedgerEntry = DisclosureEntry | EventEntry;

/**
 * The entry's text, whose UTF-8 bytes are the leaf. Whatever writes an entry may serialise it as it likes (the
 * events the database writes itself come out of jsonb); readers hash the stored text and never re-serialise.
 */
export const entryText = (entry: LedgerEntry): string => JSON.stringify(entry);
