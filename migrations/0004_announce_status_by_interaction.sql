-- Announce a login transaction's status changes by its interaction, the one thing a waiting browser knows
-- across a renewed QR code, so each process wakes only the streams of that sign-in. A new transaction is
-- not announced: nobody can be waiting for it yet.
create or replace function announce_login_transaction_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('thaid_login_transactions', new.interaction_uid);
  return null;
end
$$;
drop trigger login_transactions_announce on login_transactions;
create trigger login_transactions_announce
  after update of status on login_transactions
  for each row execute function announce_login_transaction_change();
