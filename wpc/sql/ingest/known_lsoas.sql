-- grain: one row per wanted LSOA code that is an English LSOA 2021.
-- inputs: wanted_lsoas (registered frame: lsoa21cd), ref_lsoa
select wanted_lsoas.lsoa21cd
from wanted_lsoas
inner join ref_lsoa using (lsoa21cd)
