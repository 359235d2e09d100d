import { z } from 'zod';
import type { ApplicationForm } from '../applications/form.ts';
import { preparationInput, type PreparationInput } from '../applications/preparation.ts';
import { applicationStatuses, rejectBody, requestChangesBody, returnBody } from '../applications/schemas.ts';
import { refusedForm, type FieldProblem, type FormOutcome } from './staff-form-state.ts';

/*
 * The application pages' forms as the browser sends them, turned into what the applications domain takes and
 * checked with its own schemas. A form that does not pass is answered with a notice listing what to fix, and the
 * fields at fault, each with what it needs in Thai and the schema's English, for the page to show beside them.
 */

/** The field of the form a schema's path is about, with what the field needs in Thai. */
export type FieldOf = (path: readonly PropertyKey[]) => { field: string; th: string } | undefined;

/** Fields named as the schema names them. */
const byName =
  (fields: Record<string, string>): FieldOf =>
  (path) => {
    const name = String(path[0]);
    return Object.hasOwn(fields, name) ? { field: name, th: fields[name]! } : undefined;
  };

export const requestChangesFields = byName({ message: 'เขียนสิ่งที่หน่วยงานต้องแก้ไข ไม่เกิน 4000 ตัวอักษร' });
export const returnFields = byName({ message: 'ระบุเหตุผลที่ส่งกลับไปเตรียมใหม่ ไม่เกิน 4000 ตัวอักษร' });
export const rejectFields = byName({ reasons: 'ระบุเหตุผลอย่างน้อยหนึ่งข้อ บรรทัดละหนึ่งข้อ ไม่เกิน 20 ข้อ ข้อละไม่เกิน 2000 ตัวอักษร' });

/**
 * The problems of a form that did not pass, as a notice; with `form`, also the fields at fault, one problem each
 * (the schema's messages about it joined), and what was sent.
 */
export function formProblem(error: z.ZodError, form?: { name: string; sent: URLSearchParams; fieldOf: FieldOf }): FormOutcome {
  const details = error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; ');
  const notice = { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ข้อมูลในแบบฟอร์มไม่ถูกต้องหรือไม่ครบ', en: `Nothing was done: ${details}.` } as const;
  if (!form) return notice;
  const problems = new Map<string, FieldProblem>();
  for (const issue of error.issues) {
    const at = form.fieldOf(issue.path);
    if (!at) continue;
    const known = problems.get(at.field);
    problems.set(at.field, { field: at.field, th: at.th, en: known ? `${known.en}; ${issue.message}` : issue.message });
  }
  return problems.size > 0 ? { ...notice, refused: refusedForm(form.name, form.sent, [...problems.values()]) } : notice;
}

export const requestChangesForm = (form: URLSearchParams) => requestChangesBody.safeParse({ message: form.get('message') ?? undefined });

export const returnForm = (form: URLSearchParams) => returnBody.safeParse({ message: form.get('message') ?? undefined });

/** Reasons are written one a line. */
export const rejectForm = (form: URLSearchParams) =>
  rejectBody.safeParse({
    reasons: (form.get('reasons') ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  });

/** The names of the preparation form's fields for the system at `index` of the application's form. */
export const preparationFieldNames = (index: number) => ({
  include: `system-${index}`,
  redirectUri: `system-${index}-redirect-uri`,
  scope: `system-${index}-scope`,
  dailyQuota: `system-${index}-daily-quota`,
});

/** A quota field: blank for no limit, otherwise a whole number (anything else left for the schema to refuse). */
const quotaOf = (value: string | null): unknown => {
  const text = (value ?? '').trim().replace(/[,\s]/g, '');
  if (text === '') return null;
  return /^\d{1,12}$/.test(text) ? Number(text) : text;
};

const blankIsAbsent = (value: string | null) => (value === null || value.trim() === '' ? undefined : value);

/**
 * The preparation form: for each system of the application, whether it is permitted, and its redirect URIs,
 * data items (checkboxes among those asked) and daily quota; the purpose and a note for the approver. What was
 * not asked for is refused by the domain, whatever the browser sends.
 */
export function preparationForm(form: URLSearchParams, application: ApplicationForm) {
  const systems = (application.systems ?? []).flatMap((_, index) => {
    const names = preparationFieldNames(index);
    if (form.get(names.include) !== 'on') return [];
    return [{ index, redirectUris: form.getAll(names.redirectUri), scopes: form.getAll(names.scope), dailyQuota: quotaOf(form.get(names.dailyQuota)) }];
  });
  const result = preparationInput.safeParse({
    purpose: blankIsAbsent(form.get('purpose')),
    note: blankIsAbsent(form.get('note')),
    systems,
  }) as z.ZodSafeParseResult<PreparationInput>;
  // The schema counts the permitted systems; the form names a system's quota field by its place in the application.
  const fieldOf: FieldOf = (path) => {
    if (path[0] === 'systems' && path.length === 1) return { field: 'systems', th: 'อนุญาตอย่างน้อยหนึ่งระบบ หากไม่อนุญาตระบบใดเลย ให้ไม่อนุมัติคำขอ' };
    const index = path[0] === 'systems' && path[2] === 'dailyQuota' ? systems[Number(path[1])]?.index : undefined;
    if (index !== undefined) return { field: preparationFieldNames(index).dailyQuota, th: 'โควตาต่อวันต้องเป็นจำนวนเต็ม 1 ถึง 100,000,000 หรือเว้นว่างไว้เมื่อไม่จำกัด' };
    return byName({ purpose: 'ระบุวัตถุประสงค์ที่อนุญาต ไม่เกิน 1000 ตัวอักษร', note: 'บันทึกถึงผู้อนุมัติต้องไม่เกิน 2000 ตัวอักษร' })(path);
  };
  return { result, fieldOf };
}

/** The queue's filters, as its GET form sends them; empty fields mean no filter. */
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
export const queueQuery = z.object({
  status: z.preprocess(blank, z.enum(applicationStatuses, { message: `must be one of ${applicationStatuses.join(', ')}` }).optional()),
  kind: z.preprocess(blank, z.enum(['new', 'change'], { message: 'must be new or change' }).optional()),
  q: z.preprocess(blank, z.string().trim().max(200, 'must be at most 200 characters').optional()),
  after: z.preprocess(blank, z.uuid('is not a next-page link of this page').optional()),
});
