import type { Screen } from '../app-state.ts';
import { h } from '../dom.ts';
import { w } from '../i18n.ts';
import { enrolAgainButton } from './enrol-again.ts';

/** This phone was replaced by another enrolment: it no longer works, and says so. */
export function replacedScreen(): Screen {
  return {
    title: w('โทรศัพท์นี้ถูกแทนที่แล้ว', 'This phone was replaced'),
    body: h(
      'div',
      { class: 'outcome error' },
      h('p', { role: 'alert' }, w('มีการลงทะเบียน ThaID ของคุณบนโทรศัพท์เครื่องอื่น โทรศัพท์นี้จึงใช้งานไม่ได้อีก', 'Your ThaID was enrolled on another phone, so this one no longer works.')),
      h('p', {}, w('หากไม่ใช่คุณ ให้ลงทะเบียนใหม่ทันทีและติดต่อสำนักทะเบียน', 'If that was not you, enrol again at once and contact a registration office.')),
      enrolAgainButton(),
    ),
  };
}

/** The server does not know this phone's key (its data were reset, say): it must be enrolled again. */
export function unknownDeviceScreen(): Screen {
  return {
    title: w('ระบบไม่รู้จักโทรศัพท์นี้', 'This phone is not known'),
    body: h(
      'div',
      { class: 'outcome error' },
      h('p', { role: 'alert' }, w('ระบบ ThaID ไม่รู้จักกุญแจของโทรศัพท์นี้ เช่น เมื่อข้อมูลของระบบถูกล้าง ลงทะเบียนใหม่เพื่อใช้งานต่อ', 'ThaID does not know this phone’s key, as when its data were reset. Enrol again to go on.')),
      enrolAgainButton(),
    ),
  };
}
