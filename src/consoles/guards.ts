import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { rolesOf, type Role } from '../staff/roles.ts';
import { consoleRoute } from './console-errors.ts';
import { consoleStateOf, signedInSession } from './console-state.ts';
import type { ConsoleDefinition } from './consoles.ts';
import { csrfTokenMatches } from './csrf.ts';
import { readForm } from './form-body.ts';
import { shownPid } from './formatting.ts';
import { ConsolePageError } from './page-errors.ts';
import { roleLabels } from './role-labels.ts';
import { currentSession } from './sessions.ts';

/** Reads the session the request's cookie names, if it is live; pages that anyone may see stop here. */
export const loadSession =
  (db: Kysely<Schema>): Middleware =>
  async (ctx, next) => {
    const state = consoleStateOf(ctx);
    state.session = await currentSession(ctx, db, state.site);
    await next();
  };

/** Where the sign-in brings the browser back to: this page, when it is one of the console's own. */
const loginPathFor = (basePath: string, returnTo: string) => `${basePath}/login?${new URLSearchParams({ next: returnTo })}`;

/**
 * A page needs someone signed in: a GET without a session goes to the sign-in and comes back; anything else (a
 * form sent after the session ended) is refused with 401, as it cannot be replayed after signing in.
 */
const requireSignIn: Middleware = async (ctx, next) => {
  const { site, session } = consoleStateOf(ctx);
  if (!session) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 303;
      ctx.redirect(loginPathFor(site.basePath, ctx.originalUrl));
      return;
    }
    throw new ConsolePageError(
      401,
      { th: 'ยังไม่ได้เข้าสู่ระบบ', en: 'You are not signed in' },
      [
        {
          th: 'คำขอนี้ต้องเข้าสู่ระบบก่อน หรือการเข้าสู่ระบบของคุณหมดอายุแล้ว ไม่มีการดำเนินการใด ๆ',
          en: 'This request needs you to be signed in, or your session has ended. Nothing was done.',
        },
      ],
      [{ href: `${site.basePath}/login`, th: 'เข้าสู่ระบบด้วย ThaID', en: 'Sign in with ThaID' }],
    );
  }
  await next();
};

/*
 * Console forms carry long Thai texts (the conditions, up to 20,000 characters in each language; an application's
 * reasons), and a Thai character is 9 bytes once a browser has encoded it in a form. Only a signed-in user gets
 * this far.
 */
const consoleFormLimitBytes = 512 * 1024;

/**
 * A POST carries a form with the session's CSRF token; the form is read here, once, for the route. A form
 * without the token, or with another session's, is refused with 403 and nothing is done.
 */
const checkedForm: Middleware = async (ctx, next) => {
  const state = consoleStateOf(ctx);
  const form = await readForm(ctx, consoleFormLimitBytes);
  if (!csrfTokenMatches(signedInSession(ctx), form)) {
    throw new ConsolePageError(
      403,
      { th: 'แบบฟอร์มไม่ผ่านการตรวจสอบ', en: 'The form was refused' },
      [
        {
          th: 'แบบฟอร์มนี้ไม่มีรหัสป้องกันการปลอมแปลงคำขอ (CSRF) ที่ถูกต้อง จึงไม่มีการดำเนินการใด ๆ กลับไปที่หน้าเดิม โหลดใหม่ แล้วส่งอีกครั้ง',
          en: 'This form did not carry a valid anti-forgery (CSRF) token, so nothing was done. Go back to the page, reload it and send the form again.',
        },
      ],
      [{ href: state.site.basePath, th: 'กลับหน้าหลัก', en: 'Back to the home page' }],
    );
  }
  state.form = form;
  await next();
};

/**
 * The staff console: the signed-in citizen must hold at least one staff role now, and `role` when given. Roles
 * are read from the database on every request, so a removed role takes effect at once.
 */
export const requireStaff =
  (db: Kysely<Schema>, role?: Role): Middleware =>
  async (ctx, next) => {
    const state = consoleStateOf(ctx);
    const session = signedInSession(ctx);
    state.roles = await rolesOf(db, session.pid);
    const pid = shownPid(session.pid);
    const who = { th: `คุณเข้าสู่ระบบในชื่อ ${session.name} (เลขประจำตัวประชาชน ${pid})`, en: `You are signed in as ${session.name} (citizen ID ${pid})` };
    if (state.roles.length === 0) {
      throw new ConsolePageError(403, { th: 'ไม่มีสิทธิ์เข้าใช้คอนโซลเจ้าหน้าที่', en: 'No access to the staff console' }, [
        { th: `${who.th} แต่ไม่มีบทบาทเจ้าหน้าที่กรมการปกครอง`, en: `${who.en}, but you hold no DOPA staff role.` },
        {
          th: 'ต้องมีบทบาทอย่างน้อยหนึ่งบทบาท: ผู้ตรวจสอบ ผู้อนุมัติ หรือผู้ดูแลระบบ ขอให้ผู้ดูแลระบบของกรมการปกครองเพิ่มบทบาทให้คุณ',
          en: 'The console needs at least one role: reviewer, approver or administrator. Ask a DOPA staff administrator to grant you one.',
        },
      ]);
    }
    if (role && !state.roles.includes(role)) {
      const held = { th: state.roles.map((r) => roleLabels[r].th).join(', '), en: state.roles.map((r) => roleLabels[r].en).join(', ') };
      throw new ConsolePageError(
        403,
        { th: `หน้านี้สำหรับ${roleLabels[role].th}เท่านั้น`, en: `This page is for the ${roleLabels[role].en.toLowerCase()} role only` },
        [
          { th: `${who.th} มีบทบาท ${held.th} แต่ไม่มีบทบาท${roleLabels[role].th} (${role})`, en: `${who.en} and hold the roles ${held.en}, but not ${role}.` },
          { th: 'ขอให้ผู้ดูแลระบบเพิ่มบทบาทนี้ให้คุณหากงานของคุณต้องใช้', en: 'Ask a staff administrator for this role if your work needs it.' },
        ],
        [{ href: state.site.basePath, th: 'กลับหน้าหลัก', en: 'Back to the home page' }],
      );
    }
    await next();
  };

/**
 * The middleware in front of a console page (GET): its error pages, the session, and someone signed in; then
 * `checks` (such as requireStaff). A page is declared as:
 *   router.get('/staff/x', ...consolePage(consoles.staff, db, requireStaff(db, 'approver')), handler)
 */
export const consolePage = (site: ConsoleDefinition, db: Kysely<Schema>, ...checks: Middleware[]): Middleware[] => [
  consoleRoute(site),
  loadSession(db),
  requireSignIn,
  ...checks,
];

/**
 * The middleware in front of a console form (POST): as consolePage, with the form read and its CSRF token
 * checked before `checks`. The handler reads the form with checkedFormOf and answers with redirectWithNotice (303).
 */
export const consoleForm = (site: ConsoleDefinition, db: Kysely<Schema>, ...checks: Middleware[]): Middleware[] => [
  consoleRoute(site),
  loadSession(db),
  requireSignIn,
  checkedForm,
  ...checks,
];
