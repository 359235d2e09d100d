import type { ColumnType, Generated } from 'kysely';

/** Columns the database fills in; writable, but optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type Status = 'active' | 'suspended' | 'cancelled';

export interface InstanceSettingsTable {
  key: string;
  value: unknown;
  created_at: Timestamp;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grant_id: string | null;
  client_id: string | null;
  /** The citizen of a grant, code or token (migration 0024). */
  account_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
  /** When the payload was stored, by the database's clock (migration 0016). */
  created_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  alg: 'RS256' | 'ES256';
  /** Only in rows stored before keys were sealed, until the server's next start seals them (migration 0026). */
  private_jwk: Record<string, unknown> | null;
  /** The private JWK as a compact JWE under the key-encryption key (src/oidc/key-sealing.ts). */
  sealed_private_jwk: string | null;
  created_at: Timestamp;
  superseded_at: NullableTimestamp;
  published_until: NullableTimestamp;
}

export interface CookieKeysTable {
  id: Generated<number>;
  secret: string;
  created_at: Timestamp;
}

export interface AgenciesTable {
  id: Generated<string>;
  name_th: string;
  name_en: string;
  status: Defaulted<Status>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the agency stops being active: tokens stored before it are refused (migration 0016). */
  tokens_valid_after: NullableTimestamp;
}

export interface AgencySystemsTable {
  client_id: string;
  agency_id: string;
  name: string;
  purpose: string;
  redirect_uris: string[];
  scopes: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
  client_secret_hash: string | null;
  status: Defaulted<Status>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** How the system's responses look on the wire (migration 0009). */
  wire_profile: Defaulted<WireProfile>;
  id_token_alg: Defaulted<IdTokenAlg>;
  /** sha256 of the API key its requests may carry; null for systems registered before keys were issued. */
  api_key_hash: string | null;
  /** The secret replaced by the last rotation, accepted until previous_secret_expires_at (migration 0016). */
  previous_secret_hash: string | null;
  previous_secret_expires_at: NullableTimestamp;
  /** Set when the system stops being active: tokens stored before it are refused (migration 0016). */
  tokens_valid_after: NullableTimestamp;
  /** Authorization requests allowed per day (Asia/Bangkok), as approved; null for no limit (migration 0019). */
  daily_quota: ColumnType<number | null, number | null | undefined, number | null>;
}

/** 'thaid' behaves as the real service does; 'strict' as the standards are written (README, "Compatibility"). */
export type WireProfile = 'thaid' | 'strict';
export type IdTokenAlg = 'RS256' | 'ES256';

/** The view of systems that may act right now (migration 0003). */
export interface ActiveSystemsView extends AgencySystemsTable {
  agency_name_th: string;
  agency_name_en: string;
  /** previous_secret_hash while it is still accepted, by the database's clock (migration 0016). */
  live_previous_secret_hash: string | null;
}

export interface CitizensTable {
  pid: string;
  title_th: string;
  title_en: string;
  given_name_th: string;
  middle_name_th: string | null;
  family_name_th: string;
  given_name_en: string;
  middle_name_en: string | null;
  family_name_en: string;
  /** Dates come back as YYYY-MM-DD strings (see the type parsers in database.ts). */
  birthdate: string;
  sex: 'male' | 'female';
  house_number: string;
  village_number: string | null;
  alley: string | null;
  road: string | null;
  subdistrict: string;
  district: string;
  province: string;
  postal_code: string;
  laser_code: string;
  card_issued_on: string;
  card_expires_on: string;
  /** numeric comes back as a string so no precision is lost; the registry module converts it. */
  ial: ColumnType<string, string | number, string | number>;
}

export interface DevicesTable {
  id: string;
  pid: string;
  public_jwk: Record<string, unknown>;
  name: string;
  enrolment_method: 'self' | 'office';
  status: Defaulted<'active' | 'revoked'>;
  pin_hash: string;
  failed_pin_attempts: Defaulted<number>;
  enrolled_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
}

export interface DeviceRequestNoncesTable {
  device_id: string;
  nonce: string;
  expires_at: Timestamp;
}

