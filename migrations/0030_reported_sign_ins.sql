-- "This wasn't me": the device that scanned a sign-in reports it. A sign-in still waiting for the answer is
-- refused; one already approved is refused after the fact: its grant ends with every code and token issued
-- under it, and a browser that has not carried it on yet gets access_denied. Written by src/login/device-steps.ts.
alter table login_transactions add column reported_at timestamptz;

-- The status moves of migration 0012, and a reported approval: approved → denied.
create or replace function refuse_unlisted_login_status_move() returns trigger language plpgsql as $$
begin
  if (old.status, new.status) not in (
    ('pending', 'scanned'),
    ('scanned', 'approved'),
    ('scanned', 'denied'),
    ('approved', 'denied'),
    ('pending', 'expired'),
    ('scanned', 'expired'),
    ('pending', 'cancelled'),
    ('scanned', 'cancelled')
  ) then
    raise exception 'a login transaction does not move from % to %', old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

-- Reports, for DOPA staff: which system's sign-in a citizen did not start, what it asked for, the browser that
-- started it (coarsely) and how far it had gone. No citizen ID: the login id leads to the citizen's own history.
create table reported_sign_ins (
  id bigserial primary key,
  at timestamptz not null default now(),
  login_id text not null,
  agency_id uuid not null references agencies (id),
  client_id text not null references agency_systems (client_id),
  items text[] not null,
  -- 'scanned': refused before any answer; 'approved': its grant and tokens ended.
  reported_after text not null check (reported_after in ('scanned', 'approved')),
  browser jsonb
);
create index reported_sign_ins_by_system on reported_sign_ins (client_id, id desc);
create trigger reported_sign_ins_append_only before update or delete on reported_sign_ins
  for each row execute function ledger_refuse_change();
create trigger reported_sign_ins_no_truncate before truncate on reported_sign_ins
  for each statement execute function ledger_refuse_change();
