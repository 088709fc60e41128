-- Rows of earlier uploads for the same person (hashed ref) in the same activity are replaced
-- by the new upload's row: a person is one row per activity.
-- inputs: staged_participants
delete from participants
using staged_participants
where participants.participant_hash is not null
  and participants.activity_id = staged_participants.activity_id
  and participants.participant_hash = staged_participants.participant_hash
