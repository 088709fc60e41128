-- grain: one new upload id, allocated inside the upload's transaction: one more than any id
-- issued before (meta's last_upload_id; the uploads audit for databases built before it was
-- kept), so an id is never issued twice, even after its upload is deleted. Two uploads at once
-- on a DuckLake would read the same value, but both also change meta's write_serial, so the
-- second to commit is refused and retried (ingest/claim_write).
select greatest(
    coalesce((select cast(value as bigint) from meta where key = 'last_upload_id'), 0),
    coalesce((select max(upload_id) from uploads), 0)
) + 1 as upload_id