export interface EnrolmentCodesTable {
  code_hash: string;
  pid: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export type LoginStatus = 'pending' | 'scanned' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface LoginTransactionsTable {
  id: string;
  interaction_uid: string;
  client_id: string;
  scopes: string[];
  short_code: string;
  status: Defaulted<LoginStatus>;
  device_id: string | null;
  pid: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  scanned_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  /** The number the login page shows, which the citizen picks on the phone (migration 0031); null before. */
  match_number: number | null;
  /** The three numbers the phone offers, match_number one of them (migration 0031); null before. */
  number_choices: number[] | null;
  /** When its device reported it as not the citizen's (migration 0030). */
  reported_at: NullableTimestamp;
  /** The browser that started it, coarsely (src/login/browser-context.ts); null before migration 0029. */
  browser: { device: string; browser: string; os: string; network: string } | null;
}

export interface DeviceNotificationsTable {
  id: Generated<string>;
  pid: string;
  device_id: string;
  kind: string;
  message_th: string;
  message_en: string;
  details: Defaulted<Record<string, unknown>>;
  created_at: Timestamp;
}

/** One row, the ledger's size (migration 0013). */
export interface LedgerSizeTable {
  only_row: Defaulted<boolean>;
  size: number | string;
}

/**
 * A leaf of the disclosure ledger. The server inserts `entry` only; the database's trigger fills in the rest
 * (migration 0013), and no row is ever changed.
 */
export interface LedgerEntriesTable {
  leaf_index: ColumnType<string | number, never, never>;
  entry: ColumnType<string, string, never>;
  leaf_hash: ColumnType<Uint8Array, never, never>;
  pid: ColumnType<string, never, never>;
  kind: ColumnType<'disclosure' | 'event', never, never>;
  agency_id: ColumnType<string, never, never>;
  client_id: ColumnType<string, never, never>;
  items: ColumnType<string[], never, never>;
  created_at: ColumnType<Date, never, never>;
}

export interface LedgerTreeHeadsTable {
  tree_size: ColumnType<string | number, number | string, never>;
  root_hash: ColumnType<Uint8Array, Uint8Array, never>;
  signed_at: ColumnType<Date, Date | string, never>;
  signature: ColumnType<string, string, never>;
}

export interface LedgerSubtreesTable {
  level: number;
  first_leaf: ColumnType<string | number, number | string, never>;
  hash: ColumnType<Uint8Array, Uint8Array, never>;
}

/**
 * One action recorded in the audit log (migration 0015): never changed or removed. actor_kind is 'admin_token',
 * 'staff' or 'agency'; a member of staff or an agency's administrator comes with their citizen ID and role.
 */
export interface AuditEventsTable {
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor_kind: ColumnType<string, string, never>;
  actor_pid: ColumnType<string | null, string | null | undefined, never>;
  actor_role: ColumnType<string | null, string | null | undefined, never>;
  action: ColumnType<string, string, never>;
  target_kind: ColumnType<string, string, never>;
  target_id: ColumnType<string, string, never>;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  request_id: ColumnType<string | null, string | null | undefined, never>;
}

export type StaffRole = 'reviewer' | 'approver' | 'administrator';

/**
 * A staff role granted to a citizen (migration 0017). Rows are never deleted: removing a role sets revoked_at and
 * revoked_by. granted_by and revoked_by are 'admin_token' or the citizen ID of a member of staff.
 */
export interface StaffRolesTable {
  id: ColumnType<string, never, never>;
  pid: ColumnType<string, string, never>;
  role: ColumnType<StaffRole, StaffRole, never>;
  granted_at: ColumnType<Date, Date | string | undefined, never>;
  granted_by: ColumnType<string, string, never>;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
}

/**
 * A written notice of a status change to an agency or one of its systems (migration 0018): its inbox. With
 * applied_at null and effective_at ahead, it is a scheduled change still to apply.
 */
export interface AgencyNoticesTable {
  id: Generated<string>;
  agency_id: string;
  client_id: string | null;
  kind: AgencyNoticeKind;
  reason: string;
  notice: 'before' | 'after';
  effective_at: ColumnType<Date, Date | string, never>;
  delivered_at: Timestamp;
  created_at: Timestamp;
  applied_at: NullableTimestamp;
  /** A scheduled change withdrawn before it took effect (migration 0034): then applied_at is set too. */
  withdrawn_at: NullableTimestamp;
  withdrawal_reason: string | null;
}

export type AgencyNoticeKind = 'suspension' | 'cancellation' | 'reinstatement';

/** A published version of the conditions of use (migration 0020); never changed once published. */
export interface ConditionsVersionsTable {
  version: ColumnType<number, number, never>;
  text_th: ColumnType<string, string, never>;
  text_en: ColumnType<string, string, never>;
  published_at: ColumnType<Date, Date | string | undefined, never>;
  /** 'admin_token', 'migration', or the citizen ID of the member of staff who published it. */
  published_by: ColumnType<string, string, never>;
}

/** A system asking for data items outside its approval, refused (migration 0023); never changed. */
export interface PolicyViolationsTable {
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
  kind: ColumnType<'unapproved_scope', 'unapproved_scope', never>;
  agency_id: ColumnType<string, string, never>;
  client_id: ColumnType<string, string, never>;
  /** The data items asked for that the system is not approved for. */
  items: ColumnType<string[], string[], never>;
  request_id: ColumnType<string | null, string | null | undefined, never>;
}

/** Sign-ins a citizen's device reported as not theirs (migration 0030); never changed afterwards. */
export interface ReportedSignInsTable {
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
  login_id: ColumnType<string, string, never>;
  agency_id: ColumnType<string, string, never>;
  client_id: ColumnType<string, string, never>;
  items: ColumnType<string[], string[], never>;
  reported_after: ColumnType<'scanned' | 'approved', 'scanned' | 'approved', never>;
  /** citizen_report: "this wasn't me"; wrong_number: the citizen picked a number the screen did not show. */
  reason: ColumnType<'citizen_report' | 'wrong_number', 'citizen_report' | 'wrong_number' | undefined, never>;
  browser: ColumnType<{ device: string; browser: string; os: string; network: string } | null, string | null, never>;
}

/** Authorization requests of a system on one day in Asia/Bangkok (migration 0023). */
export interface SystemDailyUsageTable {
  client_id: string;
  /** YYYY-MM-DD (dates come back as strings). */
  day: ColumnType<string, string, never>;
  requests: number;
}

/** An agency's acceptance of a version of the conditions of use (migration 0023); never changed. */
export interface ConditionsAcceptancesTable {
  agency_id: ColumnType<string, string, never>;
  version: ColumnType<number, number, never>;
  /** The citizen ID of the agency's administrator who accepted. */
  accepted_by: ColumnType<string, string, never>;
  accepted_at: ColumnType<Date, Date | string | undefined, never>;
}

/**
 * A session of the staff console or the agency portal (migration 0022): the cookie holds the id, the row its
 * SHA-256. Roles are not kept here; they are read on every request.
 */
export interface ConsoleSessionsTable {
  id_hash: string;
  console: 'staff' | 'agency';
  pid: string;
  name: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
  /** The grant the session's sign-in was approved under; the session lives only while it does (migration 0036). */
  grant_id: string | null;
}

export type ApplicationStatus = 'draft' | 'submitted' | 'changes_requested' | 'prepared' | 'approved' | 'rejected';
export type ApplicationTransition = 'create' | 'submit' | 'request_changes' | 'reject' | 'prepare' | 'return' | 'approve';
export type ApplicationActorKind = 'admin_token' | 'staff' | 'agency' | 'first_start';

/**
 * An agency's application (migration 0021). Its status moves only by inserting an event into
 * application_events, and its form (jsonb, written as JSON text) is read-only once submitted.
 */
export interface ApplicationsTable {
  id: Generated<string>;
  kind: 'new' | 'change';
  origin: 'form' | 'sandbox';
  agency_id: string | null;
  administrator_pid: string | null;
  status: ColumnType<ApplicationStatus, ApplicationStatus | undefined, never>;
  form: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: Timestamp;
}

/** One transition of an application (migration 0021): never changed or removed. */
export interface ApplicationEventsTable {
  id: ColumnType<string, never, never>;
  application_id: ColumnType<string, string, never>;
  transition: ColumnType<ApplicationTransition, ApplicationTransition, never>;
  from_status: ColumnType<ApplicationStatus | null, ApplicationStatus | null, never>;
  to_status: ColumnType<ApplicationStatus, ApplicationStatus, never>;
  actor_kind: ColumnType<ApplicationActorKind, ApplicationActorKind, never>;
  actor_pid: ColumnType<string | null, string | null | undefined, never>;
  actor_role: ColumnType<string | null, string | null | undefined, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
  message: ColumnType<string | null, string | null | undefined, never>;
  reasons: ColumnType<string[] | null, string[] | null | undefined, never>;
  form: ColumnType<unknown, string | null | undefined, never>;
  preparation: ColumnType<unknown, string | null | undefined, never>;
  letter_number: ColumnType<string | null, string | null | undefined, never>;
}

/** A permission letter answering an approved application (migration 0021): never changed or removed. */
export interface PermissionLettersTable {
  number: ColumnType<string, string, never>;
  year_be: ColumnType<number, number, never>;
  sequence: ColumnType<number, number, never>;
  application_id: ColumnType<string, string, never>;
  agency_id: ColumnType<string, string, never>;
  issued_at: ColumnType<Date, Date | string | undefined, never>;
  /** YYYY-MM-DD, in Thailand. */
  issued_on: ColumnType<string, string, never>;
  agency_name_th: ColumnType<string, string, never>;
  agency_name_en: ColumnType<string, string, never>;
  purpose: ColumnType<string, string, never>;
  systems: ColumnType<unknown, string, never>;
  data_items: ColumnType<string[], string[], never>;
  conditions_version: ColumnType<number, number, never>;
  prepared_by: ColumnType<string, string, never>;
  approved_by: ColumnType<string, string, never>;
}

/** The last letter number given in each Buddhist-era year (migration 0021). */
export interface PermissionLetterSequencesTable {
  year_be: number;
  last_sequence: number;
}

/** Failed self-service enrolments in a row, per citizen ID and per client address (migration 0025). */
export interface EnrolmentFailuresTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: NullableTimestamp;
}

