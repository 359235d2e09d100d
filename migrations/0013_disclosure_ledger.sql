-- The disclosure ledger: every release of a citizen's data to a relying party, and every answer the citizen gave
-- one, as the leaves of an append-only Merkle log in the style of RFC 9162 (src/disclosures/merkle.ts).
--
-- Who writes what: the server inserts an entry's text and nothing else; this trigger gives it the next leaf
-- index, its leaf hash, and the columns read back from the text that history pages and counts filter on. No one
-- updates or deletes a ledger row: the triggers below refuse it, so only someone who first switches them off
-- can, and `thaid-emulator ledger verify` then finds the row.

-- The log's size, one row: taking the next index locks it until the appending transaction ends, so indexes come
-- without gaps or duplicates however many server processes append, and a rolled-back append leaves none.
create table ledger_size (
  only_row boolean primary key default true check (only_row),
  size bigint not null
);
insert into ledger_size (size) values (0);

create table ledger_entries (
  leaf_index bigint primary key,
  -- The entry as its writer serialised it (UTF-8 JSON): these exact bytes are the leaf.
  entry text not null,
  -- SHA-256(0x00 || entry), RFC 9162 section 2.1.1.
  leaf_hash bytea not null,
  -- Read from the entry by the trigger.
  pid text not null,
  kind text not null check (kind in ('disclosure', 'event')),
  agency_id text not null,
  client_id text not null,
  items text[] not null,
  created_at timestamptz not null
);
-- A citizen's history, newest first.
create index ledger_entries_by_citizen on ledger_entries (pid, leaf_index desc);
-- An agency's counts per day.
create index ledger_entries_by_agency on ledger_entries (agency_id, created_at);

create function ledger_append() returns trigger language plpgsql as $$
declare
  e jsonb := cast(new.entry as jsonb);
begin
  update ledger_size set size = size + 1 returning size - 1 into new.leaf_index;
  new.leaf_hash := sha256('\x00'::bytea || convert_to(new.entry, 'UTF8'));
  new.pid := e ->> 'pid';
  new.kind := e ->> 'kind';
  new.agency_id := e #>> '{agency,id}';
  new.client_id := e #>> '{system,clientId}';
  new.items := array(select jsonb_array_elements_text(e -> 'items'));
  new.created_at := cast(e ->> 'at' as timestamptz);
  return new;
end
$$;
create trigger ledger_entries_append before insert on ledger_entries
  for each row execute function ledger_append();

create function ledger_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the % table is append-only: its rows are never changed or removed', tg_table_name
    using errcode = 'insufficient_privilege';
end
$$;
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function ledger_refuse_change();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function ledger_refuse_change();

-- The size only ever grows by one, as the append trigger moves it.
create function ledger_size_grows_by_one() returns trigger language plpgsql as $$
begin
  if new.size <> old.size + 1 then
    raise exception 'the ledger size only grows by one entry at a time' using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger ledger_size_grows before update on ledger_size
  for each row execute function ledger_size_grows_by_one();
create trigger ledger_size_kept before delete on ledger_size
  for each row execute function ledger_refuse_change();

-- Signed tree heads: the log's size, the root hash of its first tree_size leaves, when it was signed, and the
-- server's JWS over the three. Written by the server's signer (src/disclosures/tree-heads.ts), never changed.
create table ledger_tree_heads (
  tree_size bigint primary key,
  root_hash bytea not null,
  signed_at timestamptz not null,
  signature text not null
);
create trigger ledger_tree_heads_append_only before update or delete on ledger_tree_heads
  for each row execute function ledger_refuse_change();
create trigger ledger_tree_heads_no_truncate before truncate on ledger_tree_heads
  for each statement execute function ledger_refuse_change();

-- The hashes of complete subtrees of 256 leaves or more, each computed once: a subtree of an append-only log
-- never changes, and proofs and tree heads over millions of entries then read a few hundred rows, not all of
-- them. A memo only: `ledger verify` recomputes everything from the entries.
create table ledger_subtrees (
  level smallint not null,
  first_leaf bigint not null,
  hash bytea not null,
  primary key (level, first_leaf)
);
create trigger ledger_subtrees_append_only before update or delete on ledger_subtrees
  for each row execute function ledger_refuse_change();
create trigger ledger_subtrees_no_truncate before truncate on ledger_subtrees
  for each statement execute function ledger_refuse_change();
