import type { App } from './app-state.ts';
import type { DeviceRecord } from './api-types.ts';
import { w } from './i18n.ts';

/**
 * What a refused PIN means for this phone. The refusal does not say (a wrong PIN and a locked phone answer alike);
 * the server tells this phone alone, on its own signed request, how many wrong PINs it may still enter.
 */
export async function afterWrongPin(app: App): Promise<{ left: number | undefined; text: string }> {
  const me = await app.call<DeviceRecord>('GET', '/me').catch(() => undefined);
  const left = me?.pinAttemptsLeft;
  if (left === 0) return { left, text: w('ใส่ PIN ผิด 5 ครั้งติดกัน ลงทะเบียนโทรศัพท์นี้ใหม่เพื่อใช้งาน', 'Five wrong PINs in a row. Enrol this phone again to use it.') };
  return { left, text: left === undefined ? w('PIN ไม่ถูกต้อง', 'The PIN is not correct.') : w(`PIN ไม่ถูกต้อง เหลืออีก ${left} ครั้ง`, `The PIN is not correct. ${left} attempts left.`) };
}
