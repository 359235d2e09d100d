import { z } from 'zod';
import { filterYearsText, inFilterYears } from '../http/filter-years.ts';
import { isValidPid } from '../registry/pid.ts';

/*
 * The audit page's filters, as its GET form sends them: empty fields mean no filter. Times are typed as a
 * browser's date-and-time field gives them, in Thailand time (the page says so), or with an explicit offset.
 */

const blankIsAbsent = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : value);

const thailandTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const withOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant from the form: a Thailand wall-clock time, or a time with its own offset. */
const instant = z.preprocess(
  blankIsAbsent,
  z
    .string()
    .refine((v) => (thailandTime.test(v) || withOffset.test(v)) && !Number.isNaN(toInstant(v).getTime()) && inFilterYears(v), {
      message: `ต้องเป็นวันและเวลา เช่น 2026-01-31T09:00 ในปี ค.ศ. 1900–2999 · must be a date and time such as 2026-01-31T09:00 (Thailand time), ${filterYearsText}`,
    })
    .optional(),
);

export function toInstant(value: string): Date {
  return new Date(thailandTime.test(value) ? `${value}${value.length === 16 ? ':00' : ''}+07:00` : value);
}

export const auditPageQuery = z.object({
  since: instant,
  until: instant,
  actor: z.preprocess(
    (value) => (typeof value === 'string' ? blankIsAbsent(value.replace(/[\s-]/g, '')) : value),
    z
      .string()
      .refine((v) => v === 'admin_token' || isValidPid(v), {
        message: 'ต้องเป็น admin_token หรือเลขประจำตัวประชาชน 13 หลักที่ถูกต้อง · must be admin_token or a valid 13-digit citizen ID',
      })
      .optional(),
  ),
  action: z.preprocess(
    blankIsAbsent,
    z
      .string()
      .regex(/^[a-z_]+(\.[a-z_]+)+$/, { message: 'ต้องเป็นชื่อการดำเนินการ เช่น staff.add · must be an action name such as staff.add' })
      .optional(),
  ),
  cursor: z.preprocess(blankIsAbsent, z.string().regex(/^\d{1,18}$/, { message: 'ไม่ใช่หน้าถัดไปที่ถูกต้อง · is not a next-page link of this page' }).optional()),
});
export type AuditPageQuery = z.infer<typeof auditPageQuery>;

/** A message above as the page shows it: its Thai, then its English, which the page marks as English. */
export function bilingualMessage(message: string): { th: string; en: string } {
  const [th, en = ''] = message.split(' · ');
  return en ? { th: th!, en } : { th: '', en: th! };
}

/** How the page names each filter when it is wrong. */
export const auditFilterLabels: Record<keyof AuditPageQuery, { th: string; en: string }> = {
  since: { th: 'ตั้งแต่', en: 'From' },
  until: { th: 'ก่อน', en: 'Before' },
  actor: { th: 'ผู้ดำเนินการ', en: 'Actor' },
  action: { th: 'การดำเนินการ', en: 'Action' },
  cursor: { th: 'หน้า', en: 'Page' },
};
