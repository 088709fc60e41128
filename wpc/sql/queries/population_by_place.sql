-- grain: one row per place of a preset (in the preset's place order), plus nothing else.
-- Residents are Census 2021 usual residents (TS007A); Core20 = national IMD 2025 deciles 1-2.
-- inputs: ref_lsoa, ref_place
with places as (
    select distinct preset, place, place_order
    from ref_place
    where preset = $preset
),

lsoas as (
    select place, population, core20, imd_decile
    from ref_lsoa
    where preset = $preset
),

by_place as (
    select
        place,
        count(*) as lsoas,
        sum(population) as residents,
        count(*) filter (where core20) as core20_lsoas,
        coalesce(sum(population) filter (where core20), 0) as core20_residents
    from lsoas
    group by place
)

select
    places.place,
    by_place.lsoas,
    by_place.residents,
    by_place.core20_lsoas,
    by_place.core20_residents,
    by_place.core20_residents / by_place.residents as core20_share
from places
inner join by_place using (place)
order by places.place_order
