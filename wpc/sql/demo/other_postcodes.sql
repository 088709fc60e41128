-- grain: up to 2,000 live postcodes outside the preset (homes of out-of-area demo participants),
-- chosen by a fixed hash so the demo is reproducible.
-- inputs: ref_postcode_lsoa, ref_lsoa
select ref_postcode_lsoa.postcode_key
from ref_postcode_lsoa
inner join ref_lsoa using (lsoa21cd)
where coalesce(ref_lsoa.preset, '') <> $preset and ref_postcode_lsoa.live
order by md5(ref_postcode_lsoa.postcode_key)
limit 2000
