import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requestIdOf } from '../audit/record.ts';
import { listAuditEvents, type AuditEvent } from '../audit/queries.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findCitizen } from '../registry/queries.ts';
import { isValidPid } from '../registry/pid.ts';
import { addStaffRole, removeStaffRole } from '../staff/changes.ts';
import { listActiveStaff } from '../staff/queries.ts';
import { staffRoles, type Role } from '../staff/roles.ts';
import { auditFilterLabels, auditPageQuery, bilingualMessage, toInstant, type AuditPageQuery } from './audit-page-query.ts';
import { checkedFormOf, consoleStateOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { shownPid, thailandTime, thaiFullName } from './formatting.ts';
import { consoleForm, consolePage, requireStaff } from './guards.ts';
import { redirectWithNotice, type Notice } from './notices.ts';
import { leaveRefusedForm, refusedForm, takeRefusedForm, type FieldProblem } from './staff-form-state.ts';
import { formView } from './staff-form-view.ts';
import { renderPage } from './pages.ts';
import { roleDescriptions, roleLabels } from './role-labels.ts';
import { actingRoleLabels } from './staff-labels.ts';

const site = consoles.staff;
const auditPageSize = 50;

/** The staff console's pages: home, the audit log, and the staff roles (administrators only). */
export function addStaffPages(router: Router, db: Kysely<Schema>): void {
  const page = (role?: Role) => consolePage(site, db, requireStaff(db, role));
  const form = (role: Role) => consoleForm(site, db, requireStaff(db, role));

  router.get('/staff', ...page(), (ctx) => {
    const { roles } = consoleStateOf(ctx);
    const session = signedInSession(ctx);
    renderPage(ctx, 'staff-home', {
      title: { th: 'หน้าหลัก', en: 'Home' },
      pid: shownPid(session.pid),
      signedInAt: thailandTime(session.createdAt),
      roleDetails: roles.map((role) => ({ code: role, label: roleLabels[role], description: roleDescriptions[role] })),
      isAdministrator: roles.includes('administrator'),
    });
  });

  router.get('/staff/audit', ...page(), async (ctx) => {
    const parsed = auditPageQuery.safeParse(ctx.query);
    const filters = { since: text(ctx.query.since), until: text(ctx.query.until), actor: text(ctx.query.actor), action: text(ctx.query.action) };
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const field = auditFilterLabels[issue.path[0] as keyof AuditPageQuery];
        return { field, message: bilingualMessage(issue.message) };
      });
      renderPage(ctx, 'staff-audit', { title: auditTitle, filters, problems, events: [], nextPage: null, firstPage: null }, 400);
      return;
    }
    const query = parsed.data;
    const events = await listAuditEvents(db, {
      since: query.since === undefined ? undefined : toInstant(query.since),
      until: query.until === undefined ? undefined : toInstant(query.until),
      actor: query.actor,
      action: query.action,
      cursor: query.cursor,
      limit: auditPageSize,
    });
    const filterParams: [string, string][] = Object.entries({ ...filters, actor: query.actor ?? '' }).filter(([, v]) => v !== '');
    const link = (cursor?: string) => `/staff/audit?${new URLSearchParams([...filterParams, ...(cursor ? [['cursor', cursor] as [string, string]] : [])])}`;
    renderPage(ctx, 'staff-audit', {
      title: auditTitle,
      filters,
      problems: [],
      events: events.map(shownEvent),
      nextPage: events.length === auditPageSize ? link(events.at(-1)!.id) : null,
      firstPage: query.cursor ? link() : null,
    });
  });

  router.get('/staff/staff', ...page('administrator'), async (ctx) => {
    const grants = await listActiveStaff(db);
    // The last administrator's role cannot be removed: no button offers it.
    const administrators = grants.filter((g) => g.role === 'administrator').length;
    const names = new Map<string, string>();
    for (const pid of new Set(grants.map((g) => g.pid))) {
      const citizen = await findCitizen(db, pid);
      names.set(pid, citizen ? thaiFullName(citizen) : '');
    }
    renderPage(ctx, 'staff-staff', {
      title: { th: 'เจ้าหน้าที่', en: 'Staff' },
      grants: grants.map((g) => ({
        pid: g.pid,
        pidShown: shownPid(g.pid),
        name: names.get(g.pid) ?? '',
        role: g.role,
        roleLabel: roleLabels[g.role],
        grantedAt: thailandTime(g.grantedAt),
        grantedBy: shownPid(g.grantedBy),
        removable: g.role !== 'administrator' || administrators > 1,
      })),
      roleChoices: staffRoles.map((role) => ({ code: role, ...roleLabels[role] })),
      grantForm: formView(grantFormName, takeRefusedForm(ctx)),
    });
  });

  router.post('/staff/staff/add', ...form('administrator'), async (ctx) => {
    await changeRole(ctx, db, 'add');
  });

  router.post('/staff/staff/remove', ...form('administrator'), async (ctx) => {
    await changeRole(ctx, db, 'remove');
  });
}

