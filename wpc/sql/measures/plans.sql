-- grain: one row per planned activity of the scope (its place's plans, or every plan of the ICS,
-- ICS-wide ones included, for the whole ICS) passing the activity filters, soonest first
-- (docs/methods.md section 15). The period does not apply: plans are for the future.
-- inputs: int_scope_all_activities
select
    activity_id,
    title,
    start_date,
    end_date,
    place,
    organisation,
    organisation_type,
    programme,
    method,
    target_groups,
    clinical_areas,
    coalesce(target_areas, []::varchar[]) as target_areas,
    cost_gbp
from int_scope_all_activities
where status = 'planned' and in_place
order by start_date, activity_id
