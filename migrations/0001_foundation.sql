-- Values the server generates once and keeps for its whole life (admin token, pairwise salt, demo data marker).
create table instance_settings (
  key text primary key,
  value jsonb not null,
  created_at timestamptz not null default now()
);

-- Every artefact oidc-provider stores (sessions, interactions, codes, tokens, grants), one row per (model, id).
create table oidc_payloads (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);
create index oidc_payloads_grant_id on oidc_payloads (grant_id) where grant_id is not null;
create index oidc_payloads_uid on oidc_payloads (uid) where uid is not null;
create index oidc_payloads_user_code on oidc_payloads (user_code) where user_code is not null;
create index oidc_payloads_expires_at on oidc_payloads (expires_at) where expires_at is not null;

-- Token signing keys. The newest key of each algorithm signs; superseded keys stay published until
-- every token signed with them has expired (published_until).
create table signing_keys (
  kid text primary key,
  alg text not null check (alg in ('RS256', 'ES256')),
  private_jwk jsonb not null,
  created_at timestamptz not null default now(),
  superseded_at timestamptz,
  published_until timestamptz
);

-- Keys that sign the provider's cookies; the newest signs, all verify.
create table cookie_keys (
  id serial primary key,
  secret text not null,
  created_at timestamptz not null default now()
);

-- A relying-party agency permitted by DOPA (announcement 2024, clauses 4-5).
create table agencies (
  id uuid primary key default gen_random_uuid(),
  name_th text not null,
  name_en text not null,
  status text not null default 'active' check (status in ('active', 'suspended', 'cancelled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One OIDC client per computer system the agency declared (clause 10(1)).
create table agency_systems (
  client_id text primary key,
  agency_id uuid not null references agencies (id),
  name text not null,
  purpose text not null,
  redirect_uris text[] not null check (cardinality(redirect_uris) > 0),
  scopes text[] not null,
  token_endpoint_auth_method text not null
    check (token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post', 'none')),
  client_secret_hash text,
  status text not null default 'active' check (status in ('active', 'suspended', 'cancelled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((token_endpoint_auth_method = 'none') = (client_secret_hash is null))
);
create index agency_systems_agency_id on agency_systems (agency_id);

-- The synthetic civil registry.
create table citizens (
  pid char(13) primary key check (pid ~ '^[1-8][0-9]{12}$'),
  title_th text not null,
  title_en text not null,
  given_name_th text not null,
  middle_name_th text,
  family_name_th text not null,
  given_name_en text not null,
  middle_name_en text,
  family_name_en text not null,
  birthdate date not null,
  sex text not null check (sex in ('male', 'female')),
  house_number text not null,
  village_number text,
  alley text,
  road text,
  subdistrict text not null,
  district text not null,
  province text not null,
  postal_code char(5) not null,
  laser_code char(12) not null check (laser_code ~ '^[A-Z]{2}[0-9]{10}$'),
  card_issued_on date not null,
  card_expires_on date not null,
  ial numeric(2, 1) not null
);
