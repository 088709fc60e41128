-- grain: one row per LSOA of the preset: where demo participants can live.
-- inputs: ref_lsoa
select lsoa21cd, msoa21cd, place, lad24nm, imd_quintile, population, coalesce(urban_rural, 'Urban') as urban_rural
from ref_lsoa
where preset = $preset
order by lsoa21cd
