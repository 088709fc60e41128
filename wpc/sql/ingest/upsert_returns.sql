-- grain: one row per activity x dimension x category in the upload; a stored one is replaced
-- (MERGE: the form both stores accept; a DuckLake has no key constraints for INSERT OR REPLACE).
-- inputs: staged_returns
merge into returns
using (
    select activity_id, dimension, category, cast(count as integer) as count, $upload_id as upload_id
    from staged_returns
) as incoming
on returns.activity_id = incoming.activity_id
    and returns.dimension = incoming.dimension
    and returns.category = incoming.category
when matched then update by name
when not matched then insert by name
