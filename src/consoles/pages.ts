import type { Context } from 'koa';
import type { Role } from '../staff/roles.ts';
import { consoleStateOf, type ConsoleState } from './console-state.ts';
import type { ConsoleDefinition } from './consoles.ts';
import { shownPid } from './formatting.ts';
import { takeNotice } from './notices.ts';
import type { Bilingual } from './page-errors.ts';
import { roleLabels } from './role-labels.ts';
import { renderTemplate } from './templates.ts';

interface NavigationItem extends Bilingual {
  href: string;
  /** Who sees the link: anyone signed in, or staff holding one of these roles. */
  roles?: readonly Role[];
}

/** The pages each console links to in its header; a page a person may not open is not offered. */
const navigation: Record<ConsoleDefinition['name'], NavigationItem[]> = {
  staff: [
    { href: '/staff', th: 'หน้าหลัก', en: 'Home' },
    { href: '/staff/applications', th: 'คำขอใช้บริการ', en: 'Applications', roles: ['reviewer', 'approver', 'administrator'] },
    { href: '/staff/agencies', th: 'หน่วยงานและระบบ', en: 'Agencies and systems', roles: ['reviewer', 'approver', 'administrator'] },
    { href: '/staff/conditions', th: 'เงื่อนไขการใช้บริการ', en: 'Conditions of use', roles: ['reviewer', 'approver', 'administrator'] },
    { href: '/staff/audit', th: 'บันทึกการดำเนินการ', en: 'Audit log', roles: ['reviewer', 'approver', 'administrator'] },
    { href: '/staff/staff', th: 'เจ้าหน้าที่', en: 'Staff', roles: ['administrator'] },
  ],
  agency: [{ href: '/agency', th: 'หน้าหลัก', en: 'Home' }],
};

/** What the layout (views/consoles/layout.eta) shows on every page. */
function layoutValues(ctx: Context, state: ConsoleState) {
  const { site, session, roles } = state;
  return {
    site: { titleTh: site.titleTh, titleEn: site.titleEn, basePath: site.basePath },
    session: session ? { name: session.name, pid: shownPid(session.pid) } : null,
    roles: roles.map((role) => roleLabels[role]),
    csrfToken: session?.csrfToken ?? null,
    notice: takeNotice(ctx, site) ?? null,
    nav: session
      ? navigation[site.name]
          .filter((item) => !item.roles || item.roles.some((role) => roles.includes(role)))
          // A page under a menu item (an application under the applications) marks that item too.
          .map((item) => ({ ...item, current: item.href === ctx.path || (item.href !== site.basePath && ctx.path.startsWith(`${item.href}/`)) }))
      : [],
    requestId: typeof ctx.state.requestId === 'string' ? ctx.state.requestId : '',
  };
}

/** A page's own values; the layout's names (session, roles, nav, notice, ...) are the layout's alone. */
type PageValues = { title: Bilingual } & Record<string, unknown> & { [K in Exclude<keyof ReturnType<typeof layoutValues>, 'title'>]?: never };

/**
 * Answers with a console page: views/consoles/<view>.eta inside the layout. Pages show personal data, so no cache
 * keeps them.
 */
export function renderPage(ctx: Context, view: string, values: PageValues, status = 200): void {
  const state = consoleStateOf(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderTemplate(view, { ...layoutValues(ctx, state), ...values });
}
