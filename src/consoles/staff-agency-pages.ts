import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { searchAgencies } from '../agencies/search-queries.ts';
import { firstPartyRefusal } from '../agencies/first-party-systems.ts';
import { findAgency, findSystem } from '../agencies/listing-queries.ts';
import { findNotice } from '../agencies/notice-queries.ts';
import { changeStatus, withdrawScheduledChange, type StatusTarget } from '../agencies/status-changes.ts';
import { mayActForAgency } from '../applications/access.ts';
import { agencyAdministrator, staffActor } from '../applications/actors.ts';
import { listLetters } from '../applications/letters.ts';
import { listApplications } from '../applications/reads.ts';
import { requestIdOf } from '../audit/record.ts';
import { acceptancesOf } from '../conditions/acceptance.ts';
import { currentConditions } from '../conditions/queries.ts';
import type { Schema, Status } from '../db/schema.ts';
import { volumeChartSvg } from '../disclosures/volume-chart.ts';
import { agencyVolume, allAgenciesVolume, VOLUME_TIME_ZONE } from '../disclosures/volume-queries.ts';
import { rangeOf, volumeQuery } from '../disclosures/volume-routes.ts';
import { withUsage } from '../enforcement/usage-queries.ts';
import { listViolations } from '../enforcement/violation-queries.ts';
import type { Role } from '../staff/roles.ts';
import { checkedFormOf, consoleStateOf, signedInSession } from './console-state.ts';
import { thailandTime } from './formatting.ts';
import { ConsolePageError } from './page-errors.ts';
import { renderPage } from './pages.ts';
import { shownLetter, shownNotice, shownReport, shownSystem, shownViolation, statusForms, withdrawFormName } from './staff-agency-view.ts';
import { refusedForm, takeRefusedForm } from './staff-form-state.ts';
import { listReportedSignIns } from '../enforcement/reported-sign-in-queries.ts';
import { queueRow } from './staff-application-view.ts';
import { dataItemLabel, statusLabels } from './staff-labels.ts';
import { actAndGoBack } from './staff-outcomes.ts';
import { staffForm, staffPage } from './staff-role-guard.ts';
import { statusForm } from './staff-status-form.ts';

/**
 * Who may suspend, reinstate or cancel an agency or a system: approvers, who decide what an agency may do, and
 * administrators, who run the service. Reviewers read.
 */
const statusChangeRoles: readonly Role[] = ['approver', 'administrator'];

const violationsShown = 50;
const agenciesShown = 200;

const statuses = ['active', 'suspended', 'cancelled'] as const;
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const agencyListQuery = z.object({
  q: z.preprocess(blank, z.string().trim().max(200, 'must be at most 200 characters').optional()),
  status: z.preprocess(blank, z.enum(statuses, { message: 'must be active, suspended or cancelled' }).optional()),
});

/*
 * Agencies and their systems: status, daily quota and today's requests, policy violations, the notices sent,
 * permission letters and the conditions accepted; the forms that suspend, reinstate or cancel; and on the
 * overview, every agency's disclosures per day as counts and a chart (counts only: never a citizen).
 */
