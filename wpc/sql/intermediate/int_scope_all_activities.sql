-- grain: one row per activity of the scope's ICS that passes the activity filters (programme,
-- clinical area, method, organisation, target group), whatever its status (held, planned or
-- cancelled), flagged for the scope's place, the period and the fatigue window. Only held
-- activities count in measures (int_scope_activities keeps those); plans and overlaps read
-- the planned ones here. An ICS-wide activity (place 'ICS-wide') is in no place of the ICS:
-- in_place only when the scope is the whole ICS.
-- inputs: activities
create or replace temp table int_scope_all_activities as
select
    *,
    ($place is null or place = $place) as in_place,
    ($date_from is null or start_date >= $date_from)
        and ($date_to is null or start_date <= $date_to) as in_period,
    start_date between $window_start and $window_end as in_window
from activities
where preset = $preset
  and ($programme is null or lower(trim(programme)) = lower($programme))
  and ($organisation is null or lower(trim(organisation)) = lower($organisation))
  and ($method is null or lower(method) = lower($method))
  and ($clinical_area is null or list_contains(clinical_areas, $clinical_area))
  and ($target_group is null or list_contains(target_groups, $target_group))
