import { z } from 'zod';
import { statusChangeBody } from '../agencies/routes.ts';
import type { StatusChangeRequest } from '../agencies/status-changes.ts';
import type { Notice } from './notices.ts';
import { refusedForm, type FieldProblem, type FormOutcome } from './staff-form-state.ts';

/*
 * The forms that suspend, reinstate or cancel an agency or a system. The browser sends which change, the reason,
 * when the notice goes (before, with the time the change takes effect in Thailand time, or after), and for a
 * cancellation a ticked confirmation; they become the admin API's status change body and are checked with its
 * schema, so the console and the API refuse the same things. A form refused for its fields says which, each with
 * its problem, for the page to show beside it.
 */

const statusChanges = ['suspend', 'reinstate', 'cancel'] as const;
export type StatusChange = (typeof statusChanges)[number];

const statusOf = { suspend: 'suspended', reinstate: 'active', cancel: 'cancelled' } as const;

/** A browser's date-and-time field, in Thailand time, as an ISO time with its offset. */
const thailandLocal = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const withThailandOffset = (value: string) => (thailandLocal.test(value) ? `${value}${value.length === 16 ? ':00' : ''}+07:00` : value);

/** What each field needs, in Thai; the schema's English says what was wrong. */
const thaiProblems: Record<string, string> = {
  reason: 'ต้องระบุเหตุผล ไม่เกิน 2000 ตัวอักษร หน่วยงานจะอ่านเหตุผลนี้ในหนังสือแจ้ง',
  notice: 'เลือกว่าจะแจ้งพร้อมการเปลี่ยนแปลง หรือแจ้งล่วงหน้า',
  effectiveAt: 'เมื่อแจ้งล่วงหน้า ต้องระบุเวลาที่มีผล (เวลาประเทศไทย) ในอนาคต ไม่เกินหนึ่งปี',
};

export type ParsedStatusForm = { ok: true; change: StatusChange; request: StatusChangeRequest } | { ok: false; notice: FormOutcome };

export function statusForm(form: URLSearchParams): ParsedStatusForm {
  const change = form.get('change');
  if (!statusChanges.includes(change as StatusChange)) {
    return { ok: false, notice: { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ไม่ทราบว่าจะเปลี่ยนสถานะอย่างไร', en: 'Nothing was done: the form did not say which change to make.' } };
  }
  const which = change as StatusChange;
  const notice = which === 'reinstate' ? undefined : (form.get('notice') ?? undefined);
  const effectiveAt = notice === 'before' ? form.get('effectiveAt')?.trim() || undefined : undefined;
  const parsed = statusChangeBody.safeParse({
    status: statusOf[which],
    reason: form.get('reason') ?? undefined,
    notice,
    effectiveAt: effectiveAt === undefined ? undefined : withThailandOffset(effectiveAt),
  });
  const unconfirmed = which === 'cancel' && form.get('confirm') !== 'on';
  if (parsed.success && !unconfirmed) return { ok: true, change: which, request: parsed.data };

  const issues = parsed.success ? [] : parsed.error.issues;
  const problems: FieldProblem[] = issues.flatMap((issue: z.core.$ZodIssue) => {
    const field = String(issue.path[0] ?? '');
    return field in thaiProblems ? [{ field, th: thaiProblems[field]!, en: issue.message }] : [];
  });
  if (unconfirmed) problems.push({ field: 'confirm', th: 'ทำเครื่องหมายที่นี่เพื่อยืนยันว่าเข้าใจว่าการยกเลิกเป็นการถาวร', en: 'Tick this box to confirm you understand cancellation is final.' });
  const details = issues.map((issue: z.core.$ZodIssue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; ');
  const said: Notice =
    unconfirmed && issues.length === 0
      ? { kind: 'problem', th: 'ไม่ได้ยกเลิก: ต้องทำเครื่องหมายยืนยันว่าเข้าใจว่าการยกเลิกเป็นการถาวร', en: 'Nothing was cancelled: tick the box confirming that you understand cancellation is final.' }
      : { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ข้อมูลในแบบฟอร์มไม่ถูกต้องหรือไม่ครบ', en: `Nothing was done: ${[details, unconfirmed ? 'confirm: tick the box confirming that you understand cancellation is final' : ''].filter(Boolean).join('; ')}.` };
  return { ok: false, notice: problems.length > 0 ? { ...said, refused: refusedForm(which, form, problems) } : said };
}

/** The time a notice-before field offers at first: a day from now, to the minute, in Thailand time. */
export function defaultEffectiveAt(now = new Date()): string {
  return new Date(now.getTime() + 31 * 3600_000).toISOString().slice(0, 16);
}
