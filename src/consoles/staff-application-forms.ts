import { z } from 'zod';
import type { ApplicationForm } from '../applications/form.ts';
import { preparationInput, type PreparationInput } from '../applications/preparation.ts';
import { applicationStatuses, rejectBody, requestChangesBody, returnBody } from '../applications/schemas.ts';
import type { Notice } from './notices.ts';

/*
 * The application pages' forms as the browser sends them, turned into what the applications domain takes and
 * checked with its own schemas. A form that does not pass is answered with a notice listing what to fix.
 */

/** The problems of a form that did not pass, as a notice. */
export function formProblem(error: z.ZodError): Notice {
  const details = error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; ');
  return { kind: 'problem', th: 'ไม่ได้ดำเนินการ: ข้อมูลในแบบฟอร์มไม่ถูกต้องหรือไม่ครบ', en: `Nothing was done: ${details}.` };
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
  return preparationInput.safeParse({
    purpose: blankIsAbsent(form.get('purpose')),
    note: blankIsAbsent(form.get('note')),
    systems,
  }) as z.ZodSafeParseResult<PreparationInput>;
}

/** The queue's filters, as its GET form sends them; empty fields mean no filter. */
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
export const queueQuery = z.object({
  status: z.preprocess(blank, z.enum(applicationStatuses, { message: `must be one of ${applicationStatuses.join(', ')}` }).optional()),
  kind: z.preprocess(blank, z.enum(['new', 'change'], { message: 'must be new or change' }).optional()),
  q: z.preprocess(blank, z.string().trim().max(200, 'must be at most 200 characters').optional()),
  after: z.preprocess(blank, z.uuid('is not a next-page link of this page').optional()),
});
export type QueueQuery = z.infer<typeof queueQuery>;
