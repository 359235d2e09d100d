import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import { requestIdOf } from '../audit/record.ts';
import { acceptanceOverview } from '../conditions/acceptance.ts';
import { publishConditions } from '../conditions/publication.ts';
import { listConditionsVersions } from '../conditions/queries.ts';
import { conditionsTextsBody } from '../conditions/schemas.ts';
import type { Schema } from '../db/schema.ts';
import { checkedFormOf, consoleStateOf, signedInSession } from './console-state.ts';
import { shownPid, thailandTime } from './formatting.ts';
import { renderPage } from './pages.ts';
import { formProblem } from './staff-application-forms.ts';
import { actAndGoBack } from './staff-outcomes.ts';
import { staffForm, staffPage } from './staff-role-guard.ts';

/**
 * The conditions of use: the version in force, every version published, who accepted which version when, and the
 * active agencies that have not accepted the current one. Administrators publish a new version, in force at once.
 */
export function addStaffConditionsPages(router: Router, db: Kysely<Schema>): void {
  router.get('/staff/conditions', ...staffPage(db), async (ctx) => {
    const [overview, versions] = await Promise.all([acceptanceOverview(db), listConditionsVersions(db)]);
    const publishedBy = (by: string) => (/^\d{13}$/.test(by) ? shownPid(by) : by);
    renderPage(ctx, 'staff-conditions', {
      title: { th: 'เงื่อนไขการใช้บริการ', en: 'Conditions of use' },
      current: {
        version: overview.current.version,
        textTh: overview.current.text_th,
        textEn: overview.current.text_en,
        publishedAt: thailandTime(overview.current.published_at),
        publishedBy: publishedBy(overview.current.published_by),
      },
      versions: versions.map((v) => ({
        version: v.version,
        publishedAt: thailandTime(v.published_at),
        publishedBy: publishedBy(v.published_by),
        accepted: overview.acceptances.filter((a) => a.version === v.version).length,
      })),
      acceptances: overview.acceptances.map((a) => ({
        href: `/staff/agencies/${a.agencyId}`,
        nameTh: a.agencyNameTh,
        nameEn: a.agencyNameEn,
        version: a.version,
        current: a.version === overview.current.version,
        acceptedAt: thailandTime(a.acceptedAt),
        acceptedBy: shownPid(a.acceptedBy),
      })),
      pending: overview.pending.map((p) => ({
        href: `/staff/agencies/${p.agencyId}`,
        nameTh: p.nameTh,
        nameEn: p.nameEn,
        lastAcceptedVersion: p.lastAcceptedVersion,
      })),
      mayPublish: consoleStateOf(ctx).roles.includes('administrator'),
    });
  });

  router.post('/staff/conditions/publish', ...staffForm(db, ['administrator']), async (ctx) => {
    const session = signedInSession(ctx);
    await actAndGoBack(ctx, '/staff/conditions', async () => {
      const form = checkedFormOf(ctx);
      // Browsers send a textarea's line breaks as CRLF; the texts keep LF, as the conditions file does.
      const field = (name: string) => form.get(name)?.replace(/\r\n?/g, '\n') ?? undefined;
      const parsed = conditionsTextsBody.safeParse({ textTh: field('textTh'), textEn: field('textEn') });
      if (!parsed.success) return formProblem(parsed.error);
      const published = await publishConditions(db, parsed.data, { kind: 'staff', pid: session.pid, role: 'administrator' }, requestIdOf(ctx));
      return {
        kind: 'done',
        th: `ประกาศเงื่อนไขฉบับที่ ${published.version} แล้ว มีผลทันที ทุกหน่วยงานต้องยอมรับฉบับนี้`,
        en: `Version ${published.version} is published and in force at once; every agency must accept it.`,
      };
    });
  });
}
