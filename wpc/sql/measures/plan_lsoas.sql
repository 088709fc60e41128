-- grain: one row per planned activity x LSOA it could reach: the LSOAs of its target areas (an
-- LSOA, the LSOAs of an MSOA or of a district), else every LSOA of its place (of the ICS, for
-- an ICS-wide plan).
-- inputs: plans (registered: activity_id, place, target_areas), ref_lsoa
select distinct
    plans.activity_id,
    ref_lsoa.lsoa21cd,
    ref_lsoa.msoa21cd,
    ref_lsoa.msoa21nm,
    ref_lsoa.place,
    ref_lsoa.population
from plans
inner join ref_lsoa
    on ref_lsoa.preset = $preset
   and (
       (len(plans.target_areas) = 0 and (plans.place = ref_lsoa.place or plans.place = $ics_wide))
       or list_contains(plans.target_areas, ref_lsoa.lsoa21cd)
       or list_contains(plans.target_areas, ref_lsoa.msoa21cd)
       or list_contains(plans.target_areas, ref_lsoa.lad24cd)
   )
order by plans.activity_id, ref_lsoa.lsoa21cd
