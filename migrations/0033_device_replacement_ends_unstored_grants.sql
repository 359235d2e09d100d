-- A sign-in the replaced phone approved may be at the very moment its browser carries it on: the browser has read
-- the approval and is about to store its grant (and its interaction again), which migration 0024's deletes would
-- miss. So the grant of each sign-in the phone approved within an interaction's lifetime (ten minutes) is also
-- stored as ended, under the id src/login/interaction-results.ts gives it (grantIdOfSignIn): storing it
-- afterwards changes nothing and gives no code, as for a sign-in the citizen reported (src/oidc/grant-queries.ts).
create or replace function revoke_grants_of_replaced_device() returns trigger language plpgsql as $$
begin
  delete from oidc_payloads
    where account_id = new.pid and model in ('Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode');
  delete from oidc_payloads
    where model = 'Interaction' and consumed_at is null
      and id in (select interaction_uid from login_transactions where device_id = new.id and status = 'approved');
  insert into oidc_payloads (model, id, payload, expires_at)
    select 'Grant', translate(rtrim(encode(sha256(convert_to('grant of ' || id, 'UTF8')), 'base64'), '='), '+/', '-_'),
      cast('{}' as json), now()
    from login_transactions
    where device_id = new.id and status = 'approved' and decided_at > now() - interval '10 minutes'
  on conflict (model, id) do update set expires_at = now();
  return null;
end
$$;