export function addStaffAgencyPages(router: Router, db: Kysely<Schema>): void {
  router.get('/staff/agencies', ...staffPage(db), async (ctx) => {
    const filters = { q: text(ctx.query.q), status: text(ctx.query.status), from: text(ctx.query.from), to: text(ctx.query.to) };
    const parsedList = agencyListQuery.safeParse(ctx.query);
    const parsedRange = volumeQuery.safeParse({ from: blank(ctx.query.from), to: blank(ctx.query.to) });
    const problems = [
      ...(parsedList.success ? [] : parsedList.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }))),
      ...(parsedRange.success ? [] : parsedRange.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }))),
    ];
    const list: { q?: string | undefined; status?: Status | undefined } = parsedList.success ? parsedList.data : {};
    const range = rangeOf(parsedRange.success ? parsedRange.data : {});
    const agencies = await searchAgencies(db, { text: list.q, status: list.status, limit: agenciesShown + 1 });
    const volume = await allAgenciesVolume(db, range);
    const current = await currentConditions(db);
    renderPage(
      ctx,
      'staff-agencies',
      {
        title: { th: 'หน่วยงานและระบบ', en: 'Agencies and systems' },
        filters,
        problems,
        statusChoices: statuses.map((code) => ({ code, ...statusLabels[code] })),
        agencies: agencies.slice(0, agenciesShown).map((a) => ({
          ...a,
          href: `/staff/agencies/${a.id}`,
          registeredOn: thailandTime(a.createdAt).slice(0, 10),
          statusLabel: statusLabels[a.status],
          acceptedCurrent: a.acceptedVersion === current.version,
        })),
        more: agencies.length > agenciesShown,
        currentVersion: current.version,
        range: { ...range, timeZone: VOLUME_TIME_ZONE },
        chartHref: `/staff/disclosures/volume.svg?${new URLSearchParams({ from: range.from, to: range.to })}`,
        volume: {
          total: volume.reduce((sum, a) => sum + a.total, 0),
          agencies: volume.map((a) => {
            const peak = a.days.reduce((best, day) => (day.count > best.count ? day : best), { date: '', count: 0 });
            return { id: a.agency.id, href: `/staff/agencies/${a.agency.id}`, th: a.agency.th, en: a.agency.en, total: a.total, days: a.days.length, peak };
          }),
        },
      },
      problems.length > 0 ? 400 : 200,
    );
  });

  router.get('/staff/disclosures/volume.svg', ...staffPage(db), async (ctx) => {
    const parsed = volumeQuery.safeParse({ from: blank(ctx.query.from), to: blank(ctx.query.to) });
    if (!parsed.success) throw new ConsolePageError(400, { th: 'ช่วงวันที่ไม่ถูกต้อง', en: 'The range of days is wrong' }, parsed.error.issues.map((i) => ({ th: 'ช่วงวันที่', en: i.message })));
    const range = rangeOf(parsed.data);
    const agencies = await allAgenciesVolume(db, range);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    ctx.type = 'image/svg+xml; charset=utf-8';
    ctx.body = volumeChartSvg({ ...range, timeZone: VOLUME_TIME_ZONE, agencies });
  });

  router.get('/staff/agencies/:id', ...staffPage(db), async (ctx) => {
    const id = ctx.params.id!;
    const agency = await findAgency(db, id);
    if (!agency) throw notFound({ th: `ไม่พบหน่วยงานรหัส ${id}`, en: `No agency with id ${id}.` });
    const actor = await staffActor(db, signedInSession(ctx).pid);
    const systems = await withUsage(db, agency.systems);
    const refused = takeRefusedForm(ctx);
    const notices = agency.notices.map((notice) => shownNotice(notice, refused));
    const range = rangeOf({});
    const [violations, letters, acceptances, applications, current, volume, ownAgency] = await Promise.all([
      listViolations(db, { agencyId: agency.id, limit: violationsShown }),
      listLetters(db, actor, { agencyId: agency.id }),
      acceptancesOf(db, agency.id),
      listApplications(db, actor, { agencyId: agency.id, limit: 50 }),
      currentConditions(db),
      agencyVolume(db, agency.id, range),
      administersAgency(ctx, db, agency.id),
    ]);
    renderPage(ctx, 'staff-agency', {
      title: { th: agency.nameTh, en: agency.nameEn },
      agency: { id: agency.id, nameTh: agency.nameTh, nameEn: agency.nameEn, status: agency.status, statusLabel: statusLabels[agency.status], createdAt: thailandTime(new Date(agency.createdAt)) },
      systems: systems.map(shownSystem),
      violations: violations.map(shownViolation),
      violationsTotal: systems.reduce((sum, s) => sum + s.violations, 0),
      notices,
      letters: letters.map(shownLetter),
      applications: applications.map(queueRow),
      acceptances: acceptances.map((a) => ({ version: a.version, acceptedAt: thailandTime(new Date(a.acceptedAt)), acceptedBy: a.acceptedBy })),
      currentVersion: current.version,
      acceptedCurrent: acceptances.some((a) => a.version === current.version),
      volume: { ...range, total: volume.totals.disclosures, items: volume.totals.items.map((i) => ({ ...dataItemLabel(i.item), count: i.count })) },
      statusForms: statusForms({
        action: `/staff/agencies/${agency.id}/status`,
        status: agency.status,
        firstParty: firstPartyRefusal({ kind: 'agency', id: agency.id }),
        pendingNotice: notices.find((n) => n.pending && n.clientId === null),
        mayAct: mayChangeStatus(ctx),
        ownAgency,
        refused,
      }),
      mayWithdraw: mayChangeStatus(ctx) && !ownAgency,
      targetKind: 'agency',
    });
  });

  router.get('/staff/systems/:clientId', ...staffPage(db), async (ctx) => {
    const clientId = ctx.params.clientId!;
    const found = await findSystem(db, clientId);
    if (!found) throw notFound({ th: `ไม่พบระบบ client_id ${clientId}`, en: `No system with client_id ${clientId}.` });
    const [system] = await withUsage(db, [found]);
    const actor = await staffActor(db, signedInSession(ctx).pid);
    const refused = takeRefusedForm(ctx);
    const notices = found.notices.map((notice) => shownNotice(notice, refused));
    const [violations, reports, letters, ownAgency] = await Promise.all([
      listViolations(db, { clientId, limit: violationsShown }),
      listReportedSignIns(db, { clientId, limit: violationsShown }),
      listLetters(db, actor, { agencyId: found.agencyId }),
      administersAgency(ctx, db, found.agencyId),
    ]);
    renderPage(ctx, 'staff-system', {
      title: { th: `ระบบ ${found.name}`, en: `System ${found.name}` },
      system: {
        ...shownSystem(system!),
        agencyId: found.agencyId,
        agencyHref: `/staff/agencies/${found.agencyId}`,
        agencyNameEn: found.agencyNameEn,
        agencyStatus: found.agencyStatus,
        agencyStatusLabel: statusLabels[found.agencyStatus],
        redirectUris: found.redirectUris,
        dataItems: found.scopes.filter((s) => s !== 'openid').map(dataItemLabel),
        createdAt: thailandTime(new Date(found.createdAt)),
      },
      violations: violations.map(shownViolation),
      reports: reports.map(shownReport),
      notices,
      letters: letters.filter((l) => l.systems.some((s) => s.clientId === clientId)).map(shownLetter),
      statusForms: statusForms({
        action: `/staff/systems/${encodeURIComponent(clientId)}/status`,
        status: found.status,
        firstParty: firstPartyRefusal({ kind: 'system', id: clientId }),
        pendingNotice: notices.find((n) => n.pending && n.clientId === clientId),
        mayAct: mayChangeStatus(ctx),
        ownAgency,
        refused,
      }),
      mayWithdraw: mayChangeStatus(ctx) && !ownAgency,
      targetKind: 'system',
    });
  });

  router.post('/staff/agencies/:id/status', ...staffForm(db, statusChangeRoles), async (ctx) => {
    await changeStatusFromForm(ctx, db, { kind: 'agency', id: ctx.params.id! }, `/staff/agencies/${ctx.params.id}`);
  });

  router.post('/staff/systems/:clientId/status', ...staffForm(db, statusChangeRoles), async (ctx) => {
    await changeStatusFromForm(ctx, db, { kind: 'system', id: ctx.params.clientId! }, `/staff/systems/${encodeURIComponent(ctx.params.clientId!)}`);
  });

  router.post('/staff/notices/:id/withdraw', ...staffForm(db, statusChangeRoles), async (ctx) => {
    const found = await findNotice(db, ctx.params.id!);
    if (!found) throw notFound({ th: 'ไม่พบหนังสือแจ้งนี้', en: 'No such notice.' });
    const page = found.clientId ? `/staff/systems/${encodeURIComponent(found.clientId)}` : `/staff/agencies/${found.agencyId}`;
    const session = signedInSession(ctx);
    await actAndGoBack(ctx, page, async () => {
      const form = checkedFormOf(ctx);
      const reason = form.get('reason')?.trim() ?? '';
      if (reason === '' || reason.length > 2000) {
        const why = { th: 'ระบุเหตุผลไม่เกิน 2000 ตัวอักษร หน่วยงานจะอ่านเหตุผลนี้พร้อมหนังสือแจ้ง', en: 'say why, in at most 2000 characters; the agency reads it with the notice.' };
        return {
          kind: 'problem',
          th: `ไม่ได้ถอน: ${why.th}`,
          en: `Nothing was withdrawn: ${why.en}`,
          refused: refusedForm(withdrawFormName(found.id), form, [{ field: 'reason', th: why.th, en: `Say why, in at most 2000 characters; the agency reads it with the notice.` }]),
        };
      }
      await withdrawScheduledChange(db, found.id, reason, requestIdOf(ctx), { kind: 'staff', pid: session.pid, role: actingRole(ctx) });
      return { kind: 'done', th: 'ถอนการเปลี่ยนแปลงที่แจ้งล่วงหน้าแล้ว หน่วยงานเห็นในกล่องหนังสือแจ้ง', en: 'The scheduled change is withdrawn; the agency sees it in its notices.' };
    });
  });
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

