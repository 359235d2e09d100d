import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Role } from '../staff/roles.ts';
import { consoleStateOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { shownPid } from './formatting.ts';
import { consoleForm, consolePage, requireStaff } from './guards.ts';
import { ConsolePageError } from './page-errors.ts';
import { roleLabels } from './role-labels.ts';

const site = consoles.staff;

/**
 * After requireStaff: the signed-in member of staff must hold at least one of `roles` now. For pages and forms
 * that more than one role may use, such as suspending a system (approvers and administrators).
 */
const requireOneOf =
  (roles: readonly Role[]): Middleware =>
  async (ctx, next) => {
    const state = consoleStateOf(ctx);
    if (!roles.some((role) => state.roles.includes(role))) {
      const session = signedInSession(ctx);
      const needed = { th: roles.map((r) => roleLabels[r].th).join(' หรือ '), en: roles.map((r) => roleLabels[r].en.toLowerCase()).join(' or ') };
      const held = { th: state.roles.map((r) => roleLabels[r].th).join(', '), en: state.roles.join(', ') };
      throw new ConsolePageError(
        403,
        { th: `ต้องมีบทบาท${needed.th}`, en: `This needs the ${needed.en} role` },
        [
          {
            th: `คุณเข้าสู่ระบบในชื่อ ${session.name} (${shownPid(session.pid)}) มีบทบาท ${held.th} แต่ไม่มีบทบาท${needed.th} จึงไม่มีการดำเนินการใด ๆ`,
            en: `You are signed in as ${session.name} (${shownPid(session.pid)}) and hold ${held.en}, but not ${roles.join(' or ')}, so nothing was done.`,
          },
          { th: 'ขอให้ผู้ดูแลระบบเพิ่มบทบาทให้หากงานของคุณต้องใช้', en: 'Ask a staff administrator for the role if your work needs it.' },
        ],
        [{ href: site.basePath, th: 'กลับหน้าหลัก', en: 'Back to the home page' }],
      );
    }
    await next();
  };

/** The middleware in front of a staff page: signed in, any staff role, and one of `roles` when given. */
export const staffPage = (db: Kysely<Schema>, roles?: readonly Role[]) =>
  consolePage(site, db, requireStaff(db), ...(roles ? [requireOneOf(roles)] : []));

/** The middleware in front of a staff form: its CSRF token checked, any staff role, and one of `roles`. */
export const staffForm = (db: Kysely<Schema>, roles: readonly Role[]) => consoleForm(site, db, requireStaff(db), requireOneOf(roles));
