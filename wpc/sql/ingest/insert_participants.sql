-- grain: one row per person per activity in the upload.
-- inputs: staged_participants (checked rows; no postcode, no raw ref)
insert into participants (
    upload_id, source_line, activity_id, participant_hash, lsoa21cd, home_area_status, age_band, sex,
    gender_same_as_birth, ethnicity, disability, carer, religion, sexual_orientation,
    pregnant_or_recent_birth, inclusion_groups
)
select
    $upload_id,
    cast(source_line as integer),
    activity_id,
    participant_hash,
    lsoa21cd,
    home_area_status,
    age_band,
    sex,
    gender_same_as_birth,
    ethnicity,
    disability,
    carer,
    religion,
    sexual_orientation,
    pregnant_or_recent_birth,
    case when coalesce(inclusion_groups, '') = '' then []::varchar[] else string_split(inclusion_groups, ';') end
from staged_participants
