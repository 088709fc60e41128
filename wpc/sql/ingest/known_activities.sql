-- grain: one row per stored activity whose id is wanted, or whose id matches a wanted id
-- ignoring case (to suggest the right spelling).
-- inputs: wanted_activities (registered frame: activity_id), activities
select
    wanted_activities.activity_id as wanted_id,
    activities.activity_id,
    activities.preset,
    activities.place
from wanted_activities
inner join activities
    on lower(activities.activity_id) = lower(wanted_activities.activity_id)
