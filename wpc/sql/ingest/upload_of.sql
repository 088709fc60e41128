-- grain: the one upload $upload_id, if made by $uploaded_by when that is given (people whose
-- access covers only their own uploads).
-- inputs: uploads
select upload_id, kind, file_name, rows_quarantined
from uploads
where upload_id = $upload_id
    and ($uploaded_by is null or lower(uploaded_by) = lower($uploaded_by))
