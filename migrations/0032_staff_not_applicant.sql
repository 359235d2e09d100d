-- A member of staff never decides an application they filed: the citizen named as its administrator may not ask
-- for changes to it, prepare, return, reject or approve it, whatever staff roles they hold. The transitions say
-- so first (src/applications/transitions.ts); this keeps it true for a row written by any other way.
create function application_events_staff_not_applicant() returns trigger language plpgsql as $$
begin
  if new.actor_pid is not null
    and exists (select 1 from applications where id = new.application_id and administrator_pid = new.actor_pid) then
    raise exception 'no one decides an application they filed: citizen % is the administrator named on application %',
      new.actor_pid, new.application_id
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger application_events_staff_not_applicant before insert on application_events
  for each row when (new.transition in ('request_changes', 'reject', 'prepare', 'return', 'approve'))
  execute function application_events_staff_not_applicant();
