-- grain: one row per participant row stored without a participant_ref: its keyed row hash.
-- inputs: staged_participants
insert into participant_row_hashes (upload_id, source_line, row_hash)
select $upload_id, cast(source_line as integer), row_hash
from staged_participants
where row_hash is not null
