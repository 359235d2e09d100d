import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import { agenciesAdministeredBy, applicationsOf } from '../applications/access.ts';
import type { Schema } from '../db/schema.ts';
import { addAgencyDetailPages } from './agency-agency-pages.ts';
import { addApplicationPages } from './agency-application-pages.ts';
import { addConditionsPages } from './agency-conditions-pages.ts';
import { agencyPage } from './agency-guards.ts';
import { agencyApplicationKindLabels, agencyApplicationStatusLabels, statusLabels } from './agency-labels.ts';
import { signedInSession } from './console-state.ts';
import { shownPid, thailandTime } from './formatting.ts';
import { renderPage } from './pages.ts';

/**
 * The agency portal's pages. Any signed-in citizen may enter: a citizen starts an application here and becomes
 * its administrator; what each may do for an agency is checked by the pages that act for one (the domain's
 * access checks: another agency's application, system, letter or notices answer 404).
 */
export function addAgencyPages(router: Router, db: Kysely<Schema>): void {
  addConditionsPages(router, db);

  router.get('/agency', ...agencyPage(db), async (ctx) => {
    const session = signedInSession(ctx);
    const [applications, agencies] = await Promise.all([applicationsOf(db, session.pid), agenciesAdministeredBy(db, session.pid)]);
    renderPage(ctx, 'agency-home', {
      title: { th: 'หน้าหลัก', en: 'Home' },
      pid: shownPid(session.pid),
      applications: applications.map((a) => ({
        href: `/agency/applications/${a.id}`,
        agencyNameTh: a.agencyNameTh,
        agencyNameEn: a.agencyNameEn,
        kind: agencyApplicationKindLabels[a.kind],
        status: { code: a.status, ...agencyApplicationStatusLabels[a.status] },
        updatedAt: thailandTime(a.updatedAt),
      })),
      agencies: agencies.map((a) => ({
        id: a.id,
        href: `/agency/agencies/${a.id}`,
        changeHref: a.status === 'cancelled' ? null : `/agency/agencies/${a.id}/change`,
        nameTh: a.nameTh,
        nameEn: a.nameEn,
        status: { code: a.status, ...statusLabels[a.status] },
      })),
    });
  });

  addApplicationPages(router, db);
  addAgencyDetailPages(router, db);
}
