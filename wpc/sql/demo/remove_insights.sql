-- Demo insights of the preset.
delete from insights
where upload_id in (select upload_id from uploads where source = 'demo' and file_name like $file_prefix || '%')
