import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { assertAgencyAccess, assertSystemAccess } from '../applications/access.ts';
import { agencyAdministrator } from '../applications/actors.ts';
import { listLetters, showLetter } from '../applications/letters.ts';
import { listApplications } from '../applications/reads.ts';
import { systemsOfAgency, type AgencySystemDetail } from '../agencies/agency-systems.ts';
import { apiKeyVersionOf, issueApiKeyRecorded } from '../agencies/api-key-issue.ts';
import { hashCredential } from '../agencies/client-credentials.ts';
import { secretVersionOf } from '../agencies/secret-rotation.ts';
import { findAgency } from '../agencies/listing-queries.ts';
import { listNotices } from '../agencies/notice-queries.ts';
import { rotateSecretRecorded } from '../agencies/recorded-secret-rotation.ts';
import { requestIdOf } from '../audit/record.ts';
import { acceptancesOf } from '../conditions/acceptance.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, InvalidRequestError } from '../errors.ts';
import { agencyForm, agencyPage } from './agency-guards.ts';
import { agencyApplicationKindLabels, agencyApplicationStatusLabels, dataItemLabel, noticeKindLabels, statusLabels } from './agency-labels.ts';
import { leaveIssuedCredential, takeIssuedCredential, type IssuedCredential } from './agency-credential-once.ts';
import { checkedFormOf, signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { shownPid, thailandTime } from './formatting.ts';
import { redirectWithNotice } from './notices.ts';
import { renderPage } from './pages.ts';
import { renderPermissionLetter } from './permission-letter.ts';

const site = consoles.agency;
const agencyPath = (id: string) => `/agency/agencies/${encodeURIComponent(id)}`;
const systemAnchor = (clientId: string) => `system-${clientId}`;

/** Grace choices the page offers for the old secret: none, or 1 to 7 days. */
const graceDays = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const rotationForm = z.object({ grace: z.enum(graceDays.map(String) as [string, ...string[]]).transform(Number), replacing: z.string().max(64).optional() });
const apiKeyForm = z.object({ replacing: z.string().max(64).optional() });

/**
 * What the page shows of a credential issued by the POST just before it, this once, for `system`: the credential
 * while it is still the system's, and null in its place when another has replaced it since.
 */
function shownOnce(issued: IssuedCredential | undefined, system: AgencySystemDetail) {
  if (issued?.clientId !== system.clientId) return { issuedSecret: null, issuedApiKey: null };
  if (issued.kind === 'api_key') {
    return { issuedSecret: null, issuedApiKey: { key: system.apiKeyVersion === apiKeyVersionOf(hashCredential(issued.apiKey)) ? issued.apiKey : null } };
  }
  const stillCurrent = system.secretVersion === secretVersionOf(hashCredential(issued.clientSecret));
  return { issuedSecret: { secret: stillCurrent ? issued.clientSecret : null, previousSecretExpiresAt: thailandTime(new Date(issued.previousSecretExpiresAt)) }, issuedApiKey: null };
}

/** The agency's page (status, systems with quota use and secrets, notices, letters), and a letter's page. */
export function addAgencyDetailPages(router: Router, db: Kysely<Schema>): void {
  router.get('/agency/agencies/:id', ...agencyPage(db), async (ctx) => {
    const session = signedInSession(ctx);
    const actor = agencyAdministrator(session.pid);
    const agencyId = ctx.params.id!;
    await assertAgencyAccess(db, actor, agencyId);
    const [agency, systems, notices, letters, acceptances, applications] = await Promise.all([
      findAgency(db, agencyId),
      systemsOfAgency(db, agencyId),
      listNotices(db, { agencyId }),
      listLetters(db, actor, { agencyId }),
      acceptancesOf(db, agencyId),
      listApplications(db, actor, { agencyId }),
    ]);
    const issued = takeIssuedCredential(ctx, (clientId) => systems.some((s) => s.clientId === clientId));
    const systemNames = new Map(systems.map((s) => [s.clientId, s.name]));
    renderPage(ctx, 'agency-agency', {
      title: { th: agency!.nameTh, en: agency!.nameEn },
      agency: { id: agency!.id, nameTh: agency!.nameTh, nameEn: agency!.nameEn, status: { code: agency!.status, ...statusLabels[agency!.status] }, since: thailandTime(new Date(agency!.createdAt)) },
      changeHref: agency!.status === 'cancelled' ? null : `${agencyPath(agencyId)}/change`,
      acceptance: acceptances[0] ? { version: acceptances[0].version, at: thailandTime(acceptances[0].acceptedAt), by: shownPid(acceptances[0].acceptedBy) } : null,
      systems: systems.map((s) => ({
        ...shownOnce(issued, s),
        anchor: systemAnchor(s.clientId),
        clientId: s.clientId,
        name: s.name,
        status: { code: s.status, ...statusLabels[s.status] },
        active: s.active,
        redirectUris: s.redirectUris,
        dataItems: s.dataItems.map(dataItemLabel),
        dailyQuota: s.dailyQuota,
        requestsToday: s.requestsToday,
        violations: s.violations,
        usedPercent: s.dailyQuota ? Math.min(100, Math.round((s.requestsToday / s.dailyQuota) * 100)) : null,
        publicClient: s.publicClient,
        profile: s.profile,
        idTokenAlg: s.idTokenAlg,
        previousSecretExpiresAt: s.previousSecretExpiresAt ? thailandTime(s.previousSecretExpiresAt) : null,
        canRotate: !s.publicClient && s.status !== 'cancelled' && agency!.status !== 'cancelled',
        rotateAction: `/agency/systems/${encodeURIComponent(s.clientId)}/secret`,
        secretVersion: s.secretVersion ?? '',
        canIssueApiKey: s.status !== 'cancelled' && agency!.status !== 'cancelled',
        apiKeyAction: `/agency/systems/${encodeURIComponent(s.clientId)}/api-key`,
        apiKeyVersion: s.apiKeyVersion,
        hasApiKey: s.hasApiKey,
        apiKeyUnseen: s.apiKeyUnseen,
      })),
      graceChoices: graceDays.map((days) => ({ days, th: days === 0 ? 'ไม่มี: รหัสเดิมใช้ไม่ได้ทันที' : `${days} วัน`, en: days === 0 ? 'none: the old one stops at once' : `${days} day${days === 1 ? '' : 's'}` })),
      notices: notices.map((n) => ({
        id: n.id,
        kind: { code: n.kind, ...noticeKindLabels[n.kind] },
        target: n.clientId ? { th: `ระบบ ${systemNames.get(n.clientId) ?? n.clientId}`, en: `System ${systemNames.get(n.clientId) ?? n.clientId}`, clientId: n.clientId } : { th: 'ทั้งหน่วยงาน', en: 'The whole agency', clientId: null },
        reason: n.reason,
        notice: n.notice === 'before' ? { th: 'แจ้งล่วงหน้า', en: 'Notice before' } : { th: 'แจ้งพร้อมการดำเนินการ', en: 'Notice with the change' },
        deliveredAt: thailandTime(new Date(n.deliveredAt)),
        effectiveAt: thailandTime(new Date(n.effectiveAt)),
        pending: n.appliedAt === null,
        withdrawn: n.withdrawnAt ? { at: thailandTime(new Date(n.withdrawnAt)), reason: n.withdrawalReason ?? '' } : null,
      })),
      letters: letters.map((l) => ({ number: l.number, issuedOn: l.issuedOn, href: `/agency/letters/${encodeURIComponent(l.number)}`, systems: l.systems.map((s) => s.name).join(', ') })),
      applications: applications.map((a) => ({
        href: `/agency/applications/${a.id}`,
        kind: agencyApplicationKindLabels[a.kind],
        status: { code: a.status, ...agencyApplicationStatusLabels[a.status] },
        updatedAt: thailandTime(a.updatedAt),
      })),
    });
  });

  router.post('/agency/systems/:clientId/secret', ...agencyForm(db), async (ctx) => {
    const session = signedInSession(ctx);
    const clientId = ctx.params.clientId!;
    const { agencyId } = await assertSystemAccess(db, agencyAdministrator(session.pid), clientId);
    const back = `${agencyPath(agencyId)}#${systemAnchor(clientId)}`;
    const parsed = rotationForm.safeParse(Object.fromEntries(checkedFormOf(ctx)));
    if (!parsed.success) {
      redirectWithNotice(ctx, site, back, { kind: 'problem', th: 'ไม่ได้ออกรหัสลับใหม่: เลือกระยะเวลาที่รหัสเดิมยังใช้ได้ 0 ถึง 7 วัน', en: 'No new secret was issued: choose how long the old one keeps working, 0 to 7 days.' });
      return;
    }
    const graceSeconds = parsed.data.grace * 86_400;
    try {
      const rotation = await rotateSecretRecorded(db, { clientId, graceSeconds, replacing: parsed.data.replacing, actor: { kind: 'agency', pid: session.pid, role: 'agency_admin' }, requestId: requestIdOf(ctx) });
      leaveIssuedCredential(ctx, { kind: 'secret', ...rotation });
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof InvalidRequestError)) throw error;
      redirectWithNotice(ctx, site, back, { kind: 'problem', th: 'ไม่ได้ออกรหัสลับใหม่ (รายละเอียดภาษาอังกฤษด้านข้าง)', en: `No new secret was issued: ${error.message}` });
      return;
    }
    redirectWithNotice(ctx, site, back, {
      kind: 'done',
      th: 'ออกรหัสลับใหม่แล้ว คัดลอกเก็บไว้ตอนนี้ จะแสดงเพียงครั้งเดียว',
      en: 'A new client secret is issued. Copy it now: it is shown this once.',
    });
  });

  router.post('/agency/systems/:clientId/api-key', ...agencyForm(db), async (ctx) => {
    const session = signedInSession(ctx);
    const clientId = ctx.params.clientId!;
    const { agencyId } = await assertSystemAccess(db, agencyAdministrator(session.pid), clientId);
    const back = `${agencyPath(agencyId)}#${systemAnchor(clientId)}`;
    const parsed = apiKeyForm.safeParse(Object.fromEntries(checkedFormOf(ctx)));
    try {
      if (!parsed.success) throw new InvalidRequestError('the form was not the page\'s: read the page again.');
      const issued = await issueApiKeyRecorded(db, { clientId, replacing: parsed.data.replacing, actor: { kind: 'agency', pid: session.pid, role: 'agency_admin' }, requestId: requestIdOf(ctx) });
      leaveIssuedCredential(ctx, { kind: 'api_key', clientId, apiKey: issued.apiKey });
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof InvalidRequestError)) throw error;
      redirectWithNotice(ctx, site, back, { kind: 'problem', th: 'ไม่ได้ออก API key ใหม่ (รายละเอียดภาษาอังกฤษด้านข้าง)', en: `No new API key was issued: ${error.message}` });
      return;
    }
    redirectWithNotice(ctx, site, back, {
      kind: 'done',
      th: 'ออก API key ใหม่แล้ว คัดลอกเก็บไว้ตอนนี้ จะแสดงเพียงครั้งเดียว',
      en: 'A new API key is issued. Copy it now: it is shown this once.',
    });
  });

  router.get('/agency/letters/:number', ...agencyPage(db), async (ctx) => {
    const letter = await showLetter(db, agencyAdministrator(signedInSession(ctx).pid), ctx.params.number!);
    renderPermissionLetter(ctx, letter, {
      applicationHref: `/agency/applications/${encodeURIComponent(letter.applicationId)}`,
      links: [
        { href: agencyPath(letter.agencyId), th: '« หน้าหน่วยงาน', en: "The agency's page" },
        { href: `/agency/applications/${encodeURIComponent(letter.applicationId)}`, th: 'คำขอที่หนังสือนี้ตอบ', en: 'The application it answers' },
      ],
    });
  });
}
