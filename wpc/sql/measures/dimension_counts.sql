-- grain: one row per dimension x category ('unknown' included), or per quarter x dimension x
-- category when $by_quarter: participants of the reach population in the period, and the sum
-- of their record keys (for a count protected on its own table, docs/disclosure.md).
-- inputs: int_scope_dimension_counts
select
    case when $by_quarter then quarter end as quarter,
    dimension,
    category,
    sum(participants)::bigint as participants,
    sum(key_sum)::bigint as key_sum
from int_scope_dimension_counts
group by all
order by all