const auditTitle = { th: 'บันทึกการดำเนินการ', en: 'Audit log' };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function shownEvent(event: AuditEvent) {
  const actor =
    event.actor.kind === 'admin_token'
      ? { th: 'โทเค็นผู้ดูแล', en: 'Admin token', pid: '', role: null }
      : {
          th: event.actor.kind === 'staff' ? 'เจ้าหน้าที่' : 'หน่วยงาน',
          en: event.actor.kind === 'staff' ? 'Staff' : 'Agency',
          pid: event.actor.pid ? shownPid(event.actor.pid) : '',
          role: event.actor.role === null ? null : Object.hasOwn(roleLabels, event.actor.role) ? roleLabels[event.actor.role as Role] : (actingRoleLabels[event.actor.role] ?? { th: event.actor.role, en: event.actor.role }),
        };
  const details = (label: string, value: unknown) => (value === null || value === undefined ? [] : [`${label} ${JSON.stringify(value)}`]);
  return {
    id: event.id,
    at: thailandTime(event.at),
    actor,
    action: event.action,
    target: `${event.target.kind} ${event.target.id}`,
    details: [...details('before', event.before), ...details('after', event.after)],
    requestId: event.requestId ?? '',
  };
}

const roleForm = z.object({
  pid: z.string().transform((v) => v.replace(/[\s-]/g, '')).refine(isValidPid),
  role: z.enum(staffRoles),
});

/** The form on the staff page that grants a role; a refused one shows its fields as typed, the wrong one marked. */
const grantFormName = 'grant';
const fieldProblems: Record<'pid' | 'role', FieldProblem> = {
  pid: { field: 'pid', th: 'ต้องเป็นเลขประจำตัวประชาชน 13 หลักที่ถูกต้อง', en: 'Give a valid 13-digit citizen ID.' },
  role: { field: 'role', th: 'เลือกบทบาท', en: 'Choose a role.' },
};

/** Adds or removes a role from the staff page's forms; every outcome goes back to the page with a notice. */
async function changeRole(ctx: Context, db: Kysely<Schema>, change: 'add' | 'remove'): Promise<void> {
  const session = signedInSession(ctx);
  const form = checkedFormOf(ctx);
  const back = (notice: Notice, problems: FieldProblem[] = []) => {
    if (change === 'add' && problems.length > 0) leaveRefusedForm(ctx, '/staff/staff', refusedForm(grantFormName, form, problems));
    redirectWithNotice(ctx, site, '/staff/staff', notice);
  };
  const parsed = roleForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const wrong = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    back(
      {
        kind: 'problem',
        th: 'ไม่ได้ดำเนินการ: ต้องกรอกเลขประจำตัวประชาชน 13 หลักที่ถูกต้อง และเลือกบทบาท',
        en: 'Nothing was changed: give a valid 13-digit citizen ID and choose a role.',
      },
      (['pid', 'role'] as const).filter((field) => wrong.has(field)).map((field) => fieldProblems[field]),
    );
    return;
  }
  const { pid, role } = parsed.data;
  const label = roleLabels[role];
  const actor = { kind: 'staff', pid: session.pid, role: 'administrator' } as const;
  try {
    if (change === 'add') await addStaffRole(db, { pid, role, actor, requestId: requestIdOf(ctx) });
    else await removeStaffRole(db, { pid, role, actor, requestId: requestIdOf(ctx) });
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof ConflictError)) throw error;
    const why =
      error instanceof ConflictError && error.code === 'last_administrator'
        ? {
            th: `${shownPid(pid)} เป็นผู้ดูแลระบบคนเดียวที่เหลืออยู่ ต้องมีผู้ดูแลระบบอย่างน้อยหนึ่งคนเพื่อเพิ่มและถอนบทบาท ให้เพิ่มบทบาทผู้ดูแลระบบแก่ผู้อื่นก่อน`,
            en: `${shownPid(pid)} is the only administrator, and someone must remain to grant and remove roles: grant the administrator role to someone else first.`,
          }
        : change === 'remove'
          ? { th: `${shownPid(pid)} ไม่มีบทบาท${label.th}`, en: `${shownPid(pid)} does not hold the ${role} role.` }
          : error instanceof ConflictError
            ? { th: `${shownPid(pid)} มีบทบาท${label.th}อยู่แล้ว`, en: `${shownPid(pid)} already holds the ${role} role.` }
            : { th: `ไม่มีประชาชนเลขประจำตัว ${shownPid(pid)} ในทะเบียน`, en: `No citizen with ID ${shownPid(pid)} in the registry.` };
    // No such citizen: the ID typed is what to fix.
    const unknown = change === 'add' && error instanceof NotFoundError;
    back({ kind: 'problem', th: `ไม่ได้ดำเนินการ: ${why.th}`, en: `Nothing was changed: ${why.en}` }, unknown ? [{ field: 'pid', ...why }] : []);
    return;
  }
  back(
    change === 'add'
      ? { kind: 'done', th: `เพิ่มบทบาท${label.th}ให้ ${shownPid(pid)} แล้ว`, en: `Granted the ${role} role to ${shownPid(pid)}.` }
      : { kind: 'done', th: `ถอนบทบาท${label.th}ของ ${shownPid(pid)} แล้ว`, en: `Removed the ${role} role from ${shownPid(pid)}.` },
  );
}
