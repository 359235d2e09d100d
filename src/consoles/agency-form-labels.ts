import { dataItemLabel } from './agency-labels.ts';
import type { Bilingual } from './page-errors.ts';

/* The application form's fields and problems, named in Thai and English for the page. */

const fieldLabels: Record<string, Bilingual> = {
  'agency.nameTh': { th: 'ชื่อหน่วยงาน (ภาษาไทย)', en: 'Agency name (Thai)' },
  'agency.nameEn': { th: 'ชื่อหน่วยงาน (ภาษาอังกฤษ)', en: 'Agency name (English)' },
  'agency.abbreviationTh': { th: 'ชื่อย่อ (ภาษาไทย)', en: 'Abbreviation (Thai)' },
  'agency.abbreviationEn': { th: 'ชื่อย่อ (ภาษาอังกฤษ)', en: 'Abbreviation (English)' },
  'agency.type': { th: 'ประเภทหน่วยงาน', en: 'Type of agency' },
  'agency.ministry': { th: 'สังกัดกระทรวง / กรม', en: 'Ministry or department' },
  'agency.domain': { th: 'โดเมนของหน่วยงาน', en: "Agency's domain" },
  'agency.address': { th: 'ที่ตั้งหน่วยงาน', en: 'Address' },
  'administrator.name': { th: 'ชื่อ-นามสกุล', en: 'Name' },
  'administrator.nameEn': { th: 'ชื่อ-นามสกุล (ภาษาอังกฤษ)', en: 'Name in English' },
  'administrator.position': { th: 'ตำแหน่ง', en: 'Position' },
  'administrator.phone': { th: 'โทรศัพท์มือถือ', en: 'Mobile phone' },
  'administrator.email': { th: 'อีเมล (โดเมนของหน่วยงาน)', en: "E-mail (on the agency's domain)" },
  'contact.name': { th: 'ชื่อ-นามสกุล', en: 'Name' },
  'contact.position': { th: 'ตำแหน่ง', en: 'Position' },
  'contact.phone': { th: 'โทรศัพท์', en: 'Phone' },
  'contact.email': { th: 'อีเมล (โดเมนของหน่วยงาน)', en: "E-mail (on the agency's domain)" },
  purpose: { th: 'วัตถุประสงค์ (บริการหรือระบบของหน่วยงาน)', en: "Purpose (the agency's service or system)" },
  startDate: { th: 'วันที่ต้องการเริ่มใช้บริการ', en: 'Wanted start date' },
  remarks: { th: 'หมายเหตุ', en: 'Remarks' },
  conditionsVersion: { th: 'การยอมรับเงื่อนไขการใช้บริการ', en: 'Acceptance of the conditions of use' },
  systems: { th: 'ระบบที่ขอใช้บริการ', en: 'Systems' },
  accessControllers: { th: 'เจ้าหน้าที่ควบคุมการเข้าถึงข้อมูล (ข้อ 9)', en: 'Staff controlling access to the data (clause 9)' },
  agencyId: { th: 'หน่วยงานที่ขอเปลี่ยนแปลง', en: 'Agency changed' },
  kind: { th: 'ประเภทคำขอ', en: 'Kind of application' },
};

const groupLabels: Record<string, Bilingual> = {
  agency: { th: 'หน่วยงาน', en: 'Agency' },
  administrator: { th: 'ผู้ดูแลระบบของหน่วยงาน', en: 'Administrator' },
  contact: { th: 'ผู้ประสานงาน', en: 'Contact' },
};

const systemFieldLabels: Record<string, Bilingual> = {
  clientId: { th: 'ระบบเดิมที่ขอเพิ่มเติม', en: 'Existing system' },
  name: { th: 'ชื่อระบบ', en: 'System name' },
  use: { th: 'ลักษณะการใช้งาน', en: 'Used as' },
  redirectUris: { th: 'Redirect URI', en: 'Redirect URIs' },
  dataItems: { th: 'รายการข้อมูลที่ขอ', en: 'Data items' },
  estimatedDailyTransactions: { th: 'ประมาณการจำนวนรายการต่อวัน', en: 'Estimated transactions a day' },
  publicClient: { th: 'แอปที่ไม่มีรหัสลับ', en: 'App without a secret' },
  profile: { th: 'รูปแบบการตอบกลับ', en: 'Wire profile' },
  idTokenAlg: { th: 'อัลกอริทึมลงนาม ID token', en: 'ID token algorithm' },
};

