-- grain: one row per place counted in x combination of inclusion groups named: the
-- whole ICS's reach population from individual rows in the period (a person naming two groups
-- is one row of the combination, so the groups' counts are sums of these; none named = []).
-- Aggregated returns and headcounts give only per-group counts: see dimension_atoms.
-- inputs: int_scope_participants, int_scope_activities, int_scope_lsoas (all for the whole ICS)
select
    coalesce(homes.place, acts.place) as place,
    list_sort(list_distinct(list_filter(coalesce(rows.inclusion_groups, []), lambda g: g not in ('none', 'unknown'))))
        as combination,
    count(*)::bigint as participants,
    sum(rows.record_key)::bigint as key_sum
from int_scope_participants as rows
inner join int_scope_activities as acts using (activity_id)
-- an LSOA of int_scope_lsoas is exactly what lives_in_scope means, so the equality alone
-- joins residents only (a hash join; a condition on lives_in_scope too made it a nested loop)
left join int_scope_lsoas as homes on homes.lsoa21cd = rows.lsoa21cd
where acts.in_period
  and acts.source = 'individual'
  and (rows.lives_in_scope or (acts.in_place and rows.lsoa21cd is null))
group by all
