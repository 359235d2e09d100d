-- DOPA's own relying parties: the staff console (/staff) and the agency portal (/agency) sign citizens in with
-- ThaID like any other system, through the code flow with PKCE. They are public clients (no secret: the server
-- is its own client, and a secret it shared with itself would protect nothing), approved for openid, pid and
-- name, without a daily quota, and of the strict wire profile, as a standard OpenID Connect client expects.
--
-- Their redirect URIs depend on the server's ISSUER, which a migration cannot know: the address written here is
-- the one of the default ISSUER, and the server sets ${ISSUER}/staff/callback and ${ISSUER}/agency/callback at
-- every start when they differ (src/consoles/first-party-redirects.ts).
--
-- The agency and both systems have fixed identifiers, which src/agencies/first-party-systems.ts names: staff may
-- not suspend or cancel them (src/agencies/status-changes.ts refuses it).
insert into agencies (id, name_th, name_en)
values ('d0a0d0a0-0000-4000-8000-000000000001', 'กรมการปกครอง', 'Department of Provincial Administration');

insert into agency_systems
  (client_id, agency_id, name, purpose, redirect_uris, scopes, token_endpoint_auth_method, client_secret_hash,
   wire_profile, daily_quota)
values
  ('dopa-staff-console', 'd0a0d0a0-0000-4000-8000-000000000001',
   'คอนโซลเจ้าหน้าที่ · Staff console',
   'ยืนยันตัวตนเจ้าหน้าที่กรมการปกครองเพื่อเข้าใช้คอนโซลเจ้าหน้าที่ · Signing DOPA staff in to the staff console',
   array['http://localhost:3000/staff/callback'], array['openid', 'pid', 'name'], 'none', null, 'strict', null),
  ('dopa-agency-portal', 'd0a0d0a0-0000-4000-8000-000000000001',
   'พอร์ทัลหน่วยงาน · Agency portal',
   'ยืนยันตัวตนผู้ดำเนินการแทนหน่วยงานเพื่อเข้าใช้พอร์ทัลหน่วยงาน · Signing agencies'' representatives in to the agency portal',
   array['http://localhost:3000/agency/callback'], array['openid', 'pid', 'name'], 'none', null, 'strict', null);

-- A signed-in session of the staff console or the agency portal. The browser holds the session's random id in a
-- signed cookie; only its SHA-256 is stored, so a copy of this table signs no one in. A session ends at sign-out
-- (ended_at), after a time without a request (last_seen_at; the limit is src/consoles/sessions.ts's), or at
-- expires_at, whichever comes first. name is the name the ID token gave. Roles are not kept here: they are read
-- on every request. The server's maintenance deletes sessions a day after they end.
create table console_sessions (
  id_hash text primary key,
  console text not null check (console in ('staff', 'agency')),
  pid char(13) not null references citizens (pid),
  name text not null,
  csrf_token text not null check (length(csrf_token) >= 32),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz
);
create index console_sessions_by_expiry on console_sessions (expires_at);
