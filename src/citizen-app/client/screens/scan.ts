import type { App, Screen } from '../app-state.ts';
import type { DeviceRecord, LoginRequest } from '../api-types.ts';
import { ApiError } from '../device-api.ts';
import { h, messageBox } from '../dom.ts';
import { errorText } from '../errors.ts';
import { w } from '../i18n.ts';
import { readQrCodes, type CameraReader } from '../qr-camera.ts';

let scanning = false;

/**
 * Sends what the camera read (or the citizen typed, or the link this phone opened) to the server; its request then
 * shows on the consent screen. One at a time: a second tap would find the request taken by the first.
 */
export async function scanCode(app: App, code: string, from: 'screen' | 'link' = 'screen'): Promise<void> {
  if (scanning) return;
  scanning = true;
  try {
    app.scanned = await app.call<LoginRequest>('POST', '/logins/scan', { code });
    app.go('consent');
  } catch (error) {
    // A link opened on this phone outlives its QR code while the phone enrols: the login page has a fresh one.
    app.flash =
      from === 'link' && error instanceof ApiError && error.code === 'qr_code_expired'
        ? w('ลิงก์นี้หมดอายุแล้ว กลับไปที่หน้าเข้าสู่ระบบแล้วแตะปุ่มเปิดแอป ThaID อีกครั้ง', 'This link has expired. Go back to the sign-in page and tap its ThaID button again.')
        : error instanceof ApiError && error.code === 'not_found'
          ? w('ไม่มีคำขอเข้าสู่ระบบที่ใช้รหัสนี้ ตรวจรหัสอีกครั้ง หรือสแกน QR code ใหม่', 'No sign-in has this code. Check the code, or scan the QR code again.')
          : errorText(error);
    app.go('scan');
  } finally {
    scanning = false;
  }
}

/** The home screen: the camera reads the login page's QR code; typing the short code is the other way. */
export function scanScreen(app: App): Screen {
  const message = messageBox();
  if (app.flash) message.show(app.flash);
  app.flash = undefined;
  let camera: CameraReader | undefined;
  let left = false;
  const viewfinder = h('div', { class: 'viewfinder', hidden: true });
  const start = h('button', { type: 'button', class: 'primary scan-start' }, w('เปิดกล้องสแกน QR code', 'Scan a QR code with the camera')) as HTMLButtonElement;
  start.addEventListener('click', async () => {
    message.clear();
    // Disabled while the camera runs: one stream at a time.
    start.disabled = true;
    try {
      camera = await readQrCodes((text) => {
        viewfinder.hidden = true;
        start.disabled = false;
        message.show(w('อ่าน QR code แล้ว…', 'QR code read…'), 'info');
        void scanCode(app, text);
      });
      // The citizen may have left while the browser asked for the camera.
      if (left) return camera.stop();
      viewfinder.replaceChildren(camera.video);
      viewfinder.hidden = false;
    } catch {
      start.disabled = false;
      message.show(w('เปิดกล้องไม่ได้ อนุญาตให้ใช้กล้อง หรือพิมพ์รหัสด้านล่าง', 'The camera could not be opened. Allow it, or type the code below.'));
    }
  });

  /*
   * Not cut at the code's 9 characters: the server drops spaces and dashes, so the code typed a character at a time
   * as a screen reader spells it (A B C D - 2 3 4 5), or pasted with spaces, is the same code; so is an app link
   * pasted whole, up to the device API's 500 characters.
   */
  const code = h('input', { id: 'short-code', name: 'code', autocomplete: 'off', autocapitalize: 'characters', maxlength: '500', placeholder: 'ABCD-2345', 'aria-describedby': 'short-code-hint' }) as HTMLInputElement;
  const typed = h(
    'form',
    { class: 'typed-code' },
    h('label', { for: 'short-code' }, w('หรือพิมพ์รหัสที่แสดงใต้ QR code', 'Or type the code shown under the QR code')),
    h('small', { id: 'short-code-hint', class: 'hint' }, w('8 ตัวอักษรและตัวเลข', '8 letters and digits')),
    h('div', { class: 'row' }, code, h('button', { type: 'submit' }, w('ถัดไป', 'Next'))),
  );
  typed.addEventListener('submit', (event) => {
    event.preventDefault();
    if (code.value.trim()) void scanCode(app, code.value.trim());
  });

  const greeting = h('p', { class: 'greeting', hidden: true });
  const greet = (citizen: DeviceRecord['citizen']) => {
    greeting.textContent = w(`สวัสดี คุณ${citizen.givenNameTh}`, `Hello, ${citizen.givenNameEn}`);
    greeting.hidden = false;
  };
  if (app.me) greet(app.me.citizen);
  else {
    // The app started offline: the citizen's name comes when the server answers again.
    void app.call<DeviceRecord>('GET', '/me').then(
      (me) => {
        app.me ??= me;
        if (!left) greet(me.citizen);
      },
      () => {},
    );
  }
  return {
    title: w('สแกนเพื่อเข้าสู่ระบบ', 'Scan to sign in'),
    body: h(
      'div',
      {},
      greeting,
      h('p', {}, w('สแกน QR code บนหน้าจอที่ขอเข้าสู่ระบบด้วย ThaID', 'Scan the QR code on the screen that asks you to sign in with ThaID.')),
      message.element,
      start,
      viewfinder,
      typed,
    ),
    leave: () => {
      left = true;
      camera?.stop();
    },
  };
}
