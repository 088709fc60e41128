-- grain: one row per activity x dimension x category in the upload; a stored one is replaced.
-- inputs: staged_returns
insert or replace into returns (activity_id, dimension, category, count, upload_id)
select activity_id, dimension, category, cast(count as integer), $upload_id
from staged_returns
