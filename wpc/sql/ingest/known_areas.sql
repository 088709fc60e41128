-- grain: one row per wanted (preset, area code) that is an LSOA, MSOA or district of that
-- preset's places (an activity's target_areas, docs/data-standard.md).
-- inputs: wanted_areas (registered table: preset, code), ref_lsoa
with areas as (
    select distinct preset, lsoa21cd as code from ref_lsoa where preset is not null
    union
    select distinct preset, msoa21cd as code from ref_lsoa where preset is not null
    union
    select distinct preset, lad24cd as code from ref_lsoa where preset is not null
)

select distinct wanted_areas.preset, wanted_areas.code
from wanted_areas
inner join areas using (preset, code)
