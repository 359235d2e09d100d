import { z } from 'zod';
import { statusChangeBody } from '../agencies/routes.ts';
import type { StatusChangeRequest } from '../agencies/status-changes.ts';
import type { Notice } from './notices.ts';

/*
 * The forms that suspend, reinstate or cancel an agency or a system. The browser sends which change, the reason,
 * when the notice goes (before, with the time the change takes effect in Thailand time, or after), and for a
 * cancellation a ticked confirmation; they become the admin API's status change body and are checked with its
 * schema, so the console and the API refuse the same things.
 */

export const statusChanges = ['suspend', 'reinstate', 'cancel'] as const;
export type StatusChange = (typeof statusChanges)[number];

const statusOf = { suspend: 'suspended', reinstate: 'active', cancel: 'cancelled' } as const;

/** A browser's date-and-time field, in Thailand time, as an ISO time with its offset. */
const thailandLocal = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const withThailandOffset = (value: string) => (thailandLocal.test(value) ? `${value}${value.length === 16 ? ':00' : ''}+07:00` : value);

export type ParsedStatusForm = { ok: true; change: StatusChange; request: StatusChangeRequest } | { ok: false; notice: Notice };

export function statusForm(form: URLSearchParams): ParsedStatusForm {
  const change = form.get('change');
  if (!statusChanges.includes(change as StatusChange)) {
    return { ok: false, notice: { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ไม่ทราบว่าจะเปลี่ยนสถานะอย่างไร', en: 'Nothing was done: the form did not say which change to make.' } };
  }
  const which = change as StatusChange;
  if (which === 'cancel' && form.get('confirm') !== 'on') {
    return {
      ok: false,
      notice: {
        kind: 'problem',
        th: 'ไม่ได้ยกเลิก: ต้องทำเครื่องหมายยืนยันว่าเข้าใจว่าการยกเลิกเป็นการถาวร',
        en: 'Nothing was cancelled: tick the box confirming that you understand cancellation is final.',
      },
    };
  }
  const notice = which === 'reinstate' ? undefined : (form.get('notice') ?? undefined);
  const effectiveAt = notice === 'before' ? form.get('effectiveAt')?.trim() || undefined : undefined;
  const parsed = statusChangeBody.safeParse({
    status: statusOf[which],
    reason: form.get('reason') ?? undefined,
    notice,
    effectiveAt: effectiveAt === undefined ? undefined : withThailandOffset(effectiveAt),
  });
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue: z.core.$ZodIssue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; ');
    return { ok: false, notice: { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ข้อมูลในแบบฟอร์มไม่ถูกต้องหรือไม่ครบ', en: `Nothing was done: ${details}.` } };
  }
  return { ok: true, change: which, request: parsed.data };
}

/** The time a notice-before field offers at first: a day from now, to the minute, in Thailand time. */
export function defaultEffectiveAt(now = new Date()): string {
  return new Date(now.getTime() + 31 * 3600_000).toISOString().slice(0, 16);
}