/** A field's name for the list of problems, e.g. "ระบบที่ 1: Redirect URI แถวที่ 2 · System 1: redirect URI 2". */
export function fieldLabel(key: string): Bilingual {
  const direct = fieldLabels[key];
  const parts = key.split('.');
  if (direct) {
    const group = parts.length === 2 ? groupLabels[parts[0]!] : undefined;
    return group ? { th: `${group.th}: ${direct.th}`, en: `${group.en}: ${direct.en}` } : direct;
  }
  if (parts[0] === 'systems' && parts[1] !== undefined) {
    const n = Number(parts[1]) + 1;
    const system = { th: `ระบบที่ ${n}`, en: `System ${n}` };
    const field = parts[2];
    if (field === undefined) return system;
    if (field === 'redirectUris' && parts[3] !== undefined) {
      const row = Number(parts[3]) + 1;
      return { th: `${system.th}: Redirect URI แถวที่ ${row}`, en: `${system.en}: redirect URI ${row}` };
    }
    if (field === 'reason' && parts[3] !== undefined) {
      const item = dataItemLabel(parts[3]);
      return { th: `${system.th}: เหตุผลที่ขอ${item.th}`, en: `${system.en}: reason for ${item.en.toLowerCase()}` };
    }
    const label = systemFieldLabels[field] ?? { th: field, en: field };
    return { th: `${system.th}: ${label.th}`, en: `${system.en}: ${label.en}` };
  }
  if (parts[0] === 'accessControllers' && parts[1] !== undefined) {
    const n = Number(parts[1]) + 1;
    const field = parts[2] === 'position' ? { th: 'ตำแหน่ง', en: 'position' } : { th: 'ชื่อ', en: 'name' };
    return { th: `เจ้าหน้าที่ควบคุมการเข้าถึง คนที่ ${n}: ${field.th}`, en: `Access controller ${n}: ${field.en}` };
  }
  return { th: key, en: key };
}

