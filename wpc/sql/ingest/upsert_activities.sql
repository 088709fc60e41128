-- grain: one row per activity in the upload; an activity_id already stored is replaced (MERGE:
-- the form both stores accept; a DuckLake has no key constraints for INSERT OR REPLACE).
-- An activity without a status is held (docs/data-standard.md).
-- inputs: staged_activities (registered frame of checked rows, text and ';'-joined codes)
merge into activities
using (
    select
        activity_id,
        preset,
        place,
        title,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        organisation,
        programme,
        method,
        cast(ladder_rung as tinyint) as ladder_rung,
        cast(cycle_stage as tinyint) as cycle_stage,
        case when coalesce(target_groups, '') = '' then []::varchar[] else string_split(target_groups, ';') end as target_groups,
        case when coalesce(clinical_areas, '') = '' then []::varchar[] else string_split(clinical_areas, ';') end as clinical_areas,
        cast(participants_total as integer) as participants_total,
        cast(cost_gbp as decimal(14, 2)) as cost_gbp,
        cast(feedback_due as date) as feedback_due,
        cast(feedback_date as date) as feedback_date,
        you_said,
        we_did,
        report_url,
        coalesce(status, 'held') as status,
        organisation_type,
        case when coalesce(target_areas, '') = '' then []::varchar[] else string_split(target_areas, ';') end as target_areas,
        $upload_id as upload_id
    from staged_activities
) as incoming
on activities.activity_id = incoming.activity_id
when matched then update by name
when not matched then insert by name
