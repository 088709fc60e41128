-- grain: one row per activity of the scope in the period whose feedback is overdue on $today,
-- longest overdue first.
-- inputs: int_scope_activities
select
    activity_id,
    title,
    place,
    organisation,
    start_date,
    feedback_due_date as due_date,
    date_diff('day', feedback_due_date, $today) as days_overdue
from int_scope_activities
where in_place and in_period and feedback_date is null and feedback_due_date < $today
order by days_overdue desc, activity_id
