import type { AgencyNotice } from '../agencies/notice-queries.ts';
import type { PermissionLetter } from '../applications/views.ts';
import type { Status } from '../db/schema.ts';
import type { ReportedSignIn } from '../enforcement/reported-sign-in-queries.ts';
import { describeBrowser } from '../login/browser-description.ts';
import type { PolicyViolation } from '../enforcement/violation-queries.ts';
import type { SystemUsage } from '../enforcement/usage-queries.ts';
import { thailandTime } from './formatting.ts';
import type { RefusedForm } from './staff-form-state.ts';
import { formView } from './staff-form-view.ts';
import { dataItemLabel, noticeKindLabels, statusLabels } from './staff-labels.ts';
import { defaultEffectiveAt } from './staff-status-form.ts';

/* What the agency and system pages show, from the agencies, enforcement and applications domains. */

/** The form that withdraws a scheduled change, one for each notice the page shows. */
export const withdrawFormName = (noticeId: string) => `withdraw-${noticeId}`;

export function shownNotice(notice: AgencyNotice, refused?: RefusedForm) {
  return {
    id: notice.id,
    kind: notice.kind,
    kindLabel: noticeKindLabels[notice.kind],
    clientId: notice.clientId,
    reason: notice.reason,
    notice: notice.notice === 'before' ? { th: 'แจ้งล่วงหน้า', en: 'notice before' } : { th: 'แจ้งพร้อมการเปลี่ยนแปลง', en: 'notice with the change' },
    deliveredAt: thailandTime(new Date(notice.deliveredAt)),
    effectiveAt: thailandTime(new Date(notice.effectiveAt)),
    pending: notice.appliedAt === null,
    withdrawn: notice.withdrawnAt ? { at: thailandTime(new Date(notice.withdrawnAt)), reason: notice.withdrawalReason ?? '' } : null,
    withdrawAction: `/staff/notices/${notice.id}/withdraw`,
    withdrawForm: formView(withdrawFormName(notice.id), refused),
  };
}

export function shownViolation(violation: PolicyViolation) {
  return {
    id: violation.id,
    at: thailandTime(violation.at),
    clientId: violation.clientId,
    systemName: violation.systemName,
    items: violation.items.map(dataItemLabel),
    requestId: violation.requestId ?? '',
  };
}

const reportReasonLabels = {
  citizen_report: { th: 'ประชาชนแจ้งว่าไม่ใช่ตน', en: "the citizen said it wasn't them" },
  wrong_number: { th: 'เลือกตัวเลขไม่ตรงกับหน้าจอ', en: 'the citizen picked a number the screen did not show' },
} as const;

const reportedAfterLabels = {
  scanned: { th: 'ปฏิเสธก่อนตอบ', en: 'refused before an answer' },
  approved: { th: 'ยินยอมแล้ว สิทธิ์และโทเค็นถูกยกเลิก', en: 'approved, then its grant and tokens ended' },
} as const;

export function shownReport(report: ReportedSignIn) {
  const b = report.browser;
  return {
    id: report.id,
    at: thailandTime(report.at),
    items: report.items.filter((s) => s !== 'openid').map(dataItemLabel),
    reason: reportReasonLabels[report.reason],
    reportedAfter: reportedAfterLabels[report.reportedAfter],
    browser: b ? describeBrowser(b) : '—',
    network: b?.network || '—',
    loginId: report.loginId,
  };
}

export function shownLetter(letter: PermissionLetter) {
  return {
    number: letter.number,
    href: `/staff/letters/${letter.number}`,
    issuedOn: letter.issuedOn,
    systems: letter.systems.map((s) => s.name).join(', '),
    dataItems: letter.dataItems.join(', '),
    conditionsVersion: letter.conditionsVersion,
  };
}

export interface SystemRow extends SystemUsage {
  clientId: string;
  name: string;
  status: Status;
  /** Whether it may act right now (the database may give the flag as a number). */
  active: boolean | number;
}

export function shownSystem(system: SystemRow) {
  return {
    clientId: system.clientId,
    href: `/staff/systems/${encodeURIComponent(system.clientId)}`,
    name: system.name,
    status: system.status,
    statusLabel: statusLabels[system.status],
    active: Boolean(system.active),
    dailyQuota: system.dailyQuota,
    requestsToday: system.requestsToday,
    violations: system.violations,
    /** How much of today's quota is used, in whole per cent; null without a quota. */
    quotaUsed: system.dailyQuota ? Math.min(100, Math.round((system.requestsToday / system.dailyQuota) * 100)) : null,
  };
}

/**
 * The suspend, reinstate and cancel forms for one agency or system, as its current status allows them: none
 * for DOPA's own (which cannot be stopped), for a cancelled one (final), or while a change is scheduled.
 */
export function statusForms(target: {
  action: string;
  status: Status;
  firstParty: string | undefined;
  pendingNotice: ReturnType<typeof shownNotice> | undefined;
  mayAct: boolean;
  /** The signed-in member of staff administers the agency: another member of staff changes its status. */
  ownAgency: boolean;
  /** The form the last post refused, if it was one of these. */
  refused: RefusedForm | undefined;
}) {
  const { status } = target;
  const scheduled = target.pendingNotice !== undefined;
  return {
    action: target.action,
    mayAct: target.mayAct,
    ownAgency: target.ownAgency,
    firstParty: target.firstParty !== undefined,
    cancelled: status === 'cancelled',
    pending: target.pendingNotice ?? null,
    suspend: status === 'active' && !scheduled,
    reinstate: status === 'suspended',
    cancel: status !== 'cancelled' && !scheduled,
    defaultEffectiveAt: defaultEffectiveAt(),
    fields: { suspend: formView('suspend', target.refused), reinstate: formView('reinstate', target.refused), cancel: formView('cancel', target.refused) },
  };
}
