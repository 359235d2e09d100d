-- Private signing keys are stored sealed (a compact JWE under a key-encryption key kept outside the database, see
-- src/oidc/key-sealing.ts). Keys stored before are sealed by the server at its next start, which then clears
-- their plain column; from then on private_jwk stays empty.
alter table signing_keys add column sealed_private_jwk text;
alter table signing_keys alter column private_jwk drop not null;
alter table signing_keys add constraint signing_keys_private_key_kept_once
  check ((private_jwk is null) <> (sealed_private_jwk is null));
