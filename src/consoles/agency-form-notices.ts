import type { AppError } from '../errors.ts';
import type { Bilingual } from './page-errors.ts';

/* What the application form's page says after a post that did not go through as typed, in Thai and English. */

/** Why a change names a system it may not extend, in Thai; the domain's English, naming each system, goes beside it. */
export const systemRefusals: Partial<Record<string, string>> = {
  not_agency_system: 'คำขอระบุระบบที่ไม่ใช่ระบบของหน่วยงานนี้ เลือกระบบเดิมจากรายการ หรือขอเป็นระบบใหม่',
  system_cancelled: 'คำขอระบุระบบที่ถูกยกเลิกแล้ว การยกเลิกเป็นที่สุด จึงขอเพิ่มสิทธิ์ให้ระบบนั้นไม่ได้ ให้นำออก หรือขอเป็นระบบใหม่แทน',
};

export const generalProblem = (error: AppError): Bilingual => ({
  th: `ไม่ได้บันทึก: ${systemRefusals[error.code] ?? 'คำขอนี้แก้ไขไม่ได้ในขณะนี้ หรือข้อมูลขัดแย้งกัน'} (รายละเอียดภาษาอังกฤษด้านข้าง)`,
  en: `Nothing was saved: ${error.message}`,
});

/** What the notice adds when values typed were too long to bring back whole: they are not shown "as typed". */
export const cutShort = (shortened: number) =>
  shortened === 0
    ? { th: '', en: '' }
    : {
        th: ` มี ${shortened} ช่องที่ข้อความยาวเกินกว่าจะนำกลับมาแสดงได้ทั้งหมด จึงแสดงเฉพาะส่วนต้น ตรวจสอบช่องที่มีหมายเหตุก่อนบันทึกอีกครั้ง`,
        en: ` ${shortened} ${shortened === 1 ? 'field was' : 'fields were'} too long to bring back whole and ${shortened === 1 ? 'shows' : 'show'} only the beginning of what was typed: check the fields marked so before saving again.`,
      };

export const notSavedFields = (count: number, shortened: number) => {
  const fields = `${count} ${count === 1 ? 'field that is' : 'fields that are'} not valid`;
  if (shortened === 0) {
    return {
      kind: 'problem' as const,
      th: `บันทึกร่างแล้ว ยกเว้น ${count} ช่องที่ข้อมูลไม่ถูกต้อง ซึ่งแสดงไว้ด้านล่างตามที่กรอก`,
      en: `The draft is saved, except ${fields}, shown below as typed.`,
    };
  }
  const cut = cutShort(shortened);
  return {
    kind: 'problem' as const,
    th: `บันทึกร่างแล้ว ยกเว้น ${count} ช่องที่ข้อมูลไม่ถูกต้อง ซึ่งแสดงไว้ด้านล่าง${cut.th}`,
    en: `The draft is saved, except ${fields}, shown below.${cut.en}`,
  };
};
