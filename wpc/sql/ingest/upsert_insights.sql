-- grain: one row per insight in the upload; an insight_id already stored is replaced (MERGE:
-- the form both stores accept; a DuckLake has no key constraints for INSERT OR REPLACE).
-- inputs: staged_insights (quotes already scrubbed)
merge into insights
using (
    select
        insight_id,
        activity_id,
        cast(insight_date as date) as insight_date,
        preset,
        place,
        programme,
        case when coalesce(themes, '') = '' then []::varchar[] else string_split(themes, ';') end as themes,
        summary,
        quote,
        case when coalesce(groups, '') = '' then []::varchar[] else string_split(groups, ';') end as groups,
        source_title,
        source_url,
        status,
        action_taken,
        scrub_note,
        $upload_id as upload_id
    from staged_insights
) as incoming
on insights.insight_id = incoming.insight_id
when matched then update by name
when not matched then insert by name
