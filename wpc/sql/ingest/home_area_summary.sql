-- grain: one row: how the home areas of the participants about to be stored were found,
-- and how many live outside the ICS of their activity.
-- inputs: staged_quality (registered frame: activity_id, lsoa21cd, home_area_status), ref_lsoa, activities
select
    count(*) as participants,
    count(*) filter (where staged_quality.home_area_status = 'mapped_postcode') as mapped_postcode,
    count(*) filter (where staged_quality.home_area_status = 'lsoa_code') as lsoa_code,
    count(*) filter (where staged_quality.home_area_status = 'unmapped_postcode') as unmapped_postcode,
    count(*) filter (where staged_quality.home_area_status = 'invalid_postcode') as invalid_postcode,
    count(*) filter (where staged_quality.home_area_status = 'not_given') as not_given,
    count(*) filter (
        where staged_quality.lsoa21cd is not null
          and (ref_lsoa.preset is null or ref_lsoa.preset <> activities.preset)
    ) as outside_ics
from staged_quality
-- casts: a frame whose column holds only blanks is registered as integers, not text
left join ref_lsoa on ref_lsoa.lsoa21cd = cast(staged_quality.lsoa21cd as varchar)
left join activities on activities.activity_id = cast(staged_quality.activity_id as varchar)
