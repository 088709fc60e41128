-- grain: one row per place of the ICS x IMD quintile ('unknown' included): each place's reach
-- population (docs/methods.md section 2) in the period, read once from the whole ICS's scope tables instead of
-- building them for every place. A place's reach population is the people living in it (at any
-- of the ICS's activities) and those of its own activities whose home is unknown, so these are
-- the imd_quintile rows int_scope_dimension_counts has when built for that place (a test checks
-- it on every preset's demo data).
-- inputs: int_scope_homes, int_scope_activities (built for the whole ICS), ref_lsoa
with counted as (
    select
        case when homes.home = 'scope' then ref_lsoa.place else acts.place end as place,
        coalesce(homes.imd_quintile, 'unknown') as category,
        homes.participants
    from int_scope_homes as homes
    inner join int_scope_activities as acts using (activity_id)
    left join ref_lsoa on ref_lsoa.lsoa21cd = homes.home_lsoa and ref_lsoa.preset = $preset
    where acts.in_period
      and homes.home in ('scope', 'unknown')
)
select place, category, sum(participants)::bigint as participants
from counted
where place is not null
group by all
order by all
