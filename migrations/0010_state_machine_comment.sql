-- The trigger of migration 0007 makes one transition of the login transaction's state machine, 'supersede'
-- (src/login/state-machine.ts): a new enrolment revokes the device, and the sign-ins it had scanned are cancelled.
comment on function cancel_open_logins_of_revoked_device() is
  'The supersede transition of src/login/state-machine.ts: scanned or pending sign-ins of a revoked device become cancelled.';
