-- Every write moves on this one row of meta, just before it commits: on a DuckLake two writes
-- at once then both change the same row, so the second to commit conflicts and is refused
-- whole (first committer wins). Lakes only: on the embedded file writers take turns at the gate.
merge into meta
using (select 'write_serial' as key) as claim
on meta.key = claim.key
when matched then update set value = cast(cast(meta.value as bigint) + 1 as varchar)
when not matched then insert (key, value) values ('write_serial', '1')
