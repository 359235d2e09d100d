import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../errors.ts';
import { requireIntactDevice, type IntegrityVerdict } from '../devices/integrity.ts';
import { compareWithTakenAttempt, PinRejectedError } from '../devices/pin-check.ts';
import { withHashingSlot } from '../devices/pin-hash.ts';
import { appendEntry } from '../disclosures/ledger-queries.ts';
import { findDevice, hashToCompare, MAX_FAILED_PIN_ATTEMPTS, type Device, type TakenPinAttempt } from '../devices/queries.ts';
import { deviceRevoked, type SignedStep } from '../devices/request-signature.ts';
import { insertNotification } from '../notifications/queries.ts';
import { grantIdOfSignIn } from '../oidc/grant-queries.ts';
import { allDataItems, dataItemsAmong, type DataItem } from '../oidc/scopes.ts';
import type { BrowserContext } from './browser-context.ts';
import { approveScanned, claimForScan, denyScanned, takePinAttemptToApprove, type ScanNotice } from './device-steps.ts';
import { findLoginTransaction, type LoginTransaction } from './queries.ts';
import { reportAnswered } from './report-step.ts';

/*
 * The citizen's side of a sign-in, as the device API asks it: scan, approve with the PIN, deny, report. Each
 * checks the device and explains a refusal; the moves themselves are the statements of device-steps.ts and
 * report-step.ts. The browser's side is in transactions.ts.
 */

export interface LoginShownOnDevice {
  id: string;
  status: LoginTransaction['status'];
  expiresAt: string;
  agency: { th: string; en: string };
  system: string;
  purpose: string;
  dataItems: DataItem[];
  /** Three numbers; the citizen picks the one the sign-in screen shows (see number-matching.ts). */
  numberChoices: number[];
  /** When the browser started the sign-in. */
  requestedAt: string;
  /** The browser that started it, coarsely, so the citizen can tell whether it is theirs. */
  browser: BrowserContext;
}

/** Who asks: only a relying party that may still act can be answered, or even described. */
function requester(login: LoginTransaction): Pick<LoginShownOnDevice, 'agency' | 'system' | 'purpose'> {
  if (login.agency_name_th === null || login.agency_name_en === null || login.system_name === null || login.purpose === null) {
    throw new ForbiddenError('relying_party_inactive', 'The application asking is no longer permitted to use ThaID.');
  }
  return { agency: { th: login.agency_name_th, en: login.agency_name_en }, system: login.system_name, purpose: login.purpose };
}

/** A sign-in started before browsers were described. */
const unknownBrowser: BrowserContext = { device: 'unknown', browser: '', os: '', network: '' };

/** What the device shows about a request. */
function describe(login: LoginTransaction): LoginShownOnDevice {
  return {
    id: login.id,
    status: login.status,
    expiresAt: login.expires_at.toISOString(),
    ...requester(login),
    dataItems: dataItemsAmong(login.scopes),
    numberChoices: login.number_choices ?? [],
    requestedAt: login.created_at.toISOString(),
    browser: (login.browser as BrowserContext | null) ?? unknownBrowser,
  };
}

const deviceLocked = () =>
  new ForbiddenError('device_locked', `This device is locked after ${MAX_FAILED_PIN_ATTEMPTS} wrong PINs in a row. Enrol it again to use it.`);

/** Why a device cannot take a sign-in it asked for: its own state first, then the sign-in's. */
async function explainUnavailable(db: Kysely<Schema>, ref: { id: string } | { shortCode: string }, deviceId?: string): Promise<never> {
  if (deviceId) {
    const device = await findDevice(db, deviceId);
    if (device?.status !== 'active') throw deviceRevoked();
    if (device.failed_pin_attempts >= MAX_FAILED_PIN_ATTEMPTS) throw deviceLocked();
  }
  const login = await findLoginTransaction(db, ref);
  if (!login) throw new NotFoundError('No sign-in has this code. Check the code, or scan the QR code again.');
  requester(login);
  if (login.status === 'expired') {
    throw new GoneError('login_expired', 'This code has expired. Ask for a new QR code in the browser.');
  }
  if (deviceId && login.status === 'scanned' && login.device_id && login.pid && login.device_id !== deviceId) await warnOfSecondScan(db, login);
  if (login.status === 'cancelled') {
    throw new ConflictError('login_already_used', 'This code was cancelled, or replaced by a new QR code in the browser. Scan the QR code the screen shows now.');
  }
  throw new ConflictError('login_already_used', 'This code was already scanned or answered. Each QR code works once.');
}

