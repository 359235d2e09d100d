import { forgetDevice } from '../device-key.ts';
import { h } from '../dom.ts';
import { w } from '../i18n.ts';

/** A phone that no longer works (locked, replaced, unknown to the server) works again only once enrolled again: the way there starts by forgetting its key. */
export function enrolAgainButton(): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary' }, w('ลงทะเบียนโทรศัพท์นี้ใหม่', 'Enrol this phone again'));
  button.addEventListener('click', async () => {
    await forgetDevice();
    // A fresh start: the app forgets this phone's old key and state.
    location.replace('/app/');
  });
  return button;
}
