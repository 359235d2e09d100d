-- Number matching: the login page shows a two-digit number and the phone offers three, and the citizen picks the
-- one on the screen before the PIN (src/login/number-matching.ts). Both are drawn at random with the transaction
-- by src/login/transactions.ts and kept here; null for sign-ins opened before.
alter table login_transactions
  add column match_number smallint check (match_number between 10 and 99),
  add column number_choices smallint[],
  add constraint login_transactions_number_choices
    check ((match_number is null) = (number_choices is null)
      and (number_choices is null or (cardinality(number_choices) = 3 and match_number = any (number_choices))));

-- A wrong pick refuses the sign-in and is reported to staff as a citizen's report is.
alter table reported_sign_ins add column reason text not null default 'citizen_report'
  check (reason in ('citizen_report', 'wrong_number'));
