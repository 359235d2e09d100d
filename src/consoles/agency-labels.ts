import type { ApplicationStatus, ApplicationTransition } from '../db/schema.ts';
import type { Bilingual } from './page-errors.ts';

export { dataItemLabel, noticeKindLabels, statusLabels } from './labels.ts';

/* How the agency portal names its applications' statuses and steps, as the agency sees them, in Thai with the
   English beside it. */

export const agencyApplicationStatusLabels: Record<ApplicationStatus, Bilingual> = {
  draft: { th: 'ร่าง', en: 'Draft' },
  submitted: { th: 'ยื่นแล้ว รอพิจารณา', en: 'Submitted' },
  changes_requested: { th: 'ขอให้แก้ไข', en: 'Changes requested' },
  prepared: { th: 'ตรวจสอบแล้ว รออนุมัติ', en: 'Checked, awaiting approval' },
  approved: { th: 'อนุมัติแล้ว', en: 'Approved' },
  rejected: { th: 'ไม่อนุมัติ', en: 'Rejected' },
};

export const agencyTransitionLabels: Record<ApplicationTransition, Bilingual> = {
  create: { th: 'เริ่มร่างคำขอ', en: 'Draft started' },
  submit: { th: 'ยื่นคำขอ', en: 'Submitted' },
  request_changes: { th: 'เจ้าหน้าที่ขอให้แก้ไข', en: 'Changes requested by DOPA' },
  reject: { th: 'ไม่อนุมัติ', en: 'Rejected' },
  prepare: { th: 'เจ้าหน้าที่ตรวจสอบและเสนออนุมัติ', en: 'Checked and put forward for approval' },
  return: { th: 'ส่งกลับไปตรวจสอบใหม่', en: 'Sent back for another check' },
  approve: { th: 'อนุมัติ ออกหนังสืออนุญาต', en: 'Approved, permission letter issued' },
};

export const agencyApplicationKindLabels: Record<'new' | 'change', Bilingual> = {
  new: { th: 'ขอใช้บริการใหม่', en: 'New agency' },
  change: { th: 'ขอเปลี่ยนแปลง', en: 'Change' },
};

/** Who made a step, as the agency sees it: itself, or DOPA (staff are not named to the agency). */
export function actorLabel(actor: { kind: string; pid: string | null; role: string | null }, viewerPid: string): Bilingual {
  if (actor.kind === 'agency') return actor.pid === viewerPid ? { th: 'คุณ', en: 'You' } : { th: 'ผู้ดูแลของหน่วยงาน', en: "The agency's administrator" };
  if (actor.kind === 'staff') {
    return actor.role === 'approver' ? { th: 'ผู้อนุมัติ กรมการปกครอง', en: 'DOPA approver' } : { th: 'เจ้าหน้าที่ตรวจสอบ กรมการปกครอง', en: 'DOPA reviewer' };
  }
  return { th: 'กรมการปกครอง', en: 'DOPA' };
}

