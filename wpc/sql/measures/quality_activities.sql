-- grain: one row: the scope's activities in the period by where their participants come
-- from, and the activities whose figures disagree (DESIGN 4.9).
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
    count(*) as activities,
    count(*) filter (where source = 'individual' and individual_rows > 0) as with_individual_rows,
    count(*) filter (where source = 'returns') as with_returns_only,
    count(*) filter (where source = 'headcount') as headcount_only,
    count(*) filter (where source = 'individual' and individual_rows = 0) as without_participants,
    count(*) filter (where source = 'headcount' or (source = 'individual' and individual_rows = 0))
        as without_equality_monitoring,
    coalesce(sum(individual_rows) filter (where source = 'individual'), 0)::bigint as participants_individual,
    coalesce(sum(headcount) filter (where source = 'returns'), 0)::bigint as participants_returns,
    coalesce(sum(headcount) filter (where source = 'headcount'), 0)::bigint as participants_headcount,
    count(*) filter (
        where source = 'individual' and participants_total is not null and participants_total <> individual_rows
    ) as headcount_mismatches,
    count(*) filter (
        where source = 'returns'
          and (returned_totals_differ or (participants_total is not null and participants_total <> returned_total))
    ) as return_mismatches,
    count(*) filter (where returns_ignored) as returns_ignored
from acts
