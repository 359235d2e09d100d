-- Live notices: every new notice for a citizen is announced to all server processes (src/notifications/live.ts) by
-- the database itself, so no code path that writes one (a scan, an approval, an enrolment) can forget it. The
-- payload is the citizen ID only; a stream reads the notice itself, and only for its own citizen's device.
create function announce_to_citizen_devices() returns trigger language plpgsql as $$
begin
  perform pg_notify('thaid_device_notifications', cast(new.pid as text));
  return null;
end
$$;
create trigger device_notifications_announce
  after insert on device_notifications
  for each row execute function announce_to_citizen_devices();

-- A device that stops being active (another phone was enrolled) is announced on the same channel, so its open
-- streams close at once, whatever revoked it.
create trigger devices_announce_status
  after update of status on devices
  for each row when (old.status is distinct from new.status)
  execute function announce_to_citizen_devices();
