-- A change scheduled with notice before can be withdrawn until it takes effect (a wrong date, a matter settled
-- meanwhile): the notice is then settled (applied_at) without effect, and says when it was withdrawn and why, for
-- the agency and for staff. Written by src/agencies/status-changes.ts (withdrawScheduledChange).
alter table agency_notices
  add column withdrawn_at timestamptz,
  add column withdrawal_reason text,
  add constraint agency_notices_withdrawal check (
    (withdrawn_at is null) = (withdrawal_reason is null) and (withdrawn_at is null or applied_at is not null)
  );
