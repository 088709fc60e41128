-- grain: one row per upload of this preset's demo files.
-- inputs: uploads
select upload_id, kind, file_sha256
from uploads
where source = 'demo' and file_name like $file_prefix || '%'
order by upload_id
