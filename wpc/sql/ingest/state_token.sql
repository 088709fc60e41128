-- grain: one row saying how far the uploads audit has got; it changes whenever any upload
-- is committed, deleted or demo data replaced, so a file checked earlier can be re-checked.
-- inputs: uploads, meta
select
    greatest(
        coalesce((select cast(value as bigint) from meta where key = 'last_upload_id'), 0),
        coalesce(max(upload_id), 0)
    ) as last_upload,
    count(*) as uploads
from uploads
