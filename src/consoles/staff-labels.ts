import type { AgencyNoticeKind, ApplicationStatus, ApplicationTransition, Status } from '../db/schema.ts';
import { dataItems } from '../oidc/scopes.ts';
import type { Bilingual } from './page-errors.ts';

/* How the staff console's pages name statuses, steps and data items, in Thai and English. */

export const applicationStatusLabels: Record<ApplicationStatus, Bilingual> = {
  draft: { th: 'ร่าง', en: 'Draft' },
  submitted: { th: 'ยื่นแล้ว รอตรวจสอบ', en: 'Submitted' },
  changes_requested: { th: 'ส่งกลับให้แก้ไข', en: 'Changes requested' },
  prepared: { th: 'เตรียมอนุมัติแล้ว รออนุมัติ', en: 'Prepared for approval' },
  approved: { th: 'อนุมัติแล้ว', en: 'Approved' },
  rejected: { th: 'ไม่อนุมัติ', en: 'Rejected' },
};

export const applicationKindLabels: Record<'new' | 'change', Bilingual> = {
  new: { th: 'หน่วยงานใหม่', en: 'New agency' },
  change: { th: 'ขอเปลี่ยนแปลง', en: 'Change' },
};

export const transitionLabels: Record<ApplicationTransition, Bilingual> = {
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

export const statusLabels: Record<Status, Bilingual> = {
  active: { th: 'ใช้งาน', en: 'Active' },
  suspended: { th: 'ระงับชั่วคราว', en: 'Suspended' },
  cancelled: { th: 'ยกเลิกแล้ว', en: 'Cancelled' },
};

export const noticeKindLabels: Record<AgencyNoticeKind, Bilingual> = {
  suspension: { th: 'ระงับการใช้งาน', en: 'Suspension' },
  cancellation: { th: 'ยกเลิกการใช้งาน', en: 'Cancellation' },
  reinstatement: { th: 'คืนสิทธิ์การใช้งาน', en: 'Reinstatement' },
};

const itemLabels = new Map(dataItems.map((item) => [item.scope, { th: item.th, en: item.en }]));

/** A data item by its scope name, with its Thai and English names (the scope itself when unknown). */
export const dataItemLabel = (scope: string): Bilingual & { scope: string } => ({ scope, ...(itemLabels.get(scope) ?? { th: scope, en: scope }) });
