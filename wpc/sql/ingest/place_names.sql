-- grain: one row per name an activity's place may be given as: each registered preset's
-- place names, and the names and codes of the districts in them, with the canonical place.
-- inputs: ref_place, ref_lsoa
with districts as (
    select distinct lad24cd, lad24nm
    from ref_lsoa
),

names as (
    select preset, place, place as name from ref_place
    union
    select ref_place.preset, ref_place.place, districts.lad24nm as name
    from ref_place
    inner join districts using (lad24cd)
    union
    select preset, place, lad24cd as name from ref_place
)

select preset, place, name
from names
order by preset, place, name
