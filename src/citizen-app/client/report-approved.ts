import type { App } from './app-state.ts';
import { ApiError } from './device-api.ts';
import { h, messageBox } from './dom.ts';
import { errorText } from './errors.ts';
import { w } from './i18n.ts';

/*
 * "This wasn't me" for a sign-in already approved: the citizen who sees afterwards that it was not theirs reports
 * it, and what it granted ends with every code and token. The first tap asks, the second reports.
 */
export function reportApprovedButton(app: App, loginId: string): HTMLElement {
  const message = messageBox();
  const button = h('button', { type: 'button', class: 'link report' }, w('ฉันไม่ได้ขอเข้าสู่ระบบนี้', 'This wasn’t me')) as HTMLButtonElement;
  let asked = false;
  /** The answer takes the button's place, and its focus. */
  const settle = (text: string, tone: 'ok' | 'info') => {
    button.remove();
    message.show(text, tone);
    message.element.tabIndex = -1;
    message.element.focus();
  };
  button.addEventListener('click', async () => {
    if (!asked) {
      asked = true;
      button.textContent = w('แตะอีกครั้งเพื่อรายงาน และยกเลิกสิ่งที่คุณยินยอม', 'Tap again to report it and end what you approved');
      return;
    }
    if (button.disabled) return;
    button.disabled = true;
    try {
      await app.call('POST', `/logins/${encodeURIComponent(loginId)}/report`, {});
      settle(w('รายงานแล้ว สิ่งที่คุณยินยอมสิ้นสุดแล้ว และกรมการปกครองได้รับแจ้ง', 'Reported: what you approved has ended, and DOPA is told.'), 'ok');
    } catch (error) {
      const code = error instanceof ApiError ? error.code : undefined;
      // An approved sign-in leaves that state only by a report.
      if (code === 'login_already_used') settle(w('คำขอนี้ถูกรายงานไปแล้ว', 'This sign-in was reported already.'), 'info');
      // Approved on the citizen's previous phone: enrolling this one already ended everything that phone approved.
      else if (code === 'not_found') {
        settle(
          w(
            'คำขอนี้ยืนยันจากโทรศัพท์เครื่องก่อน การลงทะเบียนเครื่องนี้ได้ยกเลิกสิ่งที่เครื่องนั้นยินยอมไว้แล้ว หากไม่ใช่คุณ โปรดติดต่อสำนักทะเบียน',
            'It was approved on your previous phone; enrolling this one already ended what that phone approved. If it was not you, contact a registration office.',
          ),
          'info',
        );
      } else {
        button.disabled = false;
        message.show(errorText(error));
      }
    }
  });
  return h('div', { class: 'report-approved' }, button, message.element);
}
