import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { approveApplication, prepareApplication, rejectApplication, requestChanges, returnApplication } from '../applications/actions.ts';
import { staffActor, type ApplicationActor } from '../applications/actors.ts';
import { applicationQueue } from '../applications/queue.ts';
import { showApplication } from '../applications/reads.ts';
import { applicationStatuses } from '../applications/schemas.ts';
import { requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { checkedFormOf, consoleStateOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { takeRefusedForm, type FormOutcome } from './staff-form-state.ts';
import { renderPage } from './pages.ts';
import { formProblem, preparationForm, queueQuery, rejectFields, rejectForm, requestChangesFields, requestChangesForm, returnFields, returnForm } from './staff-application-forms.ts';
import { applicationPageValues, queueRow, reviewForms } from './staff-application-view.ts';
import { staffApplicationKindLabels, staffApplicationStatusLabels } from './staff-labels.ts';
import { actAndGoBack } from './staff-outcomes.ts';
import { staffForm, staffPage } from './staff-role-guard.ts';

const site = consoles.staff;
const queuePageSize = 25;
const queueTitle = { th: 'คำขอใช้บริการ', en: 'Applications' };

/*
 * The applications queue and each application's page, with the review actions as forms: a reviewer asks for
 * changes, rejects or prepares the approval; an approver who did not prepare it approves; reviewers and approvers
 * reject or send a prepared application back. The roles are checked here for the page, and again by the domain.
 */
export function addStaffApplicationPages(router: Router, db: Kysely<Schema>): void {
  router.get('/staff/applications', ...staffPage(db), async (ctx) => {
    const filters = { status: text(ctx.query.status), kind: text(ctx.query.kind), q: text(ctx.query.q) };
    const choices = {
      statuses: applicationStatuses.map((code) => ({ code, ...staffApplicationStatusLabels[code] })),
      kinds: (['new', 'change'] as const).map((code) => ({ code, ...staffApplicationKindLabels[code] })),
    };
    const parsed = queueQuery.safeParse(ctx.query);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), message: issue.message }));
      renderPage(ctx, 'staff-applications', { title: queueTitle, filters, choices, problems, applications: [], nextPage: null, firstPage: null }, 400);
      return;
    }
    const query = parsed.data;
    const page = await applicationQueue(db, { status: query.status, kind: query.kind, text: query.q, after: query.after, limit: queuePageSize });
    const params: [string, string][] = Object.entries(filters).filter(([, value]) => value !== '');
    const link = (after?: string) => `/staff/applications?${new URLSearchParams([...params, ...(after ? [['after', after] as [string, string]] : [])])}`;
    renderPage(ctx, 'staff-applications', {
      title: queueTitle,
      filters,
      choices,
      problems: [],
      applications: page.applications.map(queueRow),
      nextPage: page.next ? link(page.next) : null,
      firstPage: query.after ? link() : null,
    });
  });

  router.get('/staff/applications/:id', ...staffPage(db), async (ctx) => {
    const session = signedInSession(ctx);
    const { roles } = consoleStateOf(ctx);
    const application = await showApplication(db, await staffActor(db, session.pid), ctx.params.id!);
    renderPage(ctx, 'staff-application', {
      title: { th: `คำขอของ ${application.agencyNameTh ?? ''}`.trim(), en: `Application of ${application.agencyNameEn ?? ''}`.trim() },
      ...(await applicationPageValues(db, application, { pid: session.pid, roles })),
      forms: reviewForms(takeRefusedForm(ctx)),
    });
  });

  router.post('/staff/applications/:id/request-changes', ...staffForm(db, ['reviewer']), async (ctx) => {
    await act(ctx, db, async (actor, id, form) => {
      const parsed = requestChangesForm(form);
      if (!parsed.success) return formProblem(parsed.error, { name: 'request-changes', sent: form, fieldOf: requestChangesFields });
      await requestChanges(db, actor, id, parsed.data.message, { requestId: requestIdOf(ctx), seenEvent: seenEventOf(form) });
      return { kind: 'done', th: 'ส่งคำขอกลับให้หน่วยงานแก้ไขแล้ว', en: 'Sent back to the agency for changes.' };
    });
  });

  router.post('/staff/applications/:id/reject', ...staffForm(db, ['reviewer', 'approver']), async (ctx) => {
    await act(ctx, db, async (actor, id, form) => {
      const parsed = rejectForm(form);
      if (!parsed.success) return formProblem(parsed.error, { name: 'reject', sent: form, fieldOf: rejectFields });
      await rejectApplication(db, actor, id, parsed.data.reasons, { requestId: requestIdOf(ctx), seenEvent: seenEventOf(form) });
      return { kind: 'done', th: 'ไม่อนุมัติคำขอแล้ว (เป็นการถาวร)', en: 'The application is rejected, for good.' };
    });
  });

  router.post('/staff/applications/:id/return', ...staffForm(db, ['reviewer', 'approver']), async (ctx) => {
    await act(ctx, db, async (actor, id, form) => {
      const parsed = returnForm(form);
      if (!parsed.success) return formProblem(parsed.error, { name: 'return', sent: form, fieldOf: returnFields });
      await returnApplication(db, actor, id, parsed.data.message, { requestId: requestIdOf(ctx), seenEvent: seenEventOf(form) });
      return { kind: 'done', th: 'ส่งคำขอกลับไปเตรียมอนุมัติใหม่แล้ว', en: 'Sent back to be prepared again.' };
    });
  });

  router.post('/staff/applications/:id/prepare', ...staffForm(db, ['reviewer']), async (ctx) => {
    await act(ctx, db, async (actor, id, form) => {
      const application = await showApplication(db, actor, id);
      const { result: parsed, fieldOf } = preparationForm(form, application.form);
      if (!parsed.success) return formProblem(parsed.error, { name: 'prepare', sent: form, fieldOf });
      await prepareApplication(db, actor, id, parsed.data, { requestId: requestIdOf(ctx), seenEvent: seenEventOf(form) });
      return {
        kind: 'done',
        th: 'เตรียมอนุมัติแล้ว ผู้อนุมัติอีกคนหนึ่งต้องเป็นผู้อนุมัติ',
        en: 'Prepared for approval. Another person, an approver, must approve it.',
      };
    });
  });

  router.post('/staff/applications/:id/approve', ...staffForm(db, ['approver']), async (ctx) => {
    await act(ctx, db, async (actor, id, form) => {
      // The new systems' secrets are not kept or shown: the agency's administrator issues them in the portal.
      const { letter } = await approveApplication(db, actor, id, { requestId: requestIdOf(ctx), seenEvent: seenEventOf(form) });
      return {
        kind: 'done',
        th: `อนุมัติแล้ว ออกหนังสืออนุญาตเลขที่ ${letter.number} ผู้ดูแลของหน่วยงานออกรหัสลับของระบบได้เองในพอร์ทัลหน่วยงาน`,
        en: `Approved: permission letter ${letter.number} is issued. The agency's administrator issues the systems' secrets in the agency portal.`,
      };
    });
  });
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The application's newest event as the page showed it; every form of the page sends it. */
const seenEventOf = (form: URLSearchParams) => form.get('seen') ?? undefined;

/** A review action on the application of the path, by the signed-in member of staff; back to its page after. */
async function act(
  ctx: Context,
  db: Kysely<Schema>,
  action: (actor: ApplicationActor, id: string, form: URLSearchParams) => Promise<FormOutcome>,
): Promise<void> {
  const id = ctx.params.id!;
  const actor = await staffActor(db, signedInSession(ctx).pid);
  // An application that does not exist is a 404 page, not a notice on a page that would not exist either.
  await showApplication(db, actor, id);
  const page = `${site.basePath}/applications/${id}`;
  await actAndGoBack(ctx, page, () => action(actor, id, checkedFormOf(ctx)), [{ href: page, th: 'กลับไปที่คำขอ', en: 'Back to the application' }]);
}
