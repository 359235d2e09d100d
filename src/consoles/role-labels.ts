import type { Role } from '../staff/roles.ts';
import type { Bilingual } from './page-errors.ts';

/** How the pages name each staff role. */
export const roleLabels: Record<Role, Bilingual> = {
  reviewer: { th: 'ผู้ตรวจสอบ', en: 'Reviewer' },
  approver: { th: 'ผู้อนุมัติ', en: 'Approver' },
  administrator: { th: 'ผู้ดูแลระบบ', en: 'Administrator' },
};

/** What each role is for, as the home page explains it. */
export const roleDescriptions: Record<Role, Bilingual> = {
  reviewer: { th: 'ตรวจสอบคำขอใช้บริการของหน่วยงาน', en: "reads and checks agencies' applications" },
  approver: { th: 'อนุมัติหรือปฏิเสธคำขอใช้บริการ ระงับ คืนสิทธิ์ หรือยกเลิกหน่วยงานและระบบ', en: 'approves or refuses applications; suspends, reinstates or cancels agencies and systems' },
  administrator: {
    th: 'เพิ่มและถอนบทบาทเจ้าหน้าที่ ประกาศเงื่อนไขการใช้บริการ ระงับ คืนสิทธิ์ หรือยกเลิกหน่วยงานและระบบ',
    en: 'grants and removes staff roles; publishes the conditions of use; suspends, reinstates or cancels agencies and systems',
  },
};
