-- grain: one row: the scope's activities in the period by where their participants come
-- from, and the activities whose figures disagree (docs/methods.md section 9).
-- inputs: quality_scope_activities
select
    count(*) as activities,
    count(*) filter (where source = 'individual' and individual_rows > 0) as with_individual_rows,
    count(*) filter (where source = 'returns') as with_returns_only,
    count(*) filter (where source = 'headcount') as headcount_only,
    count(*) filter (where source = 'individual' and individual_rows = 0) as without_participants,
    count(*) filter (where source = 'headcount' or (source = 'individual' and individual_rows = 0))
        as without_equality_monitoring,
    coalesce(sum(individual_rows) filter (where source = 'individual'), 0)::bigint as participants_individual,
    coalesce(sum(headcount) filter (where source = 'returns'), 0)::bigint as participants_returns,
    coalesce(sum(headcount) filter (where source = 'headcount'), 0)::bigint as participants_headcount,
    count(*) filter (where headcount_mismatch) as headcount_mismatches,
    count(*) filter (where return_mismatch) as return_mismatches,
    count(*) filter (where returns_ignored) as returns_ignored
from quality_scope_activities
