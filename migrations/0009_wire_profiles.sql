-- Each system talks to relying parties in one wire profile: 'thaid' behaves as the real service does (its public
-- integration code relies on it), 'strict' as OpenID Connect and RFC 9700 are written. A system also picks the
-- algorithm of its ID tokens, and has an API key (stored hashed, as the secret is) that its requests may carry.
alter table agency_systems
  add column wire_profile text not null default 'thaid' check (wire_profile in ('thaid', 'strict')),
  add column id_token_alg text not null default 'RS256' check (id_token_alg in ('RS256', 'ES256')),
  add column api_key_hash text;

-- The demo relying party's key is public, as its secret is (README, "Demo relying party"); systems registered
-- earlier have no key until they are registered again.
update agency_systems
  set api_key_hash = 'sha256:' || translate(rtrim(encode(sha256(convert_to('demo-api-key-for-local-development-only', 'UTF8')), 'base64'), '='), '+/', '-_')
  where client_id = 'thaid-demo-client';

-- The view's s.* was expanded when it was made: make it again to carry the new columns.
drop view active_systems;
create view active_systems as
  select s.*, a.name_th as agency_name_th, a.name_en as agency_name_en
  from agency_systems s
  join agencies a on a.id = s.agency_id
  where s.status = 'active' and a.status = 'active';
