-- grain: one row per activity of the whole ICS in the period x home IMD quintile ('unknown'
-- included): its participants wherever they live (docs/methods.md section 14, the activity log), with the
-- activity's place, method, organisation, whether it has a cost and where its participants
-- come from. key_sum: their record keys.
-- inputs: int_scope_homes, int_scope_activities (both built for the whole ICS)
select
    acts.activity_id,
    acts.place,
    coalesce(acts.method, 'not recorded') as method,
    coalesce(acts.organisation, 'Not recorded') as organisation,
    acts.cost_gbp is not null as costed,
    acts.source,
    coalesce(homes.imd_quintile, 'unknown') as category,
    sum(homes.participants)::bigint as participants,
    sum(homes.key_sum)::bigint as key_sum
from int_scope_homes as homes
inner join int_scope_activities as acts using (activity_id)
where homes.in_period and homes.in_place
group by all
having sum(homes.participants) > 0