const notFound = (what: { th: string; en: string }) =>
  new ConsolePageError(404, { th: 'ไม่พบ', en: 'Not found' }, [what], [{ href: '/staff/agencies', th: 'หน่วยงานทั้งหมด', en: 'All agencies' }]);

function mayChangeStatus(ctx: Context): boolean {
  const { roles } = consoleStateOf(ctx);
  return statusChangeRoles.some((role) => roles.includes(role));
}

/** Whether the signed-in member of staff administers this agency in the agency portal. */
const administersAgency = (ctx: Context, db: Kysely<Schema>, agencyId: string): Promise<boolean> =>
  mayActForAgency(db, agencyAdministrator(signedInSession(ctx).pid), agencyId);

/** The role the audit log names for the change: the first of the signed-in person's roles that may make it. */
function actingRole(ctx: Context): 'approver' | 'administrator' {
  return consoleStateOf(ctx).roles.includes('approver') ? 'approver' : 'administrator';
}

const doneNotice: Record<Status, { th: string; en: string }> = {
  suspended: { th: 'ระงับแล้ว', en: 'suspended' },
  active: { th: 'คืนสิทธิ์ให้ใช้งานแล้ว', en: 'reinstated' },
  cancelled: { th: 'ยกเลิกแล้ว (ถาวร)', en: 'cancelled, for good' },
};

