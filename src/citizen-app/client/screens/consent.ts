import type { App, Screen } from '../app-state.ts';
import type { LoginRequest } from '../api-types.ts';
import { ApiError } from '../device-api.ts';
import { h, messageBox, type Words } from '../dom.ts';
import { errorText } from '../errors.ts';
import { dateTime, pick, w } from '../i18n.ts';
import { pinKeypad } from '../pin-keypad.ts';
import { describeBrowser } from '../../../login/browser-description.ts';
import { reportApprovedButton } from '../report-approved.ts';
import { afterWrongPin } from '../wrong-pin.ts';
import { enrolAgainButton } from './enrol-again.ts';

/** The browser that started the sign-in, in the app's language. */
const browserText = (browser: LoginRequest['browser']) => w(describeBrowser(browser, 'th'), describeBrowser(browser, 'en'));

/** Answers that end the request for good (answered, cancelled, expired, its agency stopped): the way back is offered. */
const endedCodes = new Set(['login_already_used', 'login_expired', 'relying_party_inactive', 'not_found']);

/**
 * The number picked and the digits typed for a request, kept while its screen is drawn again (in the other
 * language): switching must not undo them. They go with the request once it is answered.
 */
const drafts = new WeakMap<LoginRequest, { chosen?: number; digits: string }>();

/** The outcome, in place of the request, once the citizen has answered. */
function outcome(title: string, text: Words, tone: 'ok' | 'error', next: HTMLElement = h('a', { href: '#/scan', class: 'button' }, w('กลับหน้าหลัก', 'Back to the start'))): Screen {
  return { title, body: h('div', { class: `outcome ${tone}` }, h('p', { role: 'status' }, text), next) };
}

/**
 * Who asks for what and why, then the answer: the number the other screen shows and the PIN on the keypad to
 * approve, or one tap to refuse.
 */
