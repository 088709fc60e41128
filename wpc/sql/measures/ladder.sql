-- grain: one row per ladder rung recorded (null = not recorded): the scope's activities in the period.
-- inputs: int_scope_activities
select ladder_rung as rung, count(*) as activities
from int_scope_activities
where in_place and in_period
group by ladder_rung
order by ladder_rung
