import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { assertAgencyAccess, mayActForAgency } from '../applications/access.ts';
import { createApplication, submitApplication, updateApplication } from '../applications/actions.ts';
import { agencyAdministrator } from '../applications/actors.ts';
import { listApplications, showApplication } from '../applications/reads.ts';
import { editableStatuses } from '../applications/transitions.ts';
import type { ApplicationDetail } from '../applications/views.ts';
import { systemsOfAgency } from '../agencies/agency-systems.ts';
import { findAgency } from '../agencies/listing-queries.ts';
import { requestIdOf } from '../audit/record.ts';
import { currentConditions } from '../conditions/queries.ts';
import type { Schema } from '../db/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { agencyForm, agencyPage } from './agency-guards.ts';
import { checkForm, UnusableForm } from './agency-form-check.ts';
import { unchangeableSystemFields } from './agency-form-system-check.ts';
import { fieldLabel } from './agency-form-labels.ts';
import { compactRows, rowActionOf, rowsFromPost, rowsOf, withoutRemovedRow, type FormRows, type RowAction } from './agency-form-rows.ts';
import { cutShort, generalProblem, notSavedFields, systemRefusals } from './agency-form-notices.ts';
import { leaveFormState, takeFormState, type FormState } from './agency-form-state.ts';
import { formView, keyOfMissing, moreRowsOf, problemsToShow, rowsWithState } from './agency-form-view.ts';
import { actorLabel, agencyApplicationKindLabels, agencyApplicationStatusLabels, agencyTransitionLabels } from './agency-labels.ts';
import { checkedFormOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { shownPid, thailandTime } from './formatting.ts';
import { redirectWithNotice } from './notices.ts';
import { ConsolePageError, type Bilingual } from './page-errors.ts';
import { renderPage } from './pages.ts';

const site = consoles.agency;
const applicationPath = (id: string) => `/agency/applications/${encodeURIComponent(id)}`;
const formPath = (id: string) => `${applicationPath(id)}/form`;

/** The application's page and its form: a new application, a change of an agency, a draft, one sent back. */
export function addApplicationPages(router: Router, db: Kysely<Schema>): void {
  router.get('/agency/applications/new', ...agencyPage(db), async (ctx) => {
    const session = signedInSession(ctx);
    const rows = rowsOf({ kind: 'new', administrator: { name: session.name } });
    await renderForm(ctx, db, { kind: 'new', agencyId: undefined, rows, application: undefined });
  });

  router.get('/agency/agencies/:id/change', ...agencyPage(db), async (ctx) => {
    const actor = agencyAdministrator(signedInSession(ctx).pid);
    const agencyId = ctx.params.id!;
    await assertAgencyAccess(db, actor, agencyId);
    const agency = (await findAgency(db, agencyId))!;
    if (agency.status === 'cancelled') {
      throw new ConsolePageError(409, { th: 'หน่วยงานนี้ถูกยกเลิกแล้ว', en: 'This agency is cancelled' }, [
        { th: 'การยกเลิกเป็นที่สุด หน่วยงานที่ถูกยกเลิกขอเปลี่ยนแปลงไม่ได้ ให้ยื่นคำขอใช้บริการใหม่แทน', en: 'Cancellation is final: a cancelled agency cannot ask for changes. Make a new application instead.' },
      ], [{ href: '/agency/applications/new', th: 'ยื่นคำขอใหม่', en: 'New application' }]);
    }
    // The agency's details as its last approved application gave them, for the administrator to check.
    const approved = (await listApplications(db, actor, { agencyId, status: 'approved' }))[0];
    const previous = approved ? (await showApplication(db, actor, approved.id)).form : undefined;
    const rows = rowsOf({
      kind: 'change',
      agency: { ...previous?.agency, nameTh: previous?.agency?.nameTh ?? agency.nameTh, nameEn: previous?.agency?.nameEn ?? agency.nameEn },
      administrator: previous?.administrator?.pid === signedInSession(ctx).pid ? previous.administrator : { name: signedInSession(ctx).name },
      contact: previous?.contact,
      purpose: previous?.purpose,
      accessControllers: previous?.accessControllers,
    });
    await renderForm(ctx, db, { kind: 'change', agencyId, rows, application: undefined });
  });

  router.post('/agency/applications', ...agencyForm(db), async (ctx) => {
    const form = checkedFormOf(ctx);
    const kind = form.get('kind') === 'change' ? 'change' : 'new';
    const agencyId = kind === 'change' ? (form.get('agencyId') ?? '') : undefined;
    await saveForm(ctx, db, { kind, agencyId }, undefined);
  });

  router.get('/agency/applications/:id', ...agencyPage(db), async (ctx) => {
    const session = signedInSession(ctx);
    const actor = agencyAdministrator(session.pid);
    const application = await showApplication(db, actor, ctx.params.id!);
    const agencyLink = application.agencyId !== null && (await mayActForAgency(db, actor, application.agencyId)) ? `/agency/agencies/${application.agencyId}` : null;
    const lastOf = (transition: string) => application.events.findLast((e) => e.transition === transition);
    renderPage(ctx, 'agency-application', {
      title: { th: 'คำขอใช้บริการ', en: 'Application' },
      application: summaryOf(application),
      agencyLink,
      editable: editableStatuses.includes(application.status) && application.administratorPid === session.pid,
      changesRequested: application.status === 'changes_requested' ? (lastOf('request_changes')?.message ?? null) : null,
      rejection: application.status === 'rejected' ? (lastOf('reject')?.reasons ?? []) : null,
      missing: application.status === 'draft' ? application.missing.map((m) => fieldLabel(keyOfMissing(m, application.form))) : [],
      letters: application.letters.map((l) => ({ number: l.number, issuedOn: l.issuedOn, href: `/agency/letters/${encodeURIComponent(l.number)}` })),
      events: application.events.map((e) => ({
        at: thailandTime(e.at),
        label: agencyTransitionLabels[e.transition],
        to: { code: e.to, ...agencyApplicationStatusLabels[e.to] },
        actor: actorLabel(e.actor, session.pid),
        // What DOPA wrote for the agency; notes between staff (a preparation, a return) stay with staff.
        message: e.transition === 'request_changes' ? e.message : null,
        reasons: e.transition === 'reject' ? (e.reasons ?? []) : [],
        letter: e.letterNumber ? { number: e.letterNumber, href: `/agency/letters/${encodeURIComponent(e.letterNumber)}` } : null,
      })),
    });
  });

  router.get('/agency/applications/:id/form', ...agencyPage(db), async (ctx) => {
    const actor = agencyAdministrator(signedInSession(ctx).pid);
    const application = await showApplication(db, actor, ctx.params.id!);
    await renderForm(ctx, db, { kind: application.kind, agencyId: application.agencyId ?? undefined, rows: rowsOf(application.form), application });
  });

  router.post('/agency/applications/:id/form', ...agencyForm(db), async (ctx) => {
    const actor = agencyAdministrator(signedInSession(ctx).pid);
    const application = await showApplication(db, actor, ctx.params.id!);
    await saveForm(ctx, db, { kind: application.kind, agencyId: application.agencyId ?? undefined }, application);
  });
}

function summaryOf(application: ApplicationDetail) {
  return {
    id: application.id,
    status: { code: application.status, ...agencyApplicationStatusLabels[application.status] },
    kind: agencyApplicationKindLabels[application.kind],
    agencyNameTh: application.agencyNameTh,
    agencyNameEn: application.agencyNameEn,
    createdAt: thailandTime(application.createdAt),
    updatedAt: thailandTime(application.updatedAt),
    formHref: formPath(application.id),
    href: applicationPath(application.id),
  };
}

interface FormTarget {
  kind: 'new' | 'change';
  agencyId: string | undefined;
  rows: FormRows;
  application: ApplicationDetail | undefined;
}

/** The form page: editable while a draft or sent back for changes, read-only otherwise. */
async function renderForm(ctx: Context, db: Kysely<Schema>, target: FormTarget): Promise<void> {
  const session = signedInSession(ctx);
  const { application } = target;
  const editable = application === undefined || (editableStatuses.includes(application.status) && application.administratorPid === session.pid);
  const state = application && editable ? (takeFormState(ctx, application.id) ?? (await savedSystemProblems(db, application))) : undefined;
  const rows = rowsWithState(target.rows, state);
  const view = formView(rows, {
    more: editable ? moreRowsOf(ctx.query.more) : undefined,
    state,
    missing: application?.missing ?? [],
    saved: application?.form ?? { kind: target.kind },
    editable,
  });
  const conditions = await currentConditions(db);
  const agency = target.agencyId === undefined ? undefined : await findAgency(db, target.agencyId);
  const existingSystems = target.kind === 'change' && target.agencyId !== undefined ? (await systemsOfAgency(db, target.agencyId)).filter((s) => s.status !== 'cancelled') : [];
  // A system a row names that the agency may not extend (cancelled since, say) stays shown as chosen, beside its problem.
  const offered = new Set(existingSystems.map((s) => s.clientId));
  const notOffered = [...new Set(view.systems.map((s) => s.fields.clientId.value).filter((id) => id !== '' && !offered.has(id)))];
  const lastRequest = application?.events.findLast((e) => e.transition === 'request_changes');
  const title: Bilingual =
    application !== undefined
      ? { th: 'แบบคำขอใช้บริการ', en: 'Application form' }
      : target.kind === 'change'
        ? { th: 'คำขอเปลี่ยนแปลง', en: 'Change application' }
        : { th: 'คำขอใช้บริการใหม่', en: 'New application' };
  renderPage(ctx, 'agency-application-form', {
    title,
    editable,
    action: application === undefined ? '/agency/applications' : formPath(application.id),
    application: application ? summaryOf(application) : null,
    kind: target.kind,
    kindLabel: agencyApplicationKindLabels[target.kind],
    agencyId: target.agencyId ?? '',
    agency: agency ? { nameTh: agency.nameTh, nameEn: agency.nameEn } : null,
    administratorPid: shownPid(application?.administratorPid ?? session.pid),
    changesRequested: application?.status === 'changes_requested' ? (lastRequest?.message ?? null) : null,
    existingSystems: existingSystems.map((s) => ({ clientId: s.clientId, name: s.name })),
    notOffered,
    conditions: { version: conditions.version, textTh: conditions.text_th, textEn: conditions.text_en },
    acceptedVersion: rows.scalars.conditionsVersion,
    view,
  });
}

/**
 * Saves a posted form (creating the draft first when there is none), then does what its button asked: save, add
 * or remove a row, or submit. Fields the schema refuses are not saved; the page shows them again as typed, each
 * with its problem. A submission goes ahead only when nothing is refused or missing.
 */
async function saveForm(ctx: Context, db: Kysely<Schema>, fixed: { kind: 'new' | 'change'; agencyId: string | undefined }, application: ApplicationDetail | undefined): Promise<void> {
  const session = signedInSession(ctx);
  const actor = agencyAdministrator(session.pid);
  const context = { requestId: requestIdOf(ctx) };
  const posted = checkedFormOf(ctx);
  const action = rowActionOf(posted.get('action'));
  const back = application ? formPath(application.id) : fixed.kind === 'change' ? `/agency/agencies/${fixed.agencyId}/change` : '/agency/applications/new';

  if (application && !(editableStatuses.includes(application.status) && application.administratorPid === session.pid)) {
    redirectWithNotice(ctx, site, applicationPath(application.id), {
      kind: 'problem',
      th: `ไม่ได้บันทึก: คำขอนี้อยู่ในสถานะ "${agencyApplicationStatusLabels[application.status].th}" จึงแก้ไขไม่ได้ จนกว่าเจ้าหน้าที่จะขอให้แก้ไข`,
      en: `Nothing was saved: the application is ${agencyApplicationStatusLabels[application.status].en.toLowerCase()}, and read-only until DOPA asks for changes.`,
    });
    return;
  }

  let checked: ReturnType<typeof checkForm>;
  try {
    const rows = withoutRemovedRow(rowsFromPost(posted), action);
    checked = checkForm(rows, fixed);
    const unchangeable = await unchangeableSystemFields(db, fixed.agencyId, checked.form);
    if (unchangeable.length > 0) checked = checkForm(rows, fixed, unchangeable);
  } catch (error) {
    if (!(error instanceof UnusableForm)) throw error;
    throw new ConsolePageError(400, { th: 'อ่านแบบฟอร์มไม่ได้', en: 'The form could not be read' }, [
      { th: 'แบบฟอร์มที่ส่งมาไม่ใช่แบบฟอร์มของหน้านี้ จึงไม่มีการบันทึกใด ๆ', en: `It is not a form this page sends, so nothing was saved: ${error.issues.join('; ')}` },
    ], [{ href: back, th: 'กลับไปที่แบบฟอร์ม', en: 'Back to the form' }]);
  }

  let saved: ApplicationDetail;
  try {
    saved = application
      ? await updateApplication(db, actor, application.id, checked.form, context)
      : await createApplication(db, actor, checked.form, context);
  } catch (error) {
    if (!(error instanceof AppError) || error instanceof NotFoundError || error.status >= 500) throw error;
    redirectWithNotice(ctx, site, back, { kind: 'problem', ...generalProblem(error) });
    return;
  }

  const state = (submitted: boolean, extra: FormState['problems'] = []): FormState => ({
    applicationId: saved.id,
    submitted,
    problems: [...checked.problems, ...extra],
    kept: checked.kept,
    removedRows: checked.removedRows,
  });
  const refused = checked.problems.length;
  const target = formPath(saved.id);

  if (action.kind !== 'save' && action.kind !== 'submit') {
    const shortened = refused > 0 ? leaveFormState(ctx, state(false)).shortened : 0;
    redirectWithNotice(ctx, site, `${target}${rowTarget(action, checked.rows)}`, refused > 0 ? notSavedFields(refused, shortened) : undefined);
    return;
  }
  if (action.kind === 'save') {
    const shortened = refused > 0 ? leaveFormState(ctx, state(false)).shortened : 0;
    redirectWithNotice(ctx, site, target, refused > 0 ? notSavedFields(refused, shortened) : { kind: 'done', th: 'บันทึกร่างแล้ว', en: 'The draft is saved.' });
    return;
  }
  const problemsBeforeSubmitting = problemsToShow(state(true), saved.missing, saved.form, new Set()).all.length;
  if (problemsBeforeSubmitting > 0) {
    const cut = cutShort(leaveFormState(ctx, state(true)).shortened);
    redirectWithNotice(ctx, site, target, {
      kind: 'problem',
      th: `ยังไม่ได้ยื่นคำขอ: มี ${problemsBeforeSubmitting} รายการที่ต้องแก้ไขหรือกรอกเพิ่ม ดูรายการด้านล่างและที่แต่ละช่อง (บันทึกร่างไว้แล้ว)${cut.th}`,
      en: `Not submitted: ${problemsBeforeSubmitting} ${problemsBeforeSubmitting === 1 ? 'thing needs' : 'things need'} fixing or filling in; see the list below and each field. The draft is saved.${cut.en}`,
    });
    return;
  }
  try {
    await submitApplication(db, actor, saved.id, context);
  } catch (error) {
    if (!(error instanceof AppError) || error instanceof NotFoundError || error.status >= 500) throw error;
    const conditions = error.code === 'conditions_not_current';
    const cut = cutShort(leaveFormState(ctx, state(true, conditions ? [{ key: 'conditionsVersion', en: error.message }] : [])).shortened);
    redirectWithNotice(ctx, site, target, conditions
      ? { kind: 'problem', th: `ยังไม่ได้ยื่นคำขอ: มีเงื่อนไขการใช้บริการฉบับใหม่ โปรดอ่านและยอมรับฉบับปัจจุบัน${cut.th}`, en: `Not submitted: ${error.message}${cut.en}` }
      : { kind: 'problem', th: `ยังไม่ได้ยื่นคำขอ${systemRefusals[error.code] ? `: ${systemRefusals[error.code]}` : ''} (รายละเอียดภาษาอังกฤษด้านข้าง)${cut.th}`, en: `Not submitted: ${error.message}${cut.en}` });
    return;
  }
  redirectWithNotice(ctx, site, applicationPath(saved.id), {
    kind: 'done',
    th: 'ยื่นคำขอแล้ว เจ้าหน้าที่กรมการปกครองจะพิจารณา ระหว่างนี้แบบคำขอจะแก้ไขไม่ได้',
    en: 'The application is submitted. DOPA will review it; meanwhile its form is read-only.',
  });
}

/**
 * A saved change's systems that the agency may no longer extend (cancelled after the draft was saved), as the
 * problems of their fields, for the page to show without a post.
 */
async function savedSystemProblems(db: Kysely<Schema>, application: ApplicationDetail): Promise<FormState | undefined> {
  const problems = await unchangeableSystemFields(db, application.agencyId ?? undefined, application.form);
  return problems.length === 0 ? undefined : { applicationId: application.id, submitted: false, problems, kept: {}, removedRows: [] };
}

/** Where the page comes back to after "add another" or "remove": the extra row asked for, and the place in the page. */
function rowTarget(action: RowAction, rows: FormRows): string {
  const compacted = compactRows(rows);
  switch (action.kind) {
    case 'add':
      if (action.what === 'system') return `?more=system#f-systems-${compacted.systems.length}`;
      if (action.what === 'controller') return '?more=controller#f-accessControllers';
      return `?more=${action.what}#f-systems-${action.what.slice(4)}-redirectUris`;
    case 'remove-uri':
      return `#f-systems-${action.system}-redirectUris`;
    case 'remove-controller':
      return '#f-accessControllers';
    default:
      return '#f-systems';
  }
}
