-- grain: one row per row of int_scope_rows that has a participant ref: its activity, the
-- hashed ref, its record key (disclosure control) and lives_in_scope (for repeat participants). Kept apart from
-- int_scope_participants because the 64-character hashes are the costliest column to read.
-- inputs: participants, int_scope_rows
create or replace temp table int_scope_refs as
select participants.activity_id, participants.participant_hash, participants.record_key,
    int_scope_rows.lives_in_scope
from participants
inner join int_scope_rows on participants.rowid = int_scope_rows.row_id
where participants.participant_hash is not null
