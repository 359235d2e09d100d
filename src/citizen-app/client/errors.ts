import { ApiError } from './device-api.ts';
import { h, type Words } from './dom.ts';
import { currentLanguage, english, w } from './i18n.ts';

/*
 * What the citizen reads when the server refuses: in Thai for the codes a citizen meets, with the server's own
 * English explanation otherwise (it says what to do).
 */
const explained: Record<string, [string, string]> = {
  network: ['ติดต่อเซิร์ฟเวอร์ไม่ได้ ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง', 'The server cannot be reached. Check the connection and try again.'],
  login_expired: ['คำขอนี้หมดอายุแล้ว ให้เริ่มเข้าสู่ระบบใหม่บนอีกหน้าจอ', 'This request has expired. Start the sign-in again on the other screen.'],
  qr_code_expired: ['QR code นี้เปลี่ยนไปแล้ว สแกนรหัสที่แสดงอยู่ตอนนี้', 'This QR code has changed. Scan the one the screen shows now.'],
  login_already_used: ['คำขอนี้ไม่เปิดให้ตอบแล้ว: ตอบแล้ว สแกนแล้ว หรือถูกยกเลิกบนอีกหน้าจอ', 'This request is no longer open: it was answered, scanned, or cancelled on the other screen.'],
  invalid_signature: ['ระบบไม่รู้จักโทรศัพท์นี้ ลงทะเบียนใหม่ (เมนูอุปกรณ์)', 'ThaID does not know this phone. Enrol it again (Device menu).'],
  stale_request: ['เวลาในโทรศัพท์ไม่ตรง ตั้งเวลาให้อัตโนมัติแล้วลองอีกครั้ง', 'The phone’s clock is off. Set it to automatic and try again.'],
  enrolment_paused: ['การลงทะเบียนด้วยตนเองถูกพักไว้หลังลองไม่สำเร็จหลายครั้ง ไปที่สำนักทะเบียน หรือรอแล้วลองใหม่', 'Self-service enrolment is paused after several failed attempts. Go to a registration office, or wait and try again.'],
  device_locked: [
    'โทรศัพท์นี้ถูกล็อกหลังใส่ PIN ผิด 5 ครั้งติดกัน ลงทะเบียนใหม่เพื่อใช้งานอีกครั้ง (เมนูอุปกรณ์)',
    'This phone is locked after 5 wrong PINs in a row. Enrol it again to use it (Device menu).',
  ],
  relying_party_inactive: ['หน่วยงานนี้ถูกระงับการใช้งาน', 'The agency asking is suspended or cancelled.'],
  identity_not_verified: ['ข้อมูลบัตรไม่ตรงกับทะเบียนราษฎร ตรวจเลขประจำตัว เลขหลังบัตร และวันเกิด', 'The card details do not match the civil registry. Check the ID number, laser code and date of birth.'],
  face_not_matched: ['ใบหน้าไม่ตรงกับภาพในทะเบียนราษฎร ลองใหม่ในที่สว่าง หรือไปที่สำนักทะเบียน', 'The face does not match the registry photo. Try again in good light, or go to a registration office.'],
  device_integrity_failed: ['โทรศัพท์ที่ถูก root หรือ jailbreak ใช้ ThaID ไม่ได้', 'A rooted or jailbroken phone cannot use ThaID.'],
  invalid_enrolment_code: ['รหัสลงทะเบียนไม่ถูกต้อง ใช้แล้ว หรือหมดอายุ ขอรหัสใหม่จากเจ้าหน้าที่', 'The enrolment code is wrong, used or expired. Ask the officer for a new one.'],
  pin_rejected: ['PIN ไม่ถูกต้อง', 'The PIN is not correct.'],
  too_many_requests: ['ลองบ่อยเกินไป โปรดรอสักครู่', 'Too many attempts. Wait a moment and try again.'],
  temporarily_unavailable: ['ระบบไม่ว่างชั่วคราว โปรดลองอีกครั้ง', 'The service is busy. Try again in a moment.'],
};

/** The server's English explanation: on a Thai screen, after Thai words and marked as English. */
const inEnglish = (thai: string, message: string): Words => (currentLanguage() === 'th' ? h('span', {}, `${thai} (`, english(message), ')') : message);

export function errorText(error: unknown): Words {
  // A weak PIN: the server says in English which rule it breaks.
  if (error instanceof ApiError && error.code === 'invalid_request' && (error.details as { pin?: unknown } | undefined)?.pin) {
    return inEnglish('PIN นี้เดาง่ายเกินไป ตั้ง PIN ที่เดายากกว่านี้', error.message);
  }
  if (error instanceof ApiError && error.code === 'invalid_request' && (error.details as { newPin?: unknown } | undefined)?.newPin) {
    return w('PIN ใหม่ซ้ำกับ PIN เดิม ตั้ง PIN ใหม่ที่ต่างจากเดิม', 'The new PIN is the same as the current one. Choose a different PIN.');
  }
  if (error instanceof ApiError) {
    const known = explained[error.code];
    const wait = error.retryAfterSeconds ? w(` (รอ ${error.retryAfterSeconds} วินาที)`, ` (wait ${error.retryAfterSeconds} s)`) : '';
    // Otherwise the server's explanation, which is in English: on a Thai screen, introduced in Thai.
    return h('span', {}, known ? w(...known) : inEnglish('ทำรายการไม่สำเร็จ', error.message), wait);
  }
  // The browser's or the app's own English.
  return error instanceof Error ? english(error.message) : String(error);
}
