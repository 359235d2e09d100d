-- The citizen an entry's text names, or null where the text is not a JSON object PostgreSQL can read (possible
-- only if someone with the owner's rights rewrote the row, which `ledger verify` names): a history read checks its
-- rows with this, so one such row leaves that entry out of the citizen's history rather than failing every read of
-- it. Any error of the cast is such a text (not JSON, or JSON that jsonb refuses, such as a \u0000 escape).
-- Not parallel safe: its exception block starts a subtransaction. Read by src/disclosures/history-queries.ts.
create function ledger_entry_pid(entry text) returns text language plpgsql immutable strict as $$
begin
  return cast(entry as jsonb) ->> 'pid';
exception when others then
  return null;
end
$$;
