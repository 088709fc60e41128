-- grain: the earliest upload of a file with this content and kind, if any.
-- inputs: uploads
select upload_id, uploaded_at, file_name, rows_read, rows_stored, rows_quarantined, source
from uploads
where file_sha256 = $sha256 and kind = $kind
order by upload_id
limit 1
