import QRCode from 'qrcode';
import { escapeHtml, html, render } from '../http/views.ts';
import { allDataItems } from '../oidc/scopes.ts';
import type { LoginTransaction } from './queries.ts';
import { adviceFor, EXPIRY_WARNING_SECONDS, type ExpiryAdvice } from './expiry-warning.ts';
import { loginPagePath } from './paths.ts';
import { QR_WINDOW_SECONDS } from './qr-links.ts';
import { formatShortCode, spokenShortCode } from './short-codes.ts';

const bangkokTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', timeStyle: 'medium' });

/** The status in Thai and in English: the page marks the English as English, for a screen reader's voice. */
const statusText: Record<LoginTransaction['status'], [th: string, en: string]> = {
  pending: ['รอการสแกน', 'Waiting for the QR code to be scanned'],
  scanned: ['สแกนแล้ว รอการยืนยันด้วย PIN', 'Scanned; waiting for approval with the PIN'],
  approved: ['ยืนยันแล้ว กำลังดำเนินการต่อ', 'Approved; continuing'],
  denied: ['ปฏิเสธแล้ว', 'Refused'],
  expired: ['QR code หมดอายุ', 'The QR code has expired'],
  cancelled: [
    'ยกเลิกแล้ว: โทรศัพท์ที่สแกนไม่ได้ลงทะเบียนไว้แล้ว หรือมีการยกเลิกการเข้าสู่ระบบ',
    'Cancelled: the phone that scanned it is no longer registered, or the sign-in was cancelled',
  ],
};

/** What the page adds to the status near the code's end: what to do, by the advice for it. */
const expiryWarnings: Record<ExpiryAdvice, [th: string, en: string]> = {
  renew: [
    `QR code นี้จะหมดอายุภายใน ${EXPIRY_WARNING_SECONDS} วินาที หากต้องการเวลาเพิ่ม ให้ขอ QR code ใหม่`,
    `This QR code expires within ${EXPIRY_WARNING_SECONDS} seconds; if you need more time, show a new QR code`,
  ],
  sign_in_ends: [
    `การเข้าสู่ระบบครั้งนี้จะสิ้นสุดภายใน ${EXPIRY_WARNING_SECONDS} วินาที หากไม่ทัน ให้เริ่มใหม่จากบริการที่กำลังเข้าใช้`,
    `This sign-in ends within ${EXPIRY_WARNING_SECONDS} seconds; if that is not enough, start again from the service you are signing in to`,
  ],
  answer_on_phone: [
    `ยืนยันด้วย PIN บนโทรศัพท์ภายใน ${EXPIRY_WARNING_SECONDS} วินาที ก่อน QR code นี้หมดอายุ`,
    `Approve with your PIN on the phone within ${EXPIRY_WARNING_SECONDS} seconds, before this code expires`,
  ],
};

const phraseHtml = ([th, en]: [string, string]) => `${escapeHtml(th)} · <span lang="en">${escapeHtml(en)}</span>`;

/** The QR code of an app link, as SVG. */
export function qrSvg(appLink: string): Promise<string> {
  // One byte-mode segment: a URL gains nothing from the library's search for the shortest mix of modes.
  const svg = QRCode.toString([{ data: Buffer.from(appLink), mode: 'byte' }], { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  // The page names the picture once, on its frame (.qr-image); the drawing itself says nothing to a screen reader.
  return svg.then((drawn) => drawn.replace(/^<svg /, '<svg aria-hidden="true" focusable="false" '));
}

/**
 * The browser's login page: the request, the QR code (of `appLink`, its app link now) and short code while it is
 * open, and its status; near the code's end, a warning, which depends on when the sign-in ends
 * (`interactionEndsAt`, epoch seconds). The page's script gives the same warning when its time comes.
 */
export async function loginPage(uid: string, login: LoginTransaction, appLink: string, interactionEndsAt: number): Promise<string> {
  const open = login.status === 'pending' || login.status === 'scanned';
  const pendingAdvice = adviceFor({ ...login, status: 'pending' }, interactionEndsAt);
  const advice = adviceFor(login, interactionEndsAt);
  // A page drawn in the warning's time (the reload without JavaScript) gives it at once.
  const warnNow = open && login.seconds_left <= EXPIRY_WARNING_SECONDS;
  const offerRenewal = !open || (warnNow && advice === 'renew');
  const items = allDataItems
    .filter((item) => login.scopes.includes(item.scope))
    .map((item) => `<li>${escapeHtml(item.th)} <span class="muted">· <span lang="en">${escapeHtml(item.en)}</span></span></li>`)
    .join('');
  return render('login', 'เข้าสู่ระบบด้วย ThaID · Sign in with ThaID', {
    // Blank once the relying party may no longer act; the provider refuses it on its next request anyway.
    agency: login.agency_name_th ?? '',
    // An agency registered with one name only has it as its English name too: show it once.
    agencyEn: login.agency_name_en === login.agency_name_th ? '' : (login.agency_name_en ?? ''),
    system: login.system_name ?? '',
    purpose: login.purpose ?? '',
    items: html(items || '<li>การเข้าสู่ระบบเท่านั้น · <span lang="en">Sign-in only (no personal data)</span></li>'),
    qr: html(open ? await qrSvg(appLink) : ''),
    appLink,
    qrSeconds: String(QR_WINDOW_SECONDS),
    shortCode: formatShortCode(login.short_code),
    shortCodeSpoken: spokenShortCode(login.short_code),
    matchNumber: login.match_number === null ? '' : String(login.match_number),
    status: login.status,
    statusHtml: html(phraseHtml(statusText[login.status]) + (warnNow ? ` <span class="expiry-warning">${phraseHtml(expiryWarnings[advice])}</span>` : '')),
    // The page's script shows the same words when the status changes.
    statusTexts: JSON.stringify(statusText),
    expiresAt: login.expires_at.toISOString(),
    // Counted from now rather than a time of day: the browser's clock may be wrong.
    secondsLeft: String(Math.floor(login.seconds_left)),
    warningSeconds: String(EXPIRY_WARNING_SECONDS),
    // By status, as a scan may come after the warning; a new code is offered only where it gains time.
    warningTexts: JSON.stringify({ pending: expiryWarnings[pendingAdvice], scanned: expiryWarnings.answer_on_phone }),
    renewable: String(pendingAdvice === 'renew'),
    expiresAtText: bangkokTime.format(login.expires_at),
    pagePath: loginPagePath(uid),
    hidden: open ? '' : 'hidden',
    // Without JavaScript the page reloads itself while the code is open, and stops once it has no future. It
    // names its address: the first page is the authorization endpoint's answer, and reloading that would start
    // another sign-in.
    refresh: html(open ? `<meta http-equiv="refresh" content="5; url=${escapeHtml(loginPagePath(uid))}">` : ''),
    renewHidden: offerRenewal ? '' : 'hidden',
    renewFocus: open ? '' : 'autofocus',
  });
}
