-- grain: one row per group of the whole ICS's activities in the period that the activities family
-- treats alike (place, method, organisation, partner type, whether it has a cost, where its
-- participants come from) x home IMD quintile ('unknown' included): their participants wherever
-- they live (docs/methods.md section 14, the activity log). key_sum: their record keys. Not per
-- activity: the family never counts one activity's people (docs/disclosure.md), and groups are
-- far fewer rows.
-- inputs: int_scope_homes, int_scope_activities (both built for the whole ICS)
select
    acts.place,
    coalesce(acts.method, 'not recorded') as method,
    coalesce(acts.organisation, 'Not recorded') as organisation,
    coalesce(acts.organisation_type, 'not recorded') as organisation_type,
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
