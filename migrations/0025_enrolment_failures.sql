-- Failed self-service enrolments in a row, per citizen ID and per client address: card data that do not match
-- the registry, or a face that does not match its photo. After a few the next attempt must wait, after five (per
-- citizen ID) self-service enrolment is locked for a day; a success clears the citizen ID's count. Written by
-- src/devices/queries.ts only, so every server process sharing the database counts the same failures.
create table enrolment_failures (
  -- 'pid:<citizen ID as sent>' or 'address:<client address>'.
  key text primary key,
  failures integer not null check (failures > 0),
  last_failure_at timestamptz not null,
  -- Before this time no attempt is taken (a back-off or a lock).
  blocked_until timestamptz
);
