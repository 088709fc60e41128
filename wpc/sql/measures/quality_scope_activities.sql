-- grain: one row per activity of the scope in the period: where its participants come from
-- (source), its individual rows, and whether its figures disagree (docs/methods.md section 9): a headcount
-- that differs from its individual rows, or aggregated returns that differ from each other or
-- from the headcount. A temporary view that quality_activities and quality_mismatches read.
-- inputs: int_scope_activities, int_scope_homes
create or replace temp view quality_scope_activities as
with individual_rows as (
    select activity_id, sum(participants) as individual_rows, sum(key_sum) as individual_key_sum
    from int_scope_homes
    where in_place and in_period
    group by activity_id
),

acts as (
    select
        int_scope_activities.*,
        coalesce(individual_rows.individual_rows, 0) as individual_rows,
        coalesce(individual_rows.individual_key_sum, 0) as individual_key_sum
    from int_scope_activities
    left join individual_rows using (activity_id)
    where int_scope_activities.in_place and int_scope_activities.in_period
)

select
    *,
    source = 'individual' and participants_total is not null and participants_total <> individual_rows
        as headcount_mismatch,
    source = 'returns'
        and (returned_totals_differ or (participants_total is not null and participants_total <> returned_total))
        as return_mismatch
from acts
