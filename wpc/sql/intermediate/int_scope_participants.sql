-- grain: one row per row of int_scope_rows, with every answer of the participant row (not the
-- upload, line or hashed ref: see int_scope_refs) and lives_in_scope: what measures of people's
-- answers read (reach, data quality).
-- Read by rowid, so that row groups of participants holding none of the scope's rows (other
-- ICSs' uploads) are never decompressed.
-- inputs: participants, int_scope_rows
create or replace temp table int_scope_participants as
select participants.* exclude (upload_id, source_line, participant_hash), int_scope_rows.lives_in_scope
from participants
inner join int_scope_rows on participants.rowid = int_scope_rows.row_id
