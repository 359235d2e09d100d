-- The audit log: every action taken through the admin API (and, later, the staff console and the agency portal),
-- one row each: who acted, what they did, to what, when, the state before and after, and the request it came in.
--
-- Who: actor_kind says what kind of actor. For now only 'admin_token' (whoever holds the admin token, with no
-- citizen ID or role); later a member of staff ('staff', with actor_pid their citizen ID and actor_role such as
-- 'reviewer', 'approver' or 'administrator') or an agency's administrator ('agency', role 'agency_admin').
-- before and after hold no secrets: no client secret, API key, enrolment code or token in clear.
--
-- No one changes or removes an audit row: the triggers refuse it, as they do for the disclosure ledger.
create table audit_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind <> ''),
  actor_pid text,
  actor_role text,
  action text not null check (action <> ''),
  target_kind text not null,
  target_id text not null,
  before jsonb,
  after jsonb,
  request_id text
);
-- Listing newest first, from a time on, and one actor's.
create index audit_events_by_time on audit_events (at desc, id desc);
create index audit_events_by_actor on audit_events (actor_kind, actor_pid, id desc);

-- ledger_refuse_change (migration 0013) names the table in its message.
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function ledger_refuse_change();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function ledger_refuse_change();
