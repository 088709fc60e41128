-- grain: one row per place x target group with two or more of the scope's activities
-- starting in the fatigue window and targeting that group (docs/methods.md section 5).
-- inputs: int_scope_activities
with targeted as (
    select place, activity_id, title, start_date, unnest(target_groups) as target_group
    from int_scope_activities
    where in_window and in_place
)

select
    place,
    target_group,
    count(distinct activity_id) as activities,
    list(activity_id order by start_date, activity_id) as activity_ids,
    list(title order by start_date, activity_id) as titles
from targeted
group by place, target_group
having count(distinct activity_id) >= 2
order by activities desc, place, target_group
