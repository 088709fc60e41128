-- Row hashes of participant rows no longer stored (run after the demo participants are removed).
delete from participant_row_hashes
where not exists (
    select 1 from participants
    where participants.upload_id = participant_row_hashes.upload_id
      and participants.source_line = participant_row_hashes.source_line
)
