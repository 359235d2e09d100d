import type { App, Screen } from '../app-state.ts';
import { forgetDevice } from '../device-key.ts';
import { h } from '../dom.ts';
import { w } from '../i18n.ts';

/** This phone was replaced by another enrolment: it no longer works, and says so. */
export function replacedScreen(app: App): Screen {
  const again = h('button', { type: 'button', class: 'primary' }, w('ลงทะเบียนโทรศัพท์นี้ใหม่', 'Enrol this phone again'));
  again.addEventListener('click', async () => {
    await forgetDevice();
    // A fresh start: the app forgets this phone's old key and state.
    location.replace('/app/');
  });
  return {
    title: w('โทรศัพท์นี้ถูกแทนที่แล้ว', 'This phone was replaced'),
    body: h(
      'div',
      { class: 'outcome error' },
      h('p', { role: 'alert' }, w('มีการลงทะเบียน ThaID ของคุณบนโทรศัพท์เครื่องอื่น โทรศัพท์นี้จึงใช้งานไม่ได้อีก', 'Your ThaID was enrolled on another phone, so this one no longer works.')),
      h('p', {}, w('หากไม่ใช่คุณ ให้ลงทะเบียนใหม่ทันทีและติดต่อสำนักทะเบียน', 'If that was not you, enrol again at once and contact a registration office.')),
      again,
    ),
  };
}
