-- grain: one row per earlier upload whose stored participant rows (without a ref) the staged
-- rows without a ref repeat: the same activity and the same values as read (by keyed row hash).
-- inputs: staged_row_hashes (the staged participants: source_line, row_hash), participant_row_hashes, participants
select
    participant_row_hashes.upload_id,
    count(distinct staged_row_hashes.source_line) as rows
from staged_row_hashes
inner join participant_row_hashes using (row_hash)
inner join participants
    on participants.upload_id = participant_row_hashes.upload_id
   and participants.source_line = participant_row_hashes.source_line
group by participant_row_hashes.upload_id
order by participant_row_hashes.upload_id
