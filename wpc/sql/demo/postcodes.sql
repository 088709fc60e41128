-- grain: one row per live postcode in the preset's LSOAs (real postcodes for demo homes).
-- inputs: ref_postcode_lsoa, ref_lsoa
select ref_postcode_lsoa.postcode_key, ref_postcode_lsoa.lsoa21cd
from ref_postcode_lsoa
inner join ref_lsoa using (lsoa21cd)
where ref_lsoa.preset = $preset and ref_postcode_lsoa.live
order by ref_postcode_lsoa.postcode_key
