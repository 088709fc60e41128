-- grain: one row per activity of the scope in the period whose headcount disagrees with its
-- individual rows, or whose aggregated returns disagree with each other or with the headcount.
-- inputs: quality_scope_activities
select
    activity_id,
    title,
    place,
    source,
    participants_total,
    case when source = 'individual' then individual_rows end as individual_rows,
    case when source = 'returns' then returned_total end as largest_return_total,
    returned_totals_differ,
    record_key,  -- for disclosure control only; never shown
    individual_key_sum  -- likewise
from quality_scope_activities
where headcount_mismatch or return_mismatch
order by activity_id
