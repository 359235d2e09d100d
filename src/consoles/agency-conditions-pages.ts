import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requestIdOf } from '../audit/record.ts';
import { acceptConditions } from '../conditions/acceptance.ts';
import { currentConditions } from '../conditions/queries.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { conditionsPath, pendingConditionsOf } from './agency-guards.ts';
import { checkedFormOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { thailandTime } from './formatting.ts';
import { consoleForm, consolePage } from './guards.ts';
import { redirectWithNotice } from './notices.ts';
import { renderPage } from './pages.ts';
import { safeReturnPath } from './sign-in.ts';

const site = consoles.agency;

const acceptanceForm = z.object({
  version: z.string().regex(/^\d{1,9}$/).transform(Number),
  next: z.string().optional(),
});

/**
 * The conditions of use, before anything else: the page every portal page sends an administrator to while one of
 * their agencies has not accepted the current version, and its "accept" form, which records the acceptance for
 * each such agency (with its audit record) and continues to the page first asked for.
 */
export function addConditionsPages(router: Router, db: Kysely<Schema>): void {
  router.get(conditionsPath, ...consolePage(site, db), async (ctx) => {
    const session = signedInSession(ctx);
    const pending = await pendingConditionsOf(db, session.pid);
    const current = pending?.version ?? (await currentConditions(db));
    renderPage(ctx, 'agency-conditions', {
      title: { th: 'เงื่อนไขการใช้บริการ', en: 'Conditions of use' },
      version: current.version,
      publishedAt: thailandTime(new Date(current.published_at)),
      textTh: current.text_th,
      textEn: current.text_en,
      agencies: pending?.agencies ?? [],
      next: safeReturnPath(site, ctx.query.next),
    });
  });

  router.post(conditionsPath, ...consoleForm(site, db), async (ctx) => {
    const session = signedInSession(ctx);
    const parsed = acceptanceForm.safeParse(Object.fromEntries(checkedFormOf(ctx)));
    const next = safeReturnPath(site, parsed.success ? parsed.data.next : undefined);
    const again = `${conditionsPath}?${new URLSearchParams({ next })}`;
    if (!parsed.success) {
      redirectWithNotice(ctx, site, again, { kind: 'problem', th: 'ไม่ได้บันทึก: แบบฟอร์มไม่ระบุฉบับของเงื่อนไข', en: 'Nothing was recorded: the form names no version of the conditions.' });
      return;
    }
    const pending = await pendingConditionsOf(db, session.pid);
    if (!pending) {
      redirectWithNotice(ctx, site, next, { kind: 'done', th: 'หน่วยงานของคุณยอมรับเงื่อนไขฉบับปัจจุบันแล้ว', en: 'Your agencies have accepted the current conditions.' });
      return;
    }
    try {
      for (const agency of pending.agencies) await acceptConditions(db, agency.id, session.pid, parsed.data.version, requestIdOf(ctx));
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      redirectWithNotice(ctx, site, again, {
        kind: 'problem',
        th: `ไม่ได้บันทึก: เงื่อนไขฉบับที่ ${parsed.data.version} ไม่ใช่ฉบับปัจจุบันแล้ว โปรดอ่านฉบับปัจจุบันด้านล่างแล้วยอมรับอีกครั้ง`,
        en: `Nothing more was recorded: ${error.message}`,
      });
      return;
    }
    const names = pending.agencies.map((a) => a.nameTh).join(', ');
    redirectWithNotice(ctx, site, next, {
      kind: 'done',
      th: `บันทึกการยอมรับเงื่อนไขฉบับที่ ${parsed.data.version} ในนามของ ${names} แล้ว`,
      en: `Recorded the acceptance of version ${parsed.data.version} of the conditions for ${pending.agencies.map((a) => a.nameEn).join(', ')}.`,
    });
  });
}
