-- grain: one row recording an upload (the audit of docs/data-standard.md, What ingest does).
insert into uploads (
    upload_id, uploaded_at, kind, file_name, file_sha256, rows_read, rows_stored, rows_quarantined,
    source, uploaded_by, rows_hash, identifiers_removed, identifiers_note
)
values (
    $upload_id, $uploaded_at, $kind, $file_name, $sha256, $rows_read, $rows_stored, $rows_quarantined,
    $source, $uploaded_by, $rows_hash, $identifiers_removed, $identifiers_note
)
