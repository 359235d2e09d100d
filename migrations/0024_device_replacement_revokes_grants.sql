-- One phone only, and what it approved goes with it: when a device stops being active (a new enrolment replaced
-- it), every grant of its citizen ends in the same transaction, with every code and token issued under them,
-- whatever revoked the device. The citizen has one active device, so every grant still standing was approved by
-- this one (an older phone's went when it was replaced). A sign-in it approved that the browser has not yet
-- carried on to the relying party ends too: its interaction goes, so no code is issued for it afterwards.
alter table oidc_payloads add column account_id text;
-- Rows stored before this column: a payload holding an escaped NUL (a client's state, say) is left alone, as
-- JSON operators refuse it; its tokens end with their own lifetimes.
update oidc_payloads set account_id = payload ->> 'accountId'
  where model in ('Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode') and strpos(payload::text, '\u0000') = 0;
create index oidc_payloads_account_id on oidc_payloads (account_id) where account_id is not null;

create function revoke_grants_of_replaced_device() returns trigger language plpgsql as $$
begin
  delete from oidc_payloads
    where account_id = new.pid and model in ('Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode');
  delete from oidc_payloads
    where model = 'Interaction' and consumed_at is null
      and id in (select interaction_uid from login_transactions where device_id = new.id and status = 'approved');
  return null;
end
$$;
create trigger devices_revoke_grants_when_revoked
  after update of status on devices
  for each row when (old.status = 'active' and new.status <> 'active')
  execute function revoke_grants_of_replaced_device();
