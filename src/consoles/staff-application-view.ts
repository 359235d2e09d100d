import type { Kysely } from 'kysely';
import { existingSystems, type ExistingSystem, type ExistingSystems } from '../applications/changed-systems.ts';
import type { ApplicationForm } from '../applications/form.ts';
import type { Preparation } from '../applications/preparation.ts';
import type { ApplicationDetail, ApplicationEvent, ApplicationSummary } from '../applications/views.ts';
import type { Schema } from '../db/schema.ts';
import { findCitizen } from '../registry/queries.ts';
import type { Role } from '../staff/roles.ts';
import { shownPid, thailandTime, thaiFullName } from './formatting.ts';
import type { Bilingual } from './page-errors.ts';
import { preparationFieldNames } from './staff-application-forms.ts';
import type { RefusedForm } from './staff-form-state.ts';
import { formView } from './staff-form-view.ts';
import { actingRoleLabels, staffApplicationKindLabels, staffApplicationStatusLabels, dataItemLabel, staffTransitionLabels, statusLabels } from './staff-labels.ts';

/* What the application pages show, from the applications domain's reads: plain values for the templates. */

export function queueRow(application: ApplicationSummary) {
  return {
    id: application.id,
    href: `/staff/applications/${application.id}`,
    agencyNameTh: application.agencyNameTh ?? '—',
    agencyNameEn: application.agencyNameEn ?? '',
    kind: application.kind,
    kindLabel: staffApplicationKindLabels[application.kind],
    status: application.status,
    statusLabel: staffApplicationStatusLabels[application.status],
    sandbox: application.origin === 'sandbox',
    createdAt: thailandTime(application.createdAt),
    updatedAt: thailandTime(application.updatedAt),
  };
}

interface Row {
  label: Bilingual;
  /** A value in both languages is shown Thai, then English marked as English. */
  value: string | Bilingual;
  mono?: boolean;
  /** The value is written in English (an English name), for a screen reader's voice. */
  english?: boolean;
}

const row = (th: string, en: string, value: string | Bilingual | undefined | null, options: { mono?: boolean; english?: boolean } = {}): Row[] =>
  value === undefined || value === null || value === '' ? [] : [{ label: { th, en }, value, ...options }];

const yesNo = (value: boolean | undefined): Bilingual | undefined => (value === undefined ? undefined : value ? { th: 'ใช่', en: 'yes' } : { th: 'ไม่ใช่', en: 'no' });

/** Every field of the form, in the order of the request form, grouped as the form groups them. */
function formSections(form: ApplicationForm) {
  const agency = form.agency ?? {};
  const admin = form.administrator ?? {};
  const contact = form.contact ?? {};
  return [
    {
      title: { th: 'หน่วยงาน', en: 'Agency' },
      rows: [
        ...row('ประเภทคำขอ', 'Kind', form.kind === 'new' ? { th: 'หน่วยงานใหม่', en: 'new agency' } : { th: 'ขอเปลี่ยนแปลง', en: 'change' }),
        ...row('หน่วยงานที่ขอเปลี่ยนแปลง', 'Agency changed', form.agencyId, { mono: true }),
        ...row('ชื่อ (ไทย)', 'Name (Thai)', agency.nameTh),
        ...row('ชื่อ (อังกฤษ)', 'Name (English)', agency.nameEn, { english: true }),
        ...row('ชื่อย่อ (ไทย)', 'Abbreviation (Thai)', agency.abbreviationTh),
        ...row('ชื่อย่อ (อังกฤษ)', 'Abbreviation (English)', agency.abbreviationEn, { english: true }),
        ...row('ประเภทหน่วยงาน', 'Type', agency.type === undefined ? undefined : agency.type === 'state' ? { th: 'หน่วยงานของรัฐ', en: 'state' } : { th: 'เอกชน', en: 'private' }),
        ...row('สังกัดกระทรวง/กรม', 'Ministry', agency.ministry),
        ...row('โดเมน', 'Domain', agency.domain, { mono: true }),
        ...row('ที่อยู่', 'Address', agency.address),
      ],
    },
    {
      title: { th: 'ผู้ดูแลของหน่วยงาน', en: "Agency's administrator" },
      rows: [
        ...row('เลขประจำตัวประชาชน', 'Citizen ID', admin.pid === undefined ? undefined : shownPid(admin.pid), { mono: true }),
        ...row('ชื่อ', 'Name', admin.name),
        ...row('ชื่อ (อังกฤษ)', 'Name (English)', admin.nameEn, { english: true }),
        ...row('ตำแหน่ง', 'Position', admin.position),
        ...row('โทรศัพท์', 'Phone', admin.phone),
        ...row('อีเมล', 'E-mail', admin.email),
      ],
    },
    {
      title: { th: 'ผู้ประสานงาน', en: 'Contact' },
      rows: [...row('ชื่อ', 'Name', contact.name), ...row('ตำแหน่ง', 'Position', contact.position), ...row('โทรศัพท์', 'Phone', contact.phone), ...row('อีเมล', 'E-mail', contact.email)],
    },
    {
      title: { th: 'วัตถุประสงค์และกำหนดการ', en: 'Purpose and dates' },
      rows: [...row('วัตถุประสงค์', 'Purpose', form.purpose), ...row('วันที่ต้องการเริ่มใช้', 'Start date', form.startDate), ...row('หมายเหตุ', 'Remarks', form.remarks)],
    },
  ].map((section) => ({ ...section, empty: section.rows.length === 0 }));
}

