-- Enforcement of what a system was permitted, and the agencies' acceptance of the conditions of use.

-- Policy violations staff see: a system asking for data items outside its approval (clause 10(1) of the 2024
-- announcement permits a system only the items approved for it). The provider refuses such a request with
-- invalid_scope and records it here, on the refusal path only. items are the data items asked for that the
-- system is not approved for; request_id is the request's X-Request-Id, to find it in the logs.
create table policy_violations (
  id bigserial primary key,
  at timestamptz not null default now(),
  kind text not null check (kind in ('unapproved_scope')),
  agency_id uuid not null references agencies (id),
  client_id text not null references agency_systems (client_id),
  items text[] not null check (cardinality(items) > 0),
  request_id text
);
-- Listing newest first, for all systems, one agency or one system.
create index policy_violations_by_time on policy_violations (at desc, id desc);
create index policy_violations_by_agency on policy_violations (agency_id, id desc);
create index policy_violations_by_system on policy_violations (client_id, id desc);

-- A record of what happened is never changed or removed (ledger_refuse_change, migration 0013, names the table).
create trigger policy_violations_append_only before update or delete on policy_violations
  for each row execute function ledger_refuse_change();
create trigger policy_violations_no_truncate before truncate on policy_violations
  for each statement execute function ledger_refuse_change();

-- Authorization requests per system per day (the day in Asia/Bangkok), against agency_systems.daily_quota. One
-- request is one sign-in the provider starts for the system (it stores the interaction): the statement that
-- stores a new interaction adds one here in the same statement, and the provider's client lookup reads today's
-- row to refuse requests beyond the quota (src/enforcement). Refused requests are not counted.
create table system_daily_usage (
  client_id text not null references agency_systems (client_id),
  day date not null,
  requests integer not null check (requests > 0),
  primary key (client_id, day)
);

-- The conditions of use an agency accepted (clause 5 of the announcements): which version, by which of its
-- administrators (a citizen ID), when. Only the version current at that moment can be accepted; accepting
-- again the same version adds nothing. Never changed or removed.
create table conditions_acceptances (
  agency_id uuid not null references agencies (id),
  version integer not null references conditions_versions (version),
  accepted_by char(13) not null references citizens (pid),
  accepted_at timestamptz not null default now(),
  primary key (agency_id, version)
);
-- Who accepted a version, for the staff's picture of the current one.
create index conditions_acceptances_by_version on conditions_acceptances (version, accepted_at);

create trigger conditions_acceptances_append_only before update or delete on conditions_acceptances
  for each row execute function ledger_refuse_change();
create trigger conditions_acceptances_no_truncate before truncate on conditions_acceptances
  for each statement execute function ledger_refuse_change();
