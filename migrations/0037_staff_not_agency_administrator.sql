-- A member of staff never decides an application from an agency they administer (named as administrator on an
-- approved application or a draft of that agency), as they never decide one naming them (migration 0032). The
-- transitions say so first (src/applications/steps.ts); this keeps it true for a row written by any other way.
create or replace function application_events_staff_not_applicant() returns trigger language plpgsql as $$
begin
  if new.actor_pid is not null
    and exists (select 1 from applications where id = new.application_id and administrator_pid = new.actor_pid) then
    raise exception 'no one decides an application they filed: citizen % is the administrator named on application %',
      new.actor_pid, new.application_id
      using errcode = 'insufficient_privilege';
  end if;
  if new.actor_pid is not null
    and exists (
      select 1 from applications a
      join applications own on own.agency_id = a.agency_id
      where a.id = new.application_id
        and own.administrator_pid = new.actor_pid
        and own.status in ('approved', 'draft')
    ) then
    raise exception 'no one decides an application from an agency they administer: citizen % administers the agency of application %',
      new.actor_pid, new.application_id
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
