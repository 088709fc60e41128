-- grain: one row: the participant counts of docs/methods.md section 1 for the scope's period.
-- total = living in the scope + those of the scope's activities whose home is unknown or
-- outside the ICS; known_area = living in the scope; out_of_area = those of the scope's
-- activities living outside the ICS; unknown_home = those of the scope's activities whose
-- home is unknown, split by where their count came from (individual rows with no usable home
-- area, people in aggregated returns not placed in an LSOA, headcount-only activities).
-- People living in another place of the ICS count in that place.
-- inputs: int_scope_homes, int_scope_activities
select
    coalesce(sum(participants) filter (where home = 'scope' or (in_place and home in ('unknown', 'out'))), 0)
        as total,
    coalesce(sum(participants) filter (where home = 'scope'), 0) as known_area,
    coalesce(sum(participants) filter (where in_place and home = 'out'), 0) as out_of_area,
    coalesce(sum(participants) filter (where in_place and home = 'unknown'), 0) as unknown_home,
    coalesce(sum(participants) filter (where in_place and home = 'unknown' and source = 'individual'), 0)
        as unknown_home_rows,
    coalesce(sum(participants) filter (where in_place and home = 'unknown' and source = 'returns'), 0)
        as unknown_home_returns,
    coalesce(sum(participants) filter (where in_place and home = 'unknown' and source = 'headcount'), 0)
        as unknown_home_headcount
from int_scope_homes
inner join (select activity_id, source from int_scope_activities) as acts using (activity_id)
where in_period
