-- grain: one row per engagement cycle stage recorded (null = not recorded): the scope's activities in the period.
-- inputs: int_scope_activities
select cycle_stage as stage, count(*) as activities
from int_scope_activities
where in_place and in_period
group by cycle_stage
order by cycle_stage
