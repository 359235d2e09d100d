-- The login transaction's status moves only as src/login/state-machine.ts lists, whoever writes it (our
-- statements, the trigger of migration 0007, a hand edit): any other move is refused by the database itself.
-- test/login/state-machine.test.ts checks that these pairs are the table's.
create function refuse_unlisted_login_status_move() returns trigger language plpgsql as $$
begin
  if (old.status, new.status) not in (
    ('pending', 'scanned'),
    ('scanned', 'approved'),
    ('scanned', 'denied'),
    ('pending', 'expired'),
    ('scanned', 'expired'),
    ('pending', 'cancelled'),
    ('scanned', 'cancelled')
  ) then
    raise exception 'a login transaction does not move from % to %', old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger login_transactions_status_moves
  before update of status on login_transactions
  for each row when (old.status is distinct from new.status)
  execute function refuse_unlisted_login_status_move();
