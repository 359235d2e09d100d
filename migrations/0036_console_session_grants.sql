-- A console session remembers the grant its sign-in was approved under (the grant of the first-party system's
-- access token, src/consoles/sessions.ts), and lives only while that grant does: a phone replaced by a new
-- enrolment (migration 0024's trigger), a sign-in reported as not the citizen's, or consent withdrawn from the
-- console ends the session with the grant. Sessions started before have none, and end.
alter table console_sessions add column grant_id text;
