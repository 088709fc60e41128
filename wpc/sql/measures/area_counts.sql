-- grain: one row per area of the scope at $level ('lsoa', 'msoa' or 'place'), every area
-- (zero participants included): residents and the participants living there in the period.
-- inputs: int_scope_lsoas, int_scope_homes, ref_place
with lsoa_participants as (
    select home_lsoa as lsoa21cd, sum(participants) as participants
    from int_scope_homes
    where in_period and home = 'scope'
    group by home_lsoa
),

lsoas as (
    select
        int_scope_lsoas.*,
        coalesce(lsoa_participants.participants, 0) as participants
    from int_scope_lsoas
    left join lsoa_participants using (lsoa21cd)
),

place_order as (
    select distinct place, place_order
    from ref_place
    where preset = $preset
),

by_lsoa as (
    select
        'lsoa' as level,
        lsoa21cd as area_code,
        lsoa21nm as area_name,
        place,
        imd_decile,
        imd_rank,
        core20,
        population,
        participants,
        imd_rank as sort_key
    from lsoas
),

by_msoa as (
    select
        'msoa' as level,
        msoa21cd as area_code,
        min(msoa21nm) as area_name,
        min(place) as place,
        null::tinyint as imd_decile,
        null::integer as imd_rank,
        null::boolean as core20,
        sum(population) as population,
        sum(participants) as participants,
        null::integer as sort_key
    from lsoas
    group by msoa21cd
),

by_place as (
    select
        'place' as level,
        lsoas.place as area_code,
        lsoas.place as area_name,
        lsoas.place,
        null::tinyint as imd_decile,
        null::integer as imd_rank,
        null::boolean as core20,
        sum(lsoas.population) as population,
        sum(lsoas.participants) as participants,
        min(place_order.place_order) as sort_key
    from lsoas
    inner join place_order using (place)
    group by lsoas.place
),

everything as (
    select * from by_lsoa
    union all
    select * from by_msoa
    union all
    select * from by_place
)

select
    level,
    area_code,
    area_name,
    place,
    imd_decile,
    imd_rank,
    core20,
    population::bigint as population,
    participants::bigint as participants
from everything
where level = $level
order by sort_key, area_code
