-- A citizen's ThaID device: a key pair it made itself, and the PIN set at enrolment.
create table devices (
  id text primary key,
  pid char(13) not null references citizens (pid),
  public_jwk jsonb not null,
  name text not null,
  enrolment_method text not null check (enrolment_method in ('self', 'office')),
  status text not null default 'active' check (status in ('active', 'revoked')),
  pin_hash text not null,
  -- Consecutive wrong PINs; at 5 the device is locked until the citizen enrols again.
  failed_pin_attempts integer not null default 0,
  enrolled_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text
);
-- One phone only: a second active device for the same citizen cannot exist.
create unique index devices_one_active_per_citizen on devices (pid) where status = 'active';

-- Nonces of signed device requests, kept until the request would be stale anyway, so a replay is refused.
create table device_request_nonces (
  device_id text not null,
  nonce text not null,
  expires_at timestamptz not null,
  primary key (device_id, nonce)
);
create index device_request_nonces_expires_at on device_request_nonces (expires_at);

-- One-time codes a registration-office officer issues for enrolment in person. Stored hashed.
create table enrolment_codes (
  code_hash text primary key,
  pid char(13) not null references citizens (pid),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

-- The approval behind one authorization request: the browser shows its QR code, a device approves it.
create table login_transactions (
  id text primary key,
  interaction_uid text not null,
  client_id text not null,
  scopes text[] not null,
  short_code text not null,
  status text not null default 'pending'
    check (status in ('pending', 'scanned', 'approved', 'denied', 'expired', 'cancelled')),
  device_id text references devices (id),
  pid char(13),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  scanned_at timestamptz,
  decided_at timestamptz
);
create index login_transactions_interaction_uid on login_transactions (interaction_uid);
-- At most one open transaction per sign-in, however many times its page loads at once.
create unique index login_transactions_one_open_per_interaction on login_transactions (interaction_uid)
  where status in ('pending', 'scanned');
create unique index login_transactions_open_short_code on login_transactions (short_code)
  where status in ('pending', 'scanned');
create index login_transactions_device_id on login_transactions (device_id) where device_id is not null;

-- What the citizen's device shows in its inbox.
create table device_notifications (
  id bigserial primary key,
  pid char(13) not null references citizens (pid),
  device_id text not null references devices (id),
  kind text not null,
  message_th text not null,
  message_en text not null,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index device_notifications_device_id on device_notifications (device_id, id);

-- Every change of a login transaction is announced to all server processes (see src/login/events.ts), by the
-- database itself, so no code path can forget it.
create function announce_login_transaction_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('thaid_login_transactions', new.id);
  return null;
end
$$;
create trigger login_transactions_announce
  after insert or update of status on login_transactions
  for each row execute function announce_login_transaction_change();
