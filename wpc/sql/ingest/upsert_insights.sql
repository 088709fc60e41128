-- grain: one row per insight in the upload; an insight_id already stored is replaced.
-- inputs: staged_insights (quotes already scrubbed)
insert or replace into insights (
    insight_id, activity_id, insight_date, preset, place, programme, themes, summary, quote, groups,
    source_title, source_url, status, action_taken, scrub_note, upload_id
)
select
    insight_id,
    activity_id,
    cast(insight_date as date),
    preset,
    place,
    programme,
    case when coalesce(themes, '') = '' then []::varchar[] else string_split(themes, ';') end,
    summary,
    quote,
    case when coalesce(groups, '') = '' then []::varchar[] else string_split(groups, ';') end,
    source_title,
    source_url,
    status,
    action_taken,
    scrub_note,
    $upload_id
from staged_insights
