-- grain: one row per key stored more than once: what the store's keys forbid. The store keeps
-- no key constraints (a DuckLake has none), so every upload checks, inside its transaction,
-- the keys it touched ($upload_id), and tests check every key ($upload_id null).
-- inputs: activities, returns, insights, participants, uploads, meta
with touched_activities as (
    select activity_id from activities where $upload_id is null or upload_id = $upload_id
),

touched_returns as (
    select activity_id, dimension, category from returns where $upload_id is null or upload_id = $upload_id
),

touched_insights as (
    select insight_id from insights where $upload_id is null or upload_id = $upload_id
),

touched_people as (
    select distinct activity_id, participant_hash
    from participants
    where participant_hash is not null and ($upload_id is null or upload_id = $upload_id)
)

select 'activities' as table_name, activity_id as key, count(*) as copies
from activities
where activity_id in (select activity_id from touched_activities)
group by activity_id
having count(*) > 1

union all

select 'returns', returns.activity_id || ' / ' || returns.dimension || ' / ' || returns.category, count(*)
from returns
semi join touched_returns using (activity_id, dimension, category)
group by returns.activity_id, returns.dimension, returns.category
having count(*) > 1

union all

select 'insights', insight_id, count(*)
from insights
where insight_id in (select insight_id from touched_insights)
group by insight_id
having count(*) > 1

union all

select 'participants (upload, line)', cast(upload_id as varchar) || ' / ' || cast(source_line as varchar), count(*)
from participants
where $upload_id is null or upload_id = $upload_id
group by upload_id, source_line
having count(*) > 1

union all

select 'participants (activity, person)', participants.activity_id || ' / ' || participants.participant_hash, count(*)
from participants
semi join touched_people using (activity_id, participant_hash)
group by participants.activity_id, participants.participant_hash
having count(*) > 1

union all

select 'uploads', cast(upload_id as varchar), count(*)
from uploads
where $upload_id is null or upload_id = $upload_id
group by upload_id
having count(*) > 1

union all

select 'meta', key, count(*)
from meta
group by key
having count(*) > 1
