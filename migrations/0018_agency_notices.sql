-- Written notices of a status change, the agency's inbox (its portal lists them; for now `agency show` and the
-- admin API do). A notice is for an agency, or for one of its systems (client_id). Suspension and cancellation
-- come with a notice, given either before the change (effective_at in the future: the change is scheduled) or
-- with it (effective_at = delivered_at); a reinstatement's notice comes with it.
--
-- A scheduled change is its notice with applied_at still null. It takes effect at effective_at exactly: the
-- active_systems view leaves out a system with a due change from that moment, by the database's clock. The
-- server's periodic maintenance (and its start) then applies it: the status, tokens_valid_after, the open
-- login transactions cancelled and the audit record, all in one transaction, and sets applied_at.
create table agency_notices (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agencies (id),
  client_id text references agency_systems (client_id),
  kind text not null check (kind in ('suspension', 'cancellation', 'reinstatement')),
  reason text not null check (reason <> ''),
  notice text not null check (notice in ('before', 'after')),
  effective_at timestamptz not null,
  delivered_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  applied_at timestamptz
);
create index agency_notices_by_agency on agency_notices (agency_id, created_at desc);
-- The scheduled changes still to apply, by when they are due.
create index agency_notices_scheduled on agency_notices (effective_at) where applied_at is null;

-- As in migration 0016, with systems whose suspension or cancellation is due (but not yet applied) left out.
drop view active_systems;
create view active_systems as
  select s.*, a.name_th as agency_name_th, a.name_en as agency_name_en,
    case when s.previous_secret_expires_at > now() then s.previous_secret_hash end as live_previous_secret_hash
  from agency_systems s
  join agencies a on a.id = s.agency_id
  where s.status = 'active' and a.status = 'active'
    and not exists (
      select 1 from agency_notices n
      where n.applied_at is null and n.effective_at <= now() and n.kind in ('suspension', 'cancellation')
        and n.agency_id = s.agency_id and (n.client_id is null or n.client_id = s.client_id)
    );
