-- grain: one row per insight of the preset's ICS, newest first; the insight library's rows.
-- An insight given with neither a place nor an activity has no ICS of its own: it belongs to
-- the ICS of the other rows of the upload that brought it (so a file of one ICS's insights
-- stays with that ICS), and to every ICS when none of its upload's insights has a place.
-- inputs: insights
with upload_presets as (
    select distinct upload_id, preset
    from insights
    where preset is not null
)

select
    insight_id,
    activity_id,
    insight_date,
    place,
    programme,
    themes,
    summary,
    quote,
    groups,
    source_title,
    source_url,
    status,
    action_taken
from insights
where preset = $preset
   or (
       preset is null
       and (
           upload_id in (select upload_id from upload_presets where preset = $preset)
           or upload_id not in (select upload_id from upload_presets)
       )
   )
order by insight_date desc nulls last, insight_id