/**
 * Another phone scanned a sign-in that a citizen's phone holds and has not answered yet: someone else has its QR
 * code (a screenshot, a relayed link). The citizen is told on the phone that holds it, before they answer.
 */
async function warnOfSecondScan(db: Kysely<Schema>, login: LoginTransaction): Promise<void> {
  const { agency, system } = requester(login);
  await insertNotification(db, {
    pid: login.pid!,
    deviceId: login.device_id!,
    kind: 'second_scan',
    th: `มีอุปกรณ์อื่นสแกนคำขอของ ${agency.th} (${system}) ที่คุณกำลังตอบอยู่ หากคุณไม่ได้เป็นผู้เริ่มการเข้าสู่ระบบนี้ โปรดปฏิเสธ`,
    en: `Another phone scanned the request of ${agency.en} (${system}) that you are answering. If you did not start this sign-in, deny it.`,
    details: { loginId: login.id, clientId: login.client_id },
  });
}

/** The citizen is told of every request for their data, whatever they answer; the scan itself leaves this. */
const dataRequestNotice: ScanNotice = {
  kind: 'data_request',
  th: '%s (%s) ขอข้อมูลของคุณ: %s',
  en: '%s (%s) asks for your data: %s',
  items: JSON.stringify(allDataItems.map(({ scope, th, en }) => ({ scope, th, en }))),
  noItemsTh: 'การเข้าสู่ระบบ',
  noItemsEn: 'sign-in only',
};

/**
 * A device scans a QR code (or types its short code): the request is now this device's to answer. The scan's
 * signed request is recorded by the claim's own statement.
 */
export async function scanLogin(db: Kysely<Schema>, step: SignedStep, ref: { id: string } | { shortCode: string }): Promise<LoginShownOnDevice> {
  const { recorded, login } = await claimForScan(db, step.request, ref, dataRequestNotice);
  step.accepted(recorded);
  // The claim also refuses a device locked by wrong PINs, or revoked since; the explanation says which.
  if (!login) return explainUnavailable(db, ref, step.deviceId);
  return describe(login);
}

/** The browser's side of a sign-in ended before the device answered (the transaction itself ends no later). */
const browserGone = () => new GoneError('login_expired', 'The sign-in ended in the browser before it was answered.');

/** Why a device's answer was not taken: the transaction moved on meanwhile, or, still waiting, lost its browser. */
async function explainUndecided(db: Kysely<Schema>, id: string): Promise<never> {
  if ((await findLoginTransaction(db, { id }))?.status === 'scanned') throw browserGone();
  return explainUnavailable(db, { id });
}

/** The transaction a device answers: one it scanned itself and that is still waiting for its answer. */
function requireScannedBy(deviceId: string, login: LoginTransaction | undefined): LoginTransaction {
  if (!login || login.device_id !== deviceId) throw new NotFoundError('This device has not scanned a sign-in with this id.');
  if (login.status === 'expired') throw new GoneError('login_expired', 'The sign-in expired before it was answered.');
  if (login.status !== 'scanned') throw new ConflictError('login_already_used', `The sign-in was already ${login.status}.`);
  return login;
}

async function scannedBy(db: Kysely<Schema>, device: Device, id: string): Promise<LoginTransaction> {
  return requireScannedBy(device.id, await findLoginTransaction(db, { id }));
}

/**
 * The citizen approves with their PIN: the relying party gets exactly the requested data items. The approval
 * and its notice are written by one statement; the waiting browser turns the approval into the grant and the
 * interaction's result when it comes back (see interaction-results.ts). The approval's signed request is
 * recorded by the statement that takes the PIN attempt.
 */
