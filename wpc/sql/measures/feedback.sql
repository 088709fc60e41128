-- grain: one row for the whole scope (breakdown 'all'), then one per place and one per
-- organisation: the feedback loop of the scope's activities in the period (docs/methods.md section 7).
-- due = feedback_due, else end (or start) date + the preset's window; closed = a feedback
-- date given; on time = closed by the due date; overdue = not closed and due before $today.
-- inputs: int_scope_activities
with judged as (
    select
        place,
        coalesce(organisation, 'Not recorded') as organisation,
        feedback_date is not null as closed,
        feedback_date is not null and feedback_date <= feedback_due_date as closed_on_time,
        feedback_date is null and feedback_due_date < $today as overdue,
        feedback_date is null and feedback_due_date >= $today as not_yet_due
    from int_scope_activities
    where in_place and in_period
)

select
    case
        when grouping(place) = 0 then 'place'
        when grouping(organisation) = 0 then 'organisation'
        else 'all'
    end as breakdown,
    place,
    organisation,
    count(*) as activities,
    count(*) filter (where closed) as closed,
    count(*) filter (where closed_on_time) as closed_on_time,
    count(*) filter (where closed and not closed_on_time) as closed_late,
    count(*) filter (where overdue) as overdue,
    count(*) filter (where not_yet_due) as not_yet_due
from judged
group by grouping sets ((), (place), (organisation))
order by breakdown, place, organisation
