-- grain: one row per planned activity x other activity that overlaps it: held or planned, of the
-- same ICS, in the same place (or either of them ICS-wide, reaching every place), aimed at at
-- least one of the same target groups, and starting within the fatigue window of the plan's
-- start, before or after (docs/methods.md sections 5 and 15).
-- inputs: plans (registered: activity_id, place, start_date, target_groups), activities
with others as (
    select activity_id, title, start_date, place, coalesce(status, 'held') as status, target_groups
    from activities
    where preset = $preset and coalesce(status, 'held') in ('held', 'planned')
)

select
    plans.activity_id as plan_id,
    others.activity_id,
    others.title,
    others.start_date,
    others.place,
    others.status,
    list_sort(list_intersect(plans.target_groups, others.target_groups)) as shared_groups
from plans
inner join others
    on others.activity_id <> plans.activity_id
   and (others.place = plans.place or others.place = $ics_wide or plans.place = $ics_wide)
   and abs(date_diff('day', others.start_date, plans.start_date)) < $window_days
   and len(list_intersect(plans.target_groups, others.target_groups)) > 0
order by plan_id, others.start_date, others.activity_id