export function consentScreen(app: App): Screen {
  const request = app.scanned;
  if (!request) {
    app.go('scan');
    return { title: 'ThaID', body: h('p', {}, '…') };
  }
  const message = messageBox();
  const draft = drafts.get(request) ?? { digits: '' };
  drafts.set(request, draft);
  let chosen = draft.chosen;
  /*
   * Approve is never disabled, only marked so: a disabled button leaves the tab order, and a screen reader would not
   * find it, nor learn what it waits for; and focus on it would be lost when a wrong PIN empties the keypad.
   */
  const approve = h('button', { type: 'button', class: 'primary approve', 'aria-disabled': 'true' }, w('ยืนยัน', 'Approve')) as HTMLButtonElement;
  const ready = () => chosen !== undefined && keypad.value().length === 8;
  const keypad = pinKeypad(
    'pin-question',
    (length, digits) => {
      draft.digits = digits;
      approve.setAttribute('aria-disabled', String(chosen === undefined || length !== 8));
    },
    draft.digits,
  );
  /** An approval on its way: a second tap waits for its answer. */
  let sending = false;
  const choices = h(
    'div',
    { class: 'number-choices', role: 'group', 'aria-labelledby': 'number-question' },
    request.numberChoices.map((number) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(number === chosen),
          class: 'number',
          'data-number': number,
          onclick: (event: Event) => {
            chosen = number;
            draft.chosen = number;
            for (const button of choices.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button === event.currentTarget));
            approve.setAttribute('aria-disabled', String(!ready()));
          },
        },
        String(number),
      ),
    ),
  );

  const screenBody = h(
    'div',
    { class: 'consent' },
    h(
      'section',
      { class: 'request', 'aria-label': w('คำขอ', 'The request') },
      h('p', { class: 'agency' }, h('strong', {}, pick(request.agency)), h('span', { class: 'muted' }, request.system)),
      h('p', {}, h('span', { class: 'label' }, w('วัตถุประสงค์: ', 'Purpose: ')), request.purpose),
      h('p', { class: 'label' }, w('ข้อมูลที่จะส่งให้:', 'Data to be given:')),
      h(
        'ul',
        { class: 'items' },
        request.dataItems.length
          ? request.dataItems.map((item) => h('li', {}, pick(item), h('span', { class: 'muted' }, ` (${item.scope})`)))
          : h('li', {}, w('การเข้าสู่ระบบเท่านั้น ไม่มีข้อมูลส่วนบุคคล', 'Sign-in only: no personal data')),
      ),
      h('p', { class: 'asked' }, h('span', { class: 'label' }, w('ขอเมื่อ ', 'Asked at ')), dateTime(request.requestedAt)),
      h('p', { class: 'expires' }, h('span', { class: 'label' }, w('ตอบได้ถึง ', 'Answer by ')), dateTime(request.expiresAt)),
      h('p', { class: 'browser' }, h('span', { class: 'label' }, w('จาก ', 'From ')), browserText(request.browser)),
    ),
    h('p', { id: 'number-question', class: 'label' }, w('เลือกตัวเลขที่แสดงบนอีกหน้าจอ', 'Pick the number the other screen shows')),
    choices,
    h('p', { id: 'pin-question', class: 'label' }, w('ใส่ PIN เพื่อยืนยัน', 'Enter your PIN to approve')),
    keypad.element,
    message.element,
    h('div', { class: 'answers' }, approve, h('button', { type: 'button', class: 'deny', onclick: () => void deny() }, w('ปฏิเสธ', 'Deny'))),
    h('button', { type: 'button', class: 'link report', onclick: () => void report() }, w('ฉันไม่ได้ขอเข้าสู่ระบบนี้', 'This wasn’t me')),
  );

  /** The outcome in place of the request; focus goes to its title, as on a new screen. */
  const show = (screen: Screen) => {
    const heading = screenBody.closest('main')?.querySelector('h1');
    screenBody.replaceWith(screen.body);
    if (heading) {
      heading.textContent = screen.title;
      heading.focus();
    }
  };

  approve.addEventListener('click', async () => {
    if (sending) return;
    if (!ready()) {
      return message.show(
        chosen === undefined
          ? w('เลือกตัวเลขที่แสดงบนอีกหน้าจอก่อน แล้วใส่ PIN 8 หลัก', 'First pick the number the other screen shows, then enter your 8-digit PIN.')
          : w('ใส่ PIN 8 หลักก่อน', 'First enter your 8-digit PIN.'),
      );
    }
    sending = true;
    approve.setAttribute('aria-disabled', 'true');
    message.clear();
    try {
      await app.call('POST', `/logins/${encodeURIComponent(request.id)}/approve`, { number: chosen, pin: keypad.value(), integrity: 'intact' });
      app.scanned = undefined;
      const approved = outcome(w('ยืนยันแล้ว', 'Approved'), w('หน้าจอที่ขอเข้าสู่ระบบจะดำเนินการต่อเอง', 'The screen that asked will carry on by itself.'), 'ok');
      // Seen too late to refuse: it can still be reported, here or later from the inbox.
      approved.body.append(reportApprovedButton(app, request.id));
      show(approved);
    } catch (error) {
      keypad.clear();
      if (error instanceof ApiError && error.code === 'pin_rejected') return wrongPin();
      if (error instanceof ApiError && error.code === 'number_mismatch') {
        return show(
          outcome(w('ตัวเลขไม่ตรงกัน', 'The number did not match'), w('คำขอนี้ถูกปฏิเสธและรายงานแล้ว หากคุณไม่ได้ขอเข้าสู่ระบบ ไม่ต้องทำอะไรเพิ่ม', 'The request was refused and reported. If you did not ask to sign in, there is nothing more to do.'), 'error'),
        );
      }
      if (!endedRequest(error)) message.show(errorText(error));
    } finally {
      sending = false;
    }
  });

  /** A request that can no longer be answered gives way to the reason and the way back; false for any other error. */
  function endedRequest(error: unknown): boolean {
    if (!(error instanceof ApiError && endedCodes.has(error.code))) return false;
    app.scanned = undefined;
    show(outcome(w('ตอบคำขอนี้ไม่ได้แล้ว', 'This request can no longer be answered'), errorText(error), 'error'));
    return true;
  }

  /** How many tries are left; at none, the phone is locked until enrolled again. */
  async function wrongPin() {
    const { left, text } = await afterWrongPin(app);
    if (left === 0) return show(outcome(w('โทรศัพท์ถูกล็อก', 'This phone is locked'), text, 'error', enrolAgainButton()));
    message.show(text);
  }

  /** Refusing and reporting need no PIN: one tap sends the answer, and the outcome replaces the request. */
  async function answerWithoutPin(answer: 'deny' | 'report', done: Screen) {
    try {
      await app.call('POST', `/logins/${encodeURIComponent(request!.id)}/${answer}`, {});
      app.scanned = undefined;
      show(done);
    } catch (error) {
      if (!endedRequest(error)) message.show(errorText(error));
    }
  }
  const deny = () =>
    answerWithoutPin('deny', outcome(w('ปฏิเสธแล้ว', 'Refused'), w('ไม่มีข้อมูลถูกส่ง หน่วยงานได้รับแจ้งว่าคุณปฏิเสธ', 'Nothing was given; the agency is told you refused.'), 'ok'));
  const report = () =>
    answerWithoutPin('report', outcome(w('รายงานแล้ว', 'Reported'), w('คำขอถูกปฏิเสธและแจ้งกรมการปกครองแล้ว', 'The request was refused and reported to DOPA.'), 'ok'));

  // The request ends at its time whether or not the citizen answers: the screen says so then, not only on an answer.
  setTimeout(
    () => {
      if (!screenBody.isConnected || sending || app.scanned !== request) return;
      app.scanned = undefined;
      show(outcome(w('หมดเวลาตอบคำขอนี้แล้ว', 'The time to answer this request is over'), w('ให้เริ่มเข้าสู่ระบบใหม่บนอีกหน้าจอ', 'Start the sign-in again on the other screen.'), 'error'));
    },
    Math.max(0, Date.parse(request.expiresAt) - Date.now()),
  );

  return { title: w('คำขอเข้าสู่ระบบ', 'Sign-in request'), body: screenBody };
}