/** What an existing system a change names is permitted now, and its status, for the reviewer to read beside what is asked. */
function shownExisting(system: ExistingSystem | undefined) {
  if (!system) return null;
  return {
    name: system.name,
    status: system.status,
    statusLabel: statusLabels[system.status],
    cancelled: system.status === 'cancelled',
    redirectUris: system.redirectUris,
    dataItems: system.dataItems.map(dataItemLabel),
    dailyQuota: system.dailyQuota,
  };
}

type FormSystem = NonNullable<ApplicationForm['systems']>[number];

/** What both lists show first of a system the form asks for: the system it names now, if any, and its name. */
function systemHeading(system: FormSystem, index: number, existing: ExistingSystems) {
  const current = system.clientId === undefined ? undefined : existing.get(system.clientId);
  return {
    current,
    heading: {
      index,
      name: current?.name ?? system.name ?? system.clientId ?? `#${index + 1}`,
      clientId: system.clientId ?? null,
      existing: shownExisting(current),
    },
  };
}

function formSystems(form: ApplicationForm, existing: ExistingSystems) {
  return (form.systems ?? []).map((system, index) => {
    const { current, heading } = systemHeading(system, index, existing);
    return {
      ...heading,
      /** It names a system the agency does not have (the form was filed before that was refused). */
      notAgencySystem: system.clientId !== undefined && !current,
      use: system.use === undefined ? null : system.use === 'website' ? { th: 'เว็บไซต์', en: 'website' } : { th: 'API', en: '' },
      redirectUris: system.redirectUris ?? [],
      dataItems: (system.dataItems ?? []).map((item) => ({ ...dataItemLabel(item.scope), reason: item.reason ?? '' })),
      estimatedDailyTransactions: system.estimatedDailyTransactions ?? null,
      publicClient: yesNo(system.publicClient) ?? null,
      profile: system.profile ?? null,
      idTokenAlg: system.idTokenAlg ?? null,
    };
  });
}

/**
 * The preparation form's systems: each with the redirect URIs and data items asked, all offered as checked. An
 * existing system's quota starts at its quota now, shown with the estimate asked: changing it is the reviewer's
 * choice, never a default. A cancelled system starts unchecked, as it cannot be permitted more.
 */
function preparationChoices(form: ApplicationForm, existing: ExistingSystems) {
  return (form.systems ?? []).map((system, index) => {
    const { current, heading } = systemHeading(system, index, existing);
    return {
      ...heading,
      fields: preparationFieldNames(index),
      redirectUris: system.redirectUris ?? [],
      dataItems: (system.dataItems ?? []).map((item) => dataItemLabel(item.scope)),
      dailyQuota: current ? (current.dailyQuota ?? '') : (system.estimatedDailyTransactions ?? ''),
      estimatedDailyTransactions: system.estimatedDailyTransactions ?? null,
    };
  });
}

function shownPreparation(preparation: Preparation) {
  return {
    purpose: preparation.purpose,
    note: preparation.note,
    systems: preparation.systems.map((system) => ({
      name: system.name,
      clientId: system.clientId,
      redirectUris: system.redirectUris,
      dataItems: system.scopes.map(dataItemLabel),
      dailyQuota: system.dailyQuota,
      /** For an existing system: its quota when prepared (null for no limit); undefined for a new system. */
      currentDailyQuota: system.currentDailyQuota,
      publicClient: system.publicClient,
      profile: system.profile,
      idTokenAlg: system.idTokenAlg,
    })),
  };
}

