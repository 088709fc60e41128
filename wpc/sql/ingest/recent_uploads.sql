-- grain: one row per upload, newest first (the audit shown on the Upload page); only those
-- made by $uploaded_by when it is given (people whose access covers only some places).
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
where $uploaded_by is null or lower(uploaded_by) = lower($uploaded_by)
order by upload_id desc
limit $limit
