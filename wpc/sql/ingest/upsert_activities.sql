-- grain: one row per activity in the upload; an activity_id already stored is replaced.
-- inputs: staged_activities (registered frame of checked rows, text and ';'-joined codes)
insert or replace into activities (
    activity_id, preset, place, title, start_date, end_date, organisation, programme, method,
    ladder_rung, cycle_stage, target_groups, clinical_areas, participants_total, cost_gbp,
    feedback_due, feedback_date, you_said, we_did, report_url, status, organisation_type, target_areas,
    upload_id
)
select
    activity_id,
    preset,
    place,
    title,
    cast(start_date as date),
    cast(end_date as date),
    organisation,
    programme,
    method,
    cast(ladder_rung as tinyint),
    cast(cycle_stage as tinyint),
    case when coalesce(target_groups, '') = '' then []::varchar[] else string_split(target_groups, ';') end,
    case when coalesce(clinical_areas, '') = '' then []::varchar[] else string_split(clinical_areas, ';') end,
    cast(participants_total as integer),
    cast(cost_gbp as decimal(14, 2)),
    cast(feedback_due as date),
    cast(feedback_date as date),
    you_said,
    we_did,
    report_url,
    coalesce(status, 'held'),
    organisation_type,
    case when coalesce(target_areas, '') = '' then []::varchar[] else string_split(target_areas, ';') end,
    $upload_id
from staged_activities
