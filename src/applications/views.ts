import type { ApplicationStatus, ApplicationTransition } from '../db/schema.ts';
import type { ApplicationForm, ApplicationOrigin, MissingField } from './form.ts';
import type { Preparation } from './preparation.ts';
import type { PermissionLetterRow } from './letter-queries.ts';
import type { ApplicationEventRow, ApplicationRow } from './queries.ts';

/* Applications, their events and letters as the domain hands them to pages and routes. */

export interface ApplicationSummary {
  id: string;
  kind: 'new' | 'change';
  origin: ApplicationOrigin;
  status: ApplicationStatus;
  /** For a change, the agency it changes; for a new agency, the agency once approved; otherwise null. */
  agencyId: string | null;
  administratorPid: string | null;
  agencyNameTh: string | null;
  agencyNameEn: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApplicationEvent {
  id: string;
  transition: ApplicationTransition;
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  actor: { kind: string; pid: string | null; role: string | null };
  at: Date;
  message: string | null;
  reasons: string[] | null;
  /** The form as submitted (submit events). */
  form: ApplicationForm | null;
  preparation: Preparation | null;
  letterNumber: string | null;
}

/** A system as a letter permits it, after the approval. */
export interface LetterSystem {
  clientId: string;
  name: string;
  /** new_system: the approval made it; extended: it had been permitted before, and was permitted more. */
  change: 'new_system' | 'extended';
  redirectUris: string[];
  dataItems: string[];
  dailyQuota: number | null;
}

export interface PermissionLetter {
  number: string;
  yearBe: number;
  sequence: number;
  applicationId: string;
  agencyId: string;
  agencyNameTh: string;
  agencyNameEn: string;
  issuedAt: Date;
  /** The date the letter bears, in Thailand: YYYY-MM-DD. */
  issuedOn: string;
  purpose: string;
  systems: LetterSystem[];
  dataItems: string[];
  conditionsVersion: number;
  preparedBy: string;
  approvedBy: string;
}

export interface ApplicationDetail extends ApplicationSummary {
  form: ApplicationForm;
  /** What a submission still lacks, while the form can be edited; empty otherwise. */
  missing: MissingField[];
  /** The preparation in force, while prepared, and once approved. */
  preparation: Preparation | null;
  events: ApplicationEvent[];
  letters: PermissionLetter[];
}

export function toSummary(row: ApplicationRow): ApplicationSummary {
  const form = row.form as ApplicationForm;
  return {
    id: row.id,
    kind: row.kind,
    origin: row.origin,
    status: row.status,
    agencyId: row.agency_id,
    administratorPid: row.administrator_pid,
    agencyNameTh: form.agency?.nameTh ?? null,
    agencyNameEn: form.agency?.nameEn ?? null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toEvent(row: ApplicationEventRow): ApplicationEvent {
  return {
    id: String(row.id),
    transition: row.transition,
    from: row.from_status,
    to: row.to_status,
    actor: { kind: row.actor_kind, pid: row.actor_pid, role: row.actor_role },
    at: new Date(row.at),
    message: row.message,
    reasons: row.reasons,
    form: (row.form as ApplicationForm | null) ?? null,
    preparation: (row.preparation as Preparation | null) ?? null,
    letterNumber: row.letter_number,
  };
}

export function toLetter(row: PermissionLetterRow): PermissionLetter {
  return {
    number: row.number,
    yearBe: row.year_be,
    sequence: row.sequence,
    applicationId: row.application_id,
    agencyId: row.agency_id,
    agencyNameTh: row.agency_name_th,
    agencyNameEn: row.agency_name_en,
    issuedAt: new Date(row.issued_at),
    issuedOn: row.issued_on,
    purpose: row.purpose,
    systems: row.systems as LetterSystem[],
    dataItems: row.data_items,
    conditionsVersion: row.conditions_version,
    preparedBy: row.prepared_by,
    approvedBy: row.approved_by,
  };
}
