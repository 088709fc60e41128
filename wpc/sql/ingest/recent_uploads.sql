-- grain: one row per upload, newest first (the audit shown on the Upload page).
-- inputs: uploads
select
    upload_id,
    uploaded_at,
    kind,
    file_name,
    rows_read,
    rows_stored,
    rows_quarantined,
    source
from uploads
order by upload_id desc
limit $limit
