-- Reasons of the quarantined rows of the preset's demo uploads.
delete from quarantine_reasons
where upload_id in (select upload_id from uploads where source = 'demo' and file_name like $file_prefix || '%')
