-- Number matching: the login page shows a two-digit number and the phone offers three, and the citizen picks the
-- one on the screen before the PIN. Someone who relays a sign-in's code to a citizen cannot show them the
-- number. Drawn with the transaction by src/login/transactions.ts; null for sign-ins opened before.
alter table login_transactions add column match_number smallint check (match_number between 10 and 99);

-- A wrong pick refuses the sign-in and is reported to staff as a citizen's report is.
alter table reported_sign_ins add column reason text not null default 'citizen_report'
  check (reason in ('citizen_report', 'wrong_number'));