/** The schema's messages in Thai; the English stays beside each. Unknown messages get a general Thai line. */
const thaiMessages: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^must not be empty$/, () => 'ต้องไม่เว้นว่าง'],
  [/^must be at most (\d+) characters$/, (m) => `ต้องยาวไม่เกิน ${m[1]} ตัวอักษร`],
  [/^must not contain control characters$/, () => 'ต้องไม่มีอักขระควบคุม (ตัวอักษรที่มองไม่เห็น เช่น ESC)'],
  [/^must be at most (\d+)/, (m) => `ต้องไม่เกิน ${m[1]} รายการ`],
  [/^must be a domain name/, () => 'ต้องเป็นชื่อโดเมน เช่น dopa.go.th โดยไม่มี @ http:// หรือพาธ'],
  [/^must be a phone number/, () => 'ต้องเป็นหมายเลขโทรศัพท์ที่มีแต่ตัวเลข ช่องว่าง และขีด เช่น 02-791-7000 หรือ 081-234-5678'],
  [/^must have 9 to 15 digits$/, () => 'ต้องมีตัวเลข 9 ถึง 15 หลัก'],
  [/^must be an e-mail address/, () => 'ต้องเป็นอีเมล เช่น somchai.j@agency.go.th'],
  [/^must be an address on the agency's domain (.+)$/, (m) => `ต้องเป็นอีเมลบนโดเมนของหน่วยงาน (${m[1]})`],
  [/^must be an absolute URL/, () => 'ต้องเป็น URL เต็ม เช่น https://service.example.go.th/callback'],
  [/^must use https \(or http on this computer/, () => 'ต้องขึ้นต้นด้วย https (หรือ http เฉพาะเครื่องนี้: localhost, 127.0.0.1 หรือ [::1])'],
  [/^must use https; http is allowed only on this computer/, () => 'ต้องใช้ https ส่วน http ใช้ได้เฉพาะเครื่องนี้ (localhost, 127.0.0.1 หรือ [::1]) สำหรับการพัฒนา'],
  [/^must not contain a fragment/, () => 'ต้องไม่มีส่วนที่ขึ้นต้นด้วย #'],
  [/is listed twice$/, () => 'ซ้ำกับแถวก่อนหน้า'],
  [/is asked for twice$/, () => 'ขอซ้ำกัน'],
  [/^must be a whole number/, () => 'ต้องเป็นจำนวนเต็ม'],
  [/^must be at least 1$/, () => 'ต้องไม่น้อยกว่า 1'],
  [/^must be a date, YYYY-MM-DD$/, () => 'ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว (ปีคริสต์ศักราช)'],
  [/^must be api or website$/, () => 'ต้องเป็น API หรือเว็บไซต์'],
  [/^must be state or private$/, () => 'ต้องเป็นหน่วยงานของรัฐหรือเอกชน'],
  [/^must be thaid or strict/, () => 'ต้องเป็น thaid หรือ strict'],
  [/^is required: accept the current conditions of use$/, () => 'ต้องยอมรับเงื่อนไขการใช้บริการฉบับปัจจุบัน'],
  [/^is required: api or website$/, () => 'ต้องเลือกว่าใช้งานผ่าน API หรือเว็บไซต์'],
  [/^is required: say why the system needs/, () => 'ต้องระบุเหตุผลที่ระบบต้องใช้ข้อมูลนี้'],
  [/^is required: state or private$/, () => 'ต้องเลือกว่าเป็นหน่วยงานของรัฐหรือเอกชน'],
  [/^is required for a state agency$/, () => 'หน่วยงานของรัฐต้องระบุกระทรวงหรือกรมที่สังกัด'],
  [/^is required for a change/, () => 'คำขอเปลี่ยนแปลงต้องระบุหน่วยงาน'],
  [/^is required$/, () => 'ต้องกรอก'],
  [/^needs at least one system$/, () => 'ต้องมีอย่างน้อยหนึ่งระบบ'],
  [/^needs at least one redirect URI$/, () => 'ต้องมี Redirect URI อย่างน้อยหนึ่งรายการ'],
  [/^needs at least one person appointed/, () => 'ต้องแต่งตั้งเจ้าหน้าที่ควบคุมและตรวจสอบการเข้าถึงข้อมูลอย่างน้อยหนึ่งคน (ข้อ 9)'],
  [/^asks for nothing/, () => 'ยังไม่ได้ขอสิ่งใดเพิ่ม: ระบุ Redirect URI หรือรายการข้อมูลที่ต้องการเพิ่มให้ระบบนี้'],
  [/^was too long to bring back whole/, () => 'ข้อความที่กรอกยาวเกินกว่าจะนำกลับมาแสดงได้ทั้งหมด จึงแสดงเฉพาะส่วนต้น หรือไม่แสดงเลย'],
  [/^has a reason, but its data item is not ticked/, () => 'มีเหตุผลแต่ไม่ได้เลือกรายการข้อมูลนี้: เลือกรายการ หรือลบเหตุผลออก'],
  [/is not a system of the agency: choose/, () => 'ไม่ใช่ระบบของหน่วยงานนี้ เลือกระบบเดิมจากรายการ หรือขอเป็นระบบใหม่'],
  [/is cancelled, and cancellation is final/, () => 'ระบบนี้ถูกยกเลิกแล้ว การยกเลิกเป็นที่สุด ให้นำออกจากคำขอ หรือขอเป็นระบบใหม่แทน'],
  [/^names an existing system/, () => 'ระบุระบบเดิมได้เฉพาะคำขอเปลี่ยนแปลง'],
  [/^must be one of the data items/, () => 'ไม่ใช่รายการข้อมูลที่ให้บริการ'],
  [/^is not a valid 13-digit citizen ID/, () => 'เลขประจำตัวประชาชนไม่ถูกต้อง'],
  [/^accepts version \d+, but version (\d+) is in force/, (m) => `มีเงื่อนไขฉบับใหม่ (ฉบับที่ ${m[1]}) โปรดอ่านและยอมรับฉบับปัจจุบัน`],
];

export function problemMessage(en: string): Bilingual {
  for (const [pattern, thai] of thaiMessages) {
    const match = pattern.exec(en);
    if (match) return { th: thai(match), en };
  }
  return { th: 'ข้อมูลในช่องนี้ไม่ถูกต้อง', en };
}