/** Written by rate-limiter-flexible only (see src/http/rate-limits.ts). */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Milliseconds since 1970; PostgreSQL's driver reads a bigint as a string. */
  expire: number | string | null;
}

export interface Schema {
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  permission_letters: PermissionLettersTable;
  permission_letter_sequences: PermissionLetterSequencesTable;
  instance_settings: InstanceSettingsTable;
  enrolment_failures: EnrolmentFailuresTable;
  rate_limits: RateLimitsTable;
  reported_sign_ins: ReportedSignInsTable;
  oidc_payloads: OidcPayloadsTable;
  signing_keys: SigningKeysTable;
  cookie_keys: CookieKeysTable;
  agencies: AgenciesTable;
  agency_systems: AgencySystemsTable;
  active_systems: ActiveSystemsView;
  citizens: CitizensTable;
  devices: DevicesTable;
  device_request_nonces: DeviceRequestNoncesTable;
  enrolment_codes: EnrolmentCodesTable;
  login_transactions: LoginTransactionsTable;
  device_notifications: DeviceNotificationsTable;
  ledger_size: LedgerSizeTable;
  ledger_entries: LedgerEntriesTable;
  ledger_tree_heads: LedgerTreeHeadsTable;
  ledger_subtrees: LedgerSubtreesTable;
  audit_events: AuditEventsTable;
  agency_notices: AgencyNoticesTable;
  staff_roles: StaffRolesTable;
  conditions_versions: ConditionsVersionsTable;
  policy_violations: PolicyViolationsTable;
  system_daily_usage: SystemDailyUsageTable;
  conditions_acceptances: ConditionsAcceptancesTable;
  console_sessions: ConsoleSessionsTable;
}
