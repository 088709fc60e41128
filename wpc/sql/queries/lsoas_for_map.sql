-- grain: one row per LSOA in the scope, with what a map needs to colour and label it.
-- $place null = the whole ICS. inputs: ref_lsoa, ref_lsoa_boundary
select
    ref_lsoa.lsoa21cd,
    ref_lsoa.lsoa21nm,
    ref_lsoa.msoa21nm,
    ref_lsoa.place,
    ref_lsoa.lad24nm,
    ref_lsoa.imd_decile,
    ref_lsoa.imd_rank,
    ref_lsoa.core20,
    ref_lsoa.population,
    ref_lsoa_boundary.geometry_json,
    ref_lsoa_boundary.label_lon,
    ref_lsoa_boundary.label_lat
from ref_lsoa
inner join ref_lsoa_boundary using (lsoa21cd)
where ref_lsoa.preset = $preset and ($place is null or ref_lsoa.place = $place)
order by ref_lsoa.imd_rank
