-- Client secret rotation: the secret replaced by a rotation keeps working until previous_secret_expires_at (by
-- the database's clock), so a relying party can deploy the new one without an outage.
alter table agency_systems
  add column previous_secret_hash text,
  add column previous_secret_expires_at timestamptz;

-- Reinstatement does not revive tokens: when a system or an agency stops being active (suspended or cancelled),
-- tokens_valid_after records the moment, and every token and code stored before it is refused from then on.
-- oidc_payloads.created_at is the moment a payload was stored (by the same clock); rows stored before this
-- migration take the migration's time, which is before any suspension recorded here.
alter table agency_systems add column tokens_valid_after timestamptz;
alter table agencies add column tokens_valid_after timestamptz;
alter table oidc_payloads add column created_at timestamptz not null default now();

create function record_leaving_active() returns trigger language plpgsql as $$
begin
  if old.status = 'active' and new.status <> 'active' then
    new.tokens_valid_after := now();
  end if;
  return new;
end;
$$;

-- Cancellation is final: a cancelled system or agency never becomes active or suspended again.
create function keep_cancellation_final() returns trigger language plpgsql as $$
begin
  if old.status = 'cancelled' and new.status <> 'cancelled' then
    raise exception 'a cancelled % cannot become % again: cancellation is final', tg_table_name, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end;
$$;

create trigger agency_systems_leaving_active before update of status on agency_systems
  for each row execute function record_leaving_active();
create trigger agencies_leaving_active before update of status on agencies
  for each row execute function record_leaving_active();
create trigger agency_systems_cancellation_final before update of status on agency_systems
  for each row execute function keep_cancellation_final();
create trigger agencies_cancellation_final before update of status on agencies
  for each row execute function keep_cancellation_final();

-- The view's s.* was expanded when it was made: make it again to carry the new columns. The previous secret is
-- shown only while it is still accepted.
drop view active_systems;
create view active_systems as
  select s.*, a.name_th as agency_name_th, a.name_en as agency_name_en,
    case when s.previous_secret_expires_at > now() then s.previous_secret_hash end as live_previous_secret_hash
  from agency_systems s
  join agencies a on a.id = s.agency_id
  where s.status = 'active' and a.status = 'active';
