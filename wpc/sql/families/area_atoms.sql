-- grain: one row per group of the ICS's participants in the period that disclosure control
-- treats together (docs/disclosure.md): residents of the ICS by home LSOA; everyone else by the
-- activity's place, home (unknown | out) and,
-- for a home unknown, the IMD quintile an aggregated return gave and where their count came from
-- (source: individual rows, an aggregated return, a headcount). key_sum: their record keys.
-- Built on the whole ICS's scope tables, so every place's counts come from one family.
-- inputs: int_scope_homes, int_scope_activities, int_scope_lsoas (all built for the whole ICS)
select
    case when homes.home = 'scope' then 'resident' else homes.home end as home,
    case when homes.home = 'scope' then homes.home_lsoa end as lsoa21cd,
    case when homes.home = 'scope' then lsoas.place else acts.place end as place,
    case when homes.home = 'unknown' then homes.imd_quintile end as returned_quintile,
    case when homes.home = 'unknown' then acts.source end as source,
    sum(homes.participants)::bigint as participants,
    sum(homes.key_sum)::bigint as key_sum
from int_scope_homes as homes
inner join int_scope_activities as acts using (activity_id)
left join int_scope_lsoas as lsoas on lsoas.lsoa21cd = homes.home_lsoa
where homes.in_period
group by all
having sum(homes.participants) > 0
