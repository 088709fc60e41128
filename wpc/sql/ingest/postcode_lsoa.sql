-- grain: one row per wanted postcode key found in the lookup.
-- inputs: wanted_postcodes (registered frame: postcode_key), ref_postcode_lsoa
select
    wanted_postcodes.postcode_key,
    ref_postcode_lsoa.lsoa21cd
from wanted_postcodes
inner join ref_postcode_lsoa using (postcode_key)
