-- How much of each rate limit a key has used in its current window, shared by every server process on the
-- database. The columns are the ones rate-limiter-flexible's PostgreSQL store reads and writes; it is the only
-- writer (src/http/rate-limits.ts), and it deletes windows that ended over an hour ago.
create table rate_limits (
  -- '<limit name>:<key>', such as 'scans-per-device:<device id>'.
  key varchar(255) primary key,
  points integer not null default 0,
  -- When the window ends, in milliseconds since 1970.
  expire bigint
);
