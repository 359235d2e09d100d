-- DOPA staff: citizens (by citizen ID) who hold a role in the staff console. A person may hold several roles:
--   reviewer       reads and checks agencies' applications
--   approver       approves or refuses them
--   administrator  grants and removes staff roles
--
-- A grant is one row; removing it sets revoked_at and revoked_by, and the row stays: who held what, from when to
-- when, can always be read back. Rows are never deleted (the triggers refuse it), and a removed grant is never
-- restored: granting the role again writes a new row. granted_by and revoked_by name who acted: 'admin_token', or
-- the citizen ID of a member of staff.
create table staff_roles (
  id bigserial primary key,
  pid char(13) not null references citizens (pid),
  role text not null check (role in ('reviewer', 'approver', 'administrator')),
  granted_at timestamptz not null default now(),
  granted_by text not null check (granted_by <> ''),
  revoked_at timestamptz,
  revoked_by text check (revoked_by <> ''),
  check ((revoked_at is null) = (revoked_by is null))
);
-- At most one active grant of a role to a person; also how a person's roles are looked up.
create unique index staff_roles_active on staff_roles (pid, role) where revoked_at is null;
-- Listing the active grants of one role.
create index staff_roles_active_by_role on staff_roles (role, pid) where revoked_at is null;

-- The only change allowed is revoking an active grant: setting revoked_at and revoked_by, nothing else.
create function staff_roles_only_revoke() returns trigger language plpgsql as $$
begin
  if old.revoked_at is not null
    or new.revoked_at is null
    or new.id <> old.id
    or new.pid <> old.pid
    or new.role <> old.role
    or new.granted_at <> old.granted_at
    or new.granted_by <> old.granted_by then
    raise exception 'a staff_roles row only changes by being revoked, once: set revoked_at and revoked_by of an active grant'
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger staff_roles_revoke_only before update on staff_roles
  for each row execute function staff_roles_only_revoke();

-- ledger_refuse_change (migration 0013) names the table in its message.
create trigger staff_roles_never_deleted before delete on staff_roles
  for each row execute function ledger_refuse_change();
create trigger staff_roles_no_truncate before truncate on staff_roles
  for each statement execute function ledger_refuse_change();
