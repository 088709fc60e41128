-- grain: one row per LSOA of the scope (the ICS, or one of its places): the residents every
-- person-based measure compares participants with (Census 2021 TS007A usual residents).
-- inputs: ref_lsoa
create or replace temp table int_scope_lsoas as
select
    lsoa21cd,
    lsoa21nm,
    msoa21cd,
    msoa21nm,
    place,
    lad24cd,
    lad24nm,
    urban_rural,
    ruc21cd,
    imd_rank,
    imd_decile,
    cast(imd_quintile as varchar) as imd_quintile,
    core20,
    population
from ref_lsoa
where preset = $preset
  and ($place is null or place = $place)
