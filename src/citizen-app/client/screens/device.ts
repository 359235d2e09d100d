import type { App, Screen } from '../app-state.ts';
import type { DeviceRecord } from '../api-types.ts';
import { ApiError } from '../device-api.ts';
import { forgetDevice } from '../device-key.ts';
import { h, messageBox, type Words } from '../dom.ts';
import { errorText } from '../errors.ts';
import { clearFlags, field, flagField, pinInput } from '../form-fields.ts';
import { dateTime, w } from '../i18n.ts';
import { afterWrongPin } from '../wrong-pin.ts';
import { enrolAgainButton } from './enrol-again.ts';


/** This phone: what the server knows of it, changing the PIN, and leaving. */
export async function deviceScreen(app: App): Promise<Screen> {
  const me = await app.call<DeviceRecord>('GET', '/me');
  app.me = me;
  const message = messageBox('pin-change-message');
  const current = pinInput('current-pin');
  const next = pinInput('next-pin');
  const confirm = pinInput('confirm-next-pin');
  const submit = h('button', { type: 'submit', class: 'primary' }, w('เปลี่ยน PIN', 'Change the PIN')) as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'pin-change', novalidate: true },
    h('h2', {}, w('เปลี่ยน PIN', 'Change the PIN')),
    field(w('PIN ปัจจุบัน', 'Current PIN'), current),
    field(w('PIN ใหม่', 'New PIN'), next),
    field(w('ยืนยัน PIN ใหม่', 'Confirm the new PIN'), confirm),
    message.element,
    submit,
  ) as HTMLFormElement;
  // The message is tied to the field it is about.
  const refuse = (input: HTMLElement, text: Words) => {
    message.show(text);
    flagField(form, input, message.element);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // One change at a time: a second tap while the first is on its way would send the emptied fields.
    if (submit.disabled) return;
    message.clear();
    clearFlags(form, message.element);
    const short = [current, next, confirm].find((input) => !/^\d{8}$/.test(input.value));
    if (short) return refuse(short, w('PIN ต้องเป็นตัวเลข 8 หลักทุกช่อง', 'Each PIN must be 8 digits.'));
    if (next.value !== confirm.value) return refuse(confirm, w('PIN ใหม่ทั้งสองช่องไม่ตรงกัน', 'The two new PINs differ.'));
    submit.disabled = true;
    try {
      await app.call('POST', '/pin', { currentPin: current.value, newPin: next.value });
      form.reset();
      message.show(w('เปลี่ยน PIN แล้ว', 'The PIN was changed.'), 'ok');
      // A right PIN gives every attempt back.
      void app.call<DeviceRecord>('GET', '/me').then((after) => (attemptsLeft.textContent = String(after.pinAttemptsLeft ?? '')), () => {});
    } catch (error) {
      // A wrong current PIN, or a new one the server finds too easy to guess: the message is about that field.
      if (error instanceof ApiError && error.code === 'pin_rejected') await wrongCurrentPin();
      else if (error instanceof ApiError && error.code === 'invalid_request' && (error.details as { pin?: unknown } | undefined)?.pin) refuse(next, errorText(error));
      else message.show(errorText(error));
    } finally {
      submit.disabled = false;
    }
  });
  /** A wrong current PIN is one of the five wrong PINs in a row that lock the phone: the citizen learns how many are left. */
  async function wrongCurrentPin() {
    const { left, text } = await afterWrongPin(app);
    if (left !== undefined) attemptsLeft.textContent = String(left);
    if (left !== 0) return refuse(current, text);
    form.replaceWith(h('div', { class: 'outcome error' }, h('p', { role: 'alert' }, text), enrolAgainButton()));
  }
  const leave = h('button', { type: 'button', class: 'link' }, w('ลบ ThaID ออกจากโทรศัพท์นี้', 'Remove ThaID from this phone')) as HTMLButtonElement;
  const removalMessage = messageBox('removal-message');
  // The first tap asks, the second removes: the key cannot come back, only a new enrolment.
  let asked = false;
  leave.addEventListener('click', async () => {
    if (!asked) {
      asked = true;
      leave.textContent = w('แตะอีกครั้งเพื่อลบ (ต้องลงทะเบียนใหม่)', 'Tap again to remove (you will enrol again)');
      return;
    }
    leave.disabled = true;
    try {
      // The server first, so that the phone is no longer the citizen's device; one it already refuses is not.
      await app.call('DELETE', '/me');
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 'device_revoked' || error.code === 'invalid_signature'))) {
        leave.disabled = false;
        removalMessage.show(errorText(error));
        return;
      }
    }
    await forgetDevice();
    location.replace('/app/');
  });
  const detail = (label: string, value: string | HTMLElement) => h('div', { class: 'detail' }, h('dt', {}, label), h('dd', {}, value));
  const attemptsLeft = h('span', {}, String(me.pinAttemptsLeft ?? ''));
  return {
    title: w('อุปกรณ์นี้', 'This device'),
    body: h(
      'div',
      {},
      h(
        'dl',
        { class: 'details' },
        detail(w('ชื่อ', 'Name'), me.name),
        detail(w('รหัสอุปกรณ์', 'Device ID'), me.deviceId),
        detail(w('ลงทะเบียนเมื่อ', 'Enrolled'), dateTime(me.enrolledAt)),
        detail(w('วิธีลงทะเบียน', 'Enrolled by'), me.method === 'self' ? w('ด้วยตนเอง', 'self-service') : w('สำนักทะเบียน', 'registration office')),
        me.pinAttemptsLeft === undefined ? false : detail(w('ใส่ PIN ผิดได้อีก', 'Wrong PINs left'), attemptsLeft),
      ),
      h('p', { class: 'muted' }, w('ThaID ใช้ได้บนโทรศัพท์เครื่องเดียว การลงทะเบียนเครื่องใหม่จะยกเลิกเครื่องนี้ทันที', 'ThaID works on one phone at a time: enrolling another cancels this one at once.')),
      form,
      leave,
      removalMessage.element,
    ),
  };
}
