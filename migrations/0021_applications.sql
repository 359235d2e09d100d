-- Agencies' applications to use the service (clause 4 of the announcements), the staff's decisions on them, and
-- the permission letters that answer approved ones (clause 5: use needs DOPA's written permission).
--
-- An application holds the request form (jsonb, as src/applications/form.ts defines it) and its status. The
-- status moves only by inserting an event into application_events: the event's trigger moves it, along the
-- transitions src/applications/transitions.ts lists (the check constraint below is the same table). Events and
-- letters are never changed or removed. Once submitted, the form is read-only: what was decided on is the form as
-- each submit event recorded it.
--
-- origin: 'form' for an application made with the whole request form (by an agency's administrator, or filed by
-- the admin token on their behalf); 'sandbox' for the sandbox operator's shortcut (`rp create`) and the demo
-- relying party of a first start, which carry only what a sandbox registration knows (names, systems, data items).
create table applications (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('new', 'change')),
  origin text not null check (origin in ('form', 'sandbox')),
  -- For a change, the agency it changes; for a new agency, the agency its approval created.
  agency_id uuid references agencies (id),
  -- The agency's administrator named on the form: the citizen who acts for the agency in its portal.
  administrator_pid char(13) references citizens (pid),
  status text not null default 'draft'
    check (status in ('draft', 'submitted', 'changes_requested', 'prepared', 'approved', 'rejected')),
  form jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (kind = 'new' or agency_id is not null),
  check (origin = 'sandbox' or administrator_pid is not null),
  check (status <> 'approved' or agency_id is not null)
);
create index applications_by_status on applications (status, created_at desc);
create index applications_by_agency on applications (agency_id, created_at desc);
create index applications_by_administrator on applications (administrator_pid, created_at desc);

