-- Every change to the signing keys is announced to all server processes (see src/oidc/signing-key-changes.ts),
-- so a rotation made through one process makes every process sign with the new keys and publish them.
create function announce_signing_keys_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('thaid_signing_keys', '');
  return null;
end
$$;
create trigger signing_keys_announce
  after insert or update or delete on signing_keys
  for each statement execute function announce_signing_keys_change();
