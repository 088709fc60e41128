-- What ingest keeps to recognise files and rows uploaded before, and what scrubbing removed
-- (run after schema/engagement; every statement may run again on a database that has it).

-- The keyed hash of an upload's rows as read (normalised: whatever the line endings,
-- encoding, quoting or column order), and the identifiers removed from what was stored.
alter table uploads add column if not exists rows_hash varchar;
alter table uploads add column if not exists identifiers_removed integer;
alter table uploads add column if not exists identifiers_note varchar;

-- grain: one row per stored participant row without a participant_ref: a keyed 64-bit hash of
-- its values as read, so that a later file repeating the row can be told before storing it.
create table if not exists participant_row_hashes (
    upload_id   integer not null,
    source_line integer not null,
    row_hash    ubigint not null
);
