-- One phone only: when a device is revoked (a new enrolment replaced it), the sign-ins it had scanned but not
-- answered are cancelled in the same transaction, whatever revoked it. The status change is announced like
-- any other (migration 0004), so the waiting browsers offer a new QR code at once.
create function cancel_open_logins_of_revoked_device() returns trigger language plpgsql as $$
begin
  update login_transactions set status = 'cancelled', decided_at = now()
    where device_id = new.id and status in ('pending', 'scanned');
  return null;
end
$$;
create trigger devices_cancel_open_logins_when_revoked
  after update of status on devices
  for each row when (old.status = 'active' and new.status = 'revoked')
  execute function cancel_open_logins_of_revoked_device();