-- A permission letter: DOPA's written permission answering one approved application. Its number is
-- DOPA-DID-<Buddhist-era year>-<sequence>, the sequence counting from 1 each year without gaps (the counter row
-- is taken in the approval's transaction, so a failed approval gives its number back). What it permits is kept
-- as it was at approval: the systems with their redirect URIs, data items and daily quotas, the purpose and the
-- conditions version the agency accepted.
create table permission_letter_sequences (
  year_be integer primary key,
  last_sequence integer not null check (last_sequence > 0)
);

create table permission_letters (
  number text primary key,
  year_be integer not null,
  sequence integer not null check (sequence > 0),
  application_id uuid not null unique references applications (id),
  agency_id uuid not null references agencies (id),
  issued_at timestamptz not null default now(),
  -- The date the letter bears, in Thailand.
  issued_on date not null,
  agency_name_th text not null,
  agency_name_en text not null,
  purpose text not null check (purpose <> ''),
  -- [{ clientId, name, change, redirectUris, dataItems, dailyQuota }], as permitted after this approval.
  systems jsonb not null,
  -- Every data item the letter permits, over all its systems (openid is always given and not listed).
  data_items text[] not null,
  conditions_version integer not null references conditions_versions (version),
  -- 'admin_token', 'first_start', or the citizen ID of the member of staff.
  prepared_by text not null check (prepared_by <> ''),
  approved_by text not null check (approved_by <> ''),
  unique (year_be, sequence)
);
create index permission_letters_by_agency on permission_letters (agency_id, issued_at desc);

-- One row per transition of an application: who made it (admin_token, a member of staff with the role they acted
-- in, the agency's administrator, or first_start for the demo relying party), when, and what it carried.
create table application_events (
  id bigserial primary key,
  application_id uuid not null references applications (id),
  transition text not null,
  from_status text,
  to_status text not null,
  actor_kind text not null check (actor_kind in ('admin_token', 'staff', 'agency', 'first_start')),
  actor_pid char(13),
  actor_role text,
  at timestamptz not null default now(),
  -- request_changes and return: what to change; prepare: a note, if any.
  message text,
  -- reject: why, one reason per line of the decision.
  reasons text[],
  -- submit: the form as submitted.
  form jsonb,
  -- prepare: the permitted systems, redirect URIs, data items, quotas and purpose.
  preparation jsonb,
  -- approve: the letter it issued.
  letter_number text references permission_letters (number),
  check ((actor_kind in ('staff', 'agency')) = (actor_pid is not null)),
  check (
    (transition = 'create' and from_status is null and to_status = 'draft')
    or (transition = 'submit' and from_status in ('draft', 'changes_requested') and to_status = 'submitted' and form is not null)
    or (transition = 'request_changes' and from_status = 'submitted' and to_status = 'changes_requested' and message <> '')
    or (transition = 'reject' and from_status in ('submitted', 'prepared') and to_status = 'rejected' and cardinality(reasons) > 0)
    or (transition = 'prepare' and from_status = 'submitted' and to_status = 'prepared' and preparation is not null)
    or (transition = 'return' and from_status = 'prepared' and to_status = 'submitted' and message <> '')
    or (transition = 'approve' and from_status = 'prepared' and to_status = 'approved' and letter_number is not null)
  )
);
create index application_events_by_application on application_events (application_id, id);

-- The two-person rule: a member of staff never approves the preparation they made themselves.
create function application_events_two_persons() returns trigger language plpgsql as $$
declare
  preparer text;
begin
  select actor_pid into preparer from application_events
    where application_id = new.application_id and transition = 'prepare'
    order by id desc limit 1;
  if new.actor_pid is not null and preparer = new.actor_pid then
    raise exception 'no one approves their own preparation: citizen % prepared application %', new.actor_pid, new.application_id
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger application_events_approver_not_preparer before insert on application_events
  for each row when (new.transition = 'approve') execute function application_events_two_persons();

-- An event moves its application's status; it is refused unless the application is in the event's from_status.
create function application_events_move_status() returns trigger language plpgsql as $$
begin
  if new.transition = 'create' then
    if not exists (select 1 from applications where id = new.application_id and status = 'draft') then
      raise exception 'application % is not a new draft', new.application_id using errcode = 'check_violation';
    end if;
    return new;
  end if;
  update applications set status = new.to_status, updated_at = now()
    where id = new.application_id and status = new.from_status;
  if not found then
    raise exception 'application % is not %: the % transition does not apply to it', new.application_id, new.from_status, new.transition
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger application_events_move_application after insert on application_events
  for each row execute function application_events_move_status();

-- An application's status moves only through its events, and its form is read-only once submitted. The agency
-- a new application created is recorded once, as it is approved.
create function applications_guard_change() returns trigger language plpgsql as $$
begin
  if new.id <> old.id or new.created_at <> old.created_at then
    raise exception 'an application keeps its id and creation time' using errcode = 'insufficient_privilege';
  end if;
  if new.status is distinct from old.status and pg_trigger_depth() < 2 then
    raise exception 'an application''s status moves only by inserting its event into application_events'
      using errcode = 'insufficient_privilege';
  end if;
  if old.status not in ('draft', 'changes_requested')
    and (new.form, new.kind, new.origin, new.administrator_pid) is distinct from (old.form, old.kind, old.origin, old.administrator_pid) then
    raise exception 'application % is %: once submitted, an application is read-only', old.id, old.status
      using errcode = 'insufficient_privilege';
  end if;
  if new.agency_id is distinct from old.agency_id and old.status not in ('draft', 'changes_requested')
    and not (old.status = 'prepared' and old.kind = 'new' and old.agency_id is null) then
    raise exception 'application % is %: its agency is fixed', old.id, old.status
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger applications_guarded before update on applications
  for each row execute function applications_guard_change();

create function applications_never_removed() returns trigger language plpgsql as $$
begin
  raise exception 'applications are never removed: their events and letters refer to them'
    using errcode = 'insufficient_privilege';
end
$$;
create trigger applications_never_deleted before delete on applications
  for each row execute function applications_never_removed();
create trigger applications_no_truncate before truncate on applications
  for each statement execute function applications_never_removed();

-- ledger_refuse_change (migration 0013) names the table in its message.
create trigger application_events_append_only before update or delete on application_events
  for each row execute function ledger_refuse_change();
create trigger application_events_no_truncate before truncate on application_events
  for each statement execute function ledger_refuse_change();
create trigger permission_letters_append_only before update or delete on permission_letters
  for each row execute function ledger_refuse_change();
create trigger permission_letters_no_truncate before truncate on permission_letters
  for each statement execute function ledger_refuse_change();
