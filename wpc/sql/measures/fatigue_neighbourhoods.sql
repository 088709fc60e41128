-- grain: one row per neighbourhood (MSOA) of the scope where people live who took part in at
-- least one activity starting in the fatigue window: its residents, how many distinct
-- activities reached it, and its participations (one per person per activity) in the window,
-- with the sum of their record keys (their cell key, docs/disclosure.md; never shown).
-- docs/methods.md section 5. Built on the whole ICS's scope tables, so every place's rows are
-- the ICS's rows.
-- inputs: int_scope_homes, int_scope_lsoas
with residents as (
    select msoa21cd, min(msoa21nm) as msoa21nm, min(place) as place, sum(population)::bigint as population
    from int_scope_lsoas
    group by msoa21cd
),

visits as (
    select
        int_scope_lsoas.msoa21cd,
        count(distinct int_scope_homes.activity_id) as activities,
        sum(int_scope_homes.participants)::bigint as participations,
        sum(int_scope_homes.key_sum)::bigint as key_sum
    from int_scope_homes
    inner join int_scope_lsoas on int_scope_lsoas.lsoa21cd = int_scope_homes.home_lsoa
    where int_scope_homes.in_window
      and int_scope_homes.home = 'scope'
      and int_scope_homes.participants > 0
    group by int_scope_lsoas.msoa21cd
)

select
    residents.msoa21cd as msoa_code,
    residents.msoa21nm as msoa_name,
    residents.place,
    residents.population,
    visits.activities,
    visits.participations,
    visits.key_sum
from visits
inner join residents using (msoa21cd)
order by msoa_code
