-- grain: one row per dimension x category ('unknown' included), or per quarter x dimension x
-- category when $by_quarter: participants of the reach population in the period.
-- inputs: int_scope_dimension_counts
select
    case when $by_quarter then quarter end as quarter,
    dimension,
    category,
    sum(participants)::bigint as participants
from int_scope_dimension_counts
group by all
order by all
