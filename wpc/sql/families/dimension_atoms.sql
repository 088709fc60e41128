-- grain: one row per place counted in x dimension x category x source of the whole
-- ICS's reach population in the period (int_scope_dimension_counts, built for the whole ICS),
-- for the dimensions of one disclosure family; ethnic groups are left out where they are sums of
-- the 19 categories of the same people (every source but 'returns'; docs/disclosure.md).
-- inputs: int_scope_dimension_counts
select count_place as place, dimension, category, source, sum(participants)::bigint as participants,
    sum(key_sum)::bigint as key_sum
from int_scope_dimension_counts
where list_contains($dimensions, dimension)
  and not (dimension = 'ethnicity_group' and source <> 'returns')
group by all
order by all