/** Names of the citizens who acted, from the registry, for the timeline. */
async function actorNames(db: Kysely<Schema>, events: ApplicationEvent[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const pid of new Set(events.flatMap((e) => (e.actor.pid ? [e.actor.pid] : [])))) {
    const citizen = await findCitizen(db, pid);
    if (citizen) names.set(pid, thaiFullName(citizen));
  }
  return names;
}

function timeline(events: ApplicationEvent[], names: Map<string, string>) {
  return [...events].reverse().map((event) => ({
    id: event.id,
    at: thailandTime(event.at),
    transition: event.transition,
    label: staffTransitionLabels[event.transition],
    to: staffApplicationStatusLabels[event.to],
    actor: {
      pid: event.actor.pid ? shownPid(event.actor.pid) : '',
      name: event.actor.pid ? (names.get(event.actor.pid) ?? '') : '',
      role: actingRoleLabels[event.actor.role ?? event.actor.kind] ?? { th: event.actor.kind, en: event.actor.kind },
    },
    message: event.message,
    reasons: event.reasons ?? [],
    preparation: event.preparation ? shownPreparation(event.preparation) : null,
    letterNumber: event.letterNumber,
  }));
}

/** The review forms, showing what was typed in the one the last post refused. */
export const reviewForms = (refused: RefusedForm | undefined) => ({
  requestChanges: formView('request-changes', refused),
  return: formView('return', refused),
  reject: formView('reject', refused),
  prepare: formView('prepare', refused),
});

/** What the signed-in member of staff may do with the application now, by their roles and its status. */
function availableActions(application: ApplicationDetail, viewer: { pid: string; roles: readonly Role[] }) {
  const has = (role: Role) => viewer.roles.includes(role);
  const status = application.status;
  const preparer = application.events.findLast((e) => e.transition === 'prepare')?.actor.pid ?? null;
  const ownPreparation = status === 'prepared' && preparer === viewer.pid;
  return {
    requestChanges: status === 'submitted' && has('reviewer'),
    prepare: status === 'submitted' && has('reviewer'),
    reject: (status === 'submitted' || status === 'prepared') && (has('reviewer') || has('approver')),
    return: status === 'prepared' && (has('reviewer') || has('approver')),
    approve: status === 'prepared' && has('approver') && !ownPreparation,
    /** The viewer prepared it: someone else must approve. */
    ownPreparation,
    /** Prepared, and the viewer holds no approver role. */
    awaitingApprover: status === 'prepared' && !has('approver'),
  };
}

export async function applicationPageValues(db: Kysely<Schema>, application: ApplicationDetail, viewer: { pid: string; roles: readonly Role[] }) {
  // The form as the agency filed it: its last submission; a draft never submitted shows as it stands.
  const filed = application.events.findLast((e) => e.transition === 'submit')?.form ?? application.form;
  const preparedBy = application.preparation ? application.events.findLast((e) => e.transition === 'prepare') : undefined;
  const names = await actorNames(db, application.events);
  // What the agency's systems are permitted now, beside what a change asks more of.
  const existing = application.kind === 'change' ? await existingSystems(db, application.agencyId) : new Map<string, ExistingSystem>();
  return {
    application: {
      ...queueRow(application),
      origin: application.origin,
      agencyHref: application.agencyId ? `/staff/agencies/${application.agencyId}` : null,
      administratorPid: application.administratorPid ? shownPid(application.administratorPid) : '',
      beingEdited: application.status === 'draft' || application.status === 'changes_requested',
    },
    sections: formSections(filed),
    systems: formSystems(filed, existing),
    accessControllers: filed.accessControllers ?? [],
    conditionsVersion: filed.conditionsVersion ?? null,
    preparation: application.preparation
      ? {
          ...shownPreparation(application.preparation),
          by: preparedBy?.actor.pid ? `${names.get(preparedBy.actor.pid) ?? ''} ${shownPid(preparedBy.actor.pid)}`.trim() : (preparedBy?.actor.kind ?? ''),
          at: preparedBy ? thailandTime(preparedBy.at) : '',
        }
      : null,
    preparationChoices: preparationChoices(application.form, existing),
    purpose: application.form.purpose ?? '',
    letters: application.letters.map((letter) => ({ number: letter.number, href: `/staff/letters/${letter.number}`, issuedOn: letter.issuedOn })),
    events: timeline(application.events, names),
    actions: availableActions(application, viewer),
    // Every decision's form carries it: a decision on an application that changed since is refused.
    seenEvent: application.events.at(-1)?.id ?? '',
  };
}
