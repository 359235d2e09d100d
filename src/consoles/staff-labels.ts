import type { ApplicationStatus, ApplicationTransition } from '../db/schema.ts';
import type { Bilingual } from './page-errors.ts';

export { dataItemLabel, noticeKindLabels, statusLabels } from './labels.ts';

/* How the staff console's pages name applications' statuses and steps, in Thai and English (the agency portal
   words them for the agency). */

export const staffApplicationStatusLabels: Record<ApplicationStatus, Bilingual> = {
  draft: { th: 'ร่าง', en: 'Draft' },
  submitted: { th: 'ยื่นแล้ว รอตรวจสอบ', en: 'Submitted' },
  changes_requested: { th: 'ส่งกลับให้แก้ไข', en: 'Changes requested' },
  prepared: { th: 'เตรียมอนุมัติแล้ว รออนุมัติ', en: 'Prepared for approval' },
  approved: { th: 'อนุมัติแล้ว', en: 'Approved' },
  rejected: { th: 'ไม่อนุมัติ', en: 'Rejected' },
};

export const staffApplicationKindLabels: Record<'new' | 'change', Bilingual> = {
  new: { th: 'หน่วยงานใหม่', en: 'New agency' },
  change: { th: 'ขอเปลี่ยนแปลง', en: 'Change' },
};

export const staffTransitionLabels: Record<ApplicationTransition, Bilingual> = {
  create: { th: 'เริ่มคำขอ', en: 'Started' },
  submit: { th: 'ยื่นคำขอ', en: 'Submitted' },
  request_changes: { th: 'ขอให้แก้ไข', en: 'Changes requested' },
  reject: { th: 'ไม่อนุมัติ', en: 'Rejected' },
  prepare: { th: 'เตรียมอนุมัติ', en: 'Prepared' },
  return: { th: 'ส่งกลับไปเตรียมใหม่', en: 'Sent back to be prepared again' },
  approve: { th: 'อนุมัติ', en: 'Approved' },
};

/** The role an event's actor acted in. */
export const actingRoleLabels: Record<string, Bilingual> = {
  agency_admin: { th: 'ผู้ดูแลของหน่วยงาน', en: "Agency's administrator" },
  reviewer: { th: 'ผู้ตรวจสอบ', en: 'Reviewer' },
  approver: { th: 'ผู้อนุมัติ', en: 'Approver' },
  admin_token: { th: 'โทเค็นผู้ดูแล', en: 'Admin token' },
  first_start: { th: 'การเริ่มระบบครั้งแรก', en: 'First start' },
};

