import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import { agenciesAdministeredBy } from '../applications/access.ts';
import { conditionsToAcceptFor } from '../conditions/acceptance.ts';
import type { ConditionsVersion } from '../conditions/queries.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { consoleForm, consolePage } from './guards.ts';
import { redirectWithNotice } from './notices.ts';
import { ConsolePageError } from './page-errors.ts';

const site = consoles.agency;

export interface PendingConditions {
  version: ConditionsVersion;
  /** The agencies the citizen administers that have not accepted it (cancelled ones accept nothing). */
  agencies: { id: string; nameTh: string; nameEn: string }[];
}

/** The current conditions, when an agency the citizen administers has not accepted them; undefined otherwise. */
export async function pendingConditionsOf(db: Kysely<Schema>, pid: string): Promise<PendingConditions | undefined> {
  let version: ConditionsVersion | undefined;
  const agencies: PendingConditions['agencies'] = [];
  for (const agency of await agenciesAdministeredBy(db, pid)) {
    if (agency.status === 'cancelled') continue;
    const toAccept = await conditionsToAcceptFor(db, agency.id);
    if (!toAccept) continue;
    version = toAccept;
    agencies.push({ id: agency.id, nameTh: agency.nameTh, nameEn: agency.nameEn });
  }
  return version && { version, agencies };
}

export const conditionsPath = `${site.basePath}/conditions`;

/**
 * Every portal page but the conditions' own: while an agency the citizen administers has not accepted the
 * current conditions of use, a page shows the conditions first (and comes back after accepting), and a form
 * does nothing, saying why.
 */
const requireAcceptedConditions =
  (db: Kysely<Schema>): Middleware =>
  async (ctx, next) => {
    const pending = await pendingConditionsOf(db, signedInSession(ctx).pid);
    if (!pending) return next();
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 303;
      ctx.redirect(`${conditionsPath}?${new URLSearchParams({ next: ctx.originalUrl })}`);
      return;
    }
    redirectWithNotice(ctx, site, conditionsPath, {
      kind: 'problem',
      th: `ไม่ได้ดำเนินการ: หน่วยงานของคุณต้องยอมรับเงื่อนไขการใช้บริการฉบับที่ ${pending.version.version} ก่อน`,
      en: `Nothing was done: your agency must first accept version ${pending.version.version} of the conditions of use.`,
    });
  };

/**
 * To an agency's administrator another agency's application, system, letter or notices do not exist: the domain
 * answers not_found, and the portal a 404 page that says as much in Thai and English.
 */
const notFoundAsPage: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new ConsolePageError(
      404,
      { th: 'ไม่พบรายการนี้', en: 'Not found' },
      [
        { th: 'ไม่มีรายการนี้ หรือรายการนี้ไม่ใช่ของหน่วยงานที่คุณดูแล', en: 'It does not exist, or it does not belong to an agency you administer.' },
        { th: 'รายละเอียด (ภาษาอังกฤษ):', en: error.message },
      ],
      [{ href: site.basePath, th: 'กลับหน้าหลัก', en: 'Back to the home page' }],
    );
  }
};

/** The middleware in front of a portal page (GET): signed in, conditions accepted, another agency's things not found. */
export const agencyPage = (db: Kysely<Schema>): Middleware[] => [...consolePage(site, db, requireAcceptedConditions(db)), notFoundAsPage];

/** The middleware in front of a portal form (POST): as agencyPage, with the CSRF token checked first. */
export const agencyForm = (db: Kysely<Schema>): Middleware[] => [...consoleForm(site, db, requireAcceptedConditions(db)), notFoundAsPage];