async function changeStatusFromForm(ctx: Context, db: Kysely<Schema>, target: StatusTarget, page: string): Promise<void> {
  const session = signedInSession(ctx);
  await actAndGoBack(ctx, page, async () => {
    const parsed = statusForm(checkedFormOf(ctx));
    if (!parsed.ok) return parsed.notice;
    const changed = await changeStatus(db, target, parsed.request, requestIdOf(ctx), { kind: 'staff', pid: session.pid, role: actingRole(ctx) });
    const what = target.kind === 'agency' ? { th: 'หน่วยงาน', en: 'The agency' } : { th: `ระบบ ${target.id}`, en: `System ${target.id}` };
    const result = doneNotice[parsed.request.status];
    if (changed.scheduled) {
      const at = thailandTime(new Date(changed.notice.effectiveAt));
      return {
        kind: 'done',
        th: `ส่งหนังสือแจ้งล่วงหน้าแล้ว ${what.th}จะถูก${result.th}เมื่อ ${at} (เวลาประเทศไทย)`,
        en: `The notice is sent: ${what.en} will be ${result.en} at ${at} (Thailand time).`,
      };
    }
    return { kind: 'done', th: `${what.th}${result.th} และส่งหนังสือแจ้งหน่วยงานแล้ว`, en: `${what.en} is ${result.en}; the agency has its notice.` };
  });
}
