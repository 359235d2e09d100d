-- The number of authorization requests a system may make per day (Asia/Bangkok), as staff approved it; null for
-- no limit (systems registered before quotas, and the sandbox's rp create without one).
alter table agency_systems add column daily_quota integer check (daily_quota > 0);

-- As in migration 0018; recreated so that s.* takes the new column.
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