export async function approveLogin(
  db: Kysely<Schema>,
  step: SignedStep,
  approval: { id: string; pin: string; integrity: IntegrityVerdict; number: number },
): Promise<LoginShownOnDevice> {
  requireIntactDevice(approval.integrity);
  const { recorded, login, details } = await withHashingSlot(async (slot) => {
    // The attempt is taken only when the approval could go on (see takePinAttemptToApprove): a relying party
    // suspended since the scan gets nothing, and no PIN attempt is spent on it.
    const start = await takePinAttemptToApprove(db, { ...step.request, id: approval.id, number: approval.number });
    const recorded = step.accepted(start.recorded);
    const login = requireScannedBy(step.deviceId, start.login);
    const details = describe(login);
    if (login.match_number !== null && login.match_number !== approval.number) {
      slot.release();
      await refuseWrongNumber(db, login.id, step.deviceId);
    }
    const hash = hashToCompare(start.taken);
    try {
      await compareWithTakenAttempt(hash, approval.pin, slot);
    } catch (error) {
      if (error instanceof PinRejectedError && hash !== undefined) await recordWrongPin(db, login, recorded.device_pid, step.deviceId, start.taken!);
      throw error;
    }
    return { recorded, login, details };
  });
  const approved = await approveScanned(db, {
    id: login.id,
    deviceId: step.deviceId,
    notification: {
      pid: recorded.device_pid,
      deviceId: step.deviceId,
      kind: 'login_approved',
      th: `คุณยินยอมให้ ${details.agency.th} (${details.system}) เข้าถึงข้อมูล`,
      en: `You approved ${details.agency.en} (${details.system}) to receive your data.`,
      details: { loginId: login.id, clientId: login.client_id, scopes: login.scopes },
    },
  });
  if (!approved) return explainUndecided(db, login.id);
  return { ...details, status: approved.status };
}

/**
 * The citizen picked a number the sign-in screen does not show: they are not looking at the screen that asks, so
 * the sign-in is refused at once (the browser's relying party gets access_denied) and reported, and no PIN
 * attempt is spent.
 */
async function refuseWrongNumber(db: Kysely<Schema>, id: string, deviceId: string): Promise<never> {
  await reportAnswered(db, { id, deviceId, grantId: grantIdOfSignIn(id) }, 'wrong_number');
  throw new ForbiddenError(
    'number_mismatch',
    'The number picked is not the one on the sign-in screen, so this sign-in was refused. If you started it, start again and pick the number the screen shows.',
  );
}

/**
 * A PIN found wrong is an event of the citizen's history: `pin_locked` when it used up the last attempt. A PIN
 * refused unchecked, because no attempt was left when it came, is none: the device's state is not known yet
 * while another attempt is being checked, whose right PIN gives every attempt back. Written after the attempt
 * was taken, so a failure here costs the guesser nothing back.
 */
async function recordWrongPin(db: Kysely<Schema>, login: LoginTransaction, pid: string, deviceId: string, taken: TakenPinAttempt) {
  const locked = taken.failed_pin_attempts >= MAX_FAILED_PIN_ATTEMPTS;
  await appendEntry(db, {
    kind: 'event',
    at: new Date().toISOString(),
    pid,
    agency: { id: login.agency_id ?? '', th: login.agency_name_th ?? '', en: login.agency_name_en ?? '' },
    system: { clientId: login.client_id, name: login.system_name ?? '' },
    purpose: login.purpose ?? '',
    items: login.scopes,
    event: locked ? 'pin_locked' : 'wrong_pin',
    loginId: login.id,
    deviceId,
  });
}

/** The citizen refuses: the relying party gets access_denied and nothing else. */
export async function denyLogin(db: Kysely<Schema>, device: Device, id: string): Promise<{ id: string; status: LoginTransaction['status'] }> {
  const login = await scannedBy(db, device, id);
  const denied = await denyScanned(db, { id: login.id, deviceId: device.id });
  if (!denied) return explainUndecided(db, login.id);
  return { id: denied.id, status: denied.status };
}

/**
 * "This wasn't me": the device that scanned a sign-in says the citizen did not start it. Before the answer it is
 * refused; after an approval it is refused after the fact and what it granted ends (see reportAnswered).
 */
export async function reportLogin(
  db: Kysely<Schema>,
  device: Device,
  id: string,
): Promise<{ id: string; status: LoginTransaction['status']; grantEnded: boolean }> {
  const reported = await reportAnswered(db, { id, deviceId: device.id, grantId: grantIdOfSignIn(id) });
  if (reported) return { id, status: reported.status, grantEnded: reported.reported_after === 'approved' };
  const login = await findLoginTransaction(db, { id });
  if (!login || login.device_id !== device.id) throw new NotFoundError('This device has not scanned a sign-in with this id.');
  if (login.status === 'expired') throw new GoneError('login_expired', 'The sign-in expired unanswered; nothing was released.');
  throw new ConflictError('login_already_used', `The sign-in was already ${login.status}; a reported sign-in is reported once.`);
}
