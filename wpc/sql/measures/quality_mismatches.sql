-- grain: one row per activity of the scope in the period whose headcount disagrees with its
-- individual rows, or whose aggregated returns disagree with each other or with the headcount.
-- inputs: int_scope_activities, int_scope_homes
with individual_rows as (
    select activity_id, sum(participants) as individual_rows
    from int_scope_homes
    where in_place and in_period
    group by activity_id
),

acts as (
    select
        int_scope_activities.*,
        coalesce(individual_rows.individual_rows, 0) as individual_rows
    from int_scope_activities
    left join individual_rows using (activity_id)
    where int_scope_activities.in_place and int_scope_activities.in_period
)

select
    activity_id,
    title,
    place,
    source,
    participants_total,
    case when source = 'individual' then individual_rows end as individual_rows,
    case when source = 'returns' then returned_total end as largest_return_total,
    returned_totals_differ
from acts
where (source = 'individual' and participants_total is not null and participants_total <> individual_rows)
   or (source = 'returns'
       and (returned_totals_differ or (participants_total is not null and participants_total <> returned_total)))
order by activity_id
