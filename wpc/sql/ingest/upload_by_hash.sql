-- grain: the earliest upload of the same kind whose rows, as read, are the same as the file's
-- (the keyed hash of its normalised rows), or whose bytes are (uploads recorded before rows
-- were hashed).
-- inputs: uploads
select upload_id, uploaded_at, file_name, rows_read, rows_stored, rows_quarantined, source
from uploads
where kind = $kind and (rows_hash = $rows_hash or file_sha256 = $sha256)
order by upload_id
limit 1
