-- grain: one row per stored insight whose id is wanted, with the ICS and place it belongs to
-- (to keep an upload from changing another place's insight).
-- inputs: wanted_insights (registered frame: insight_id), insights
select
    insights.insight_id,
    insights.preset,
    insights.place
from wanted_insights
inner join insights using (insight_id)
