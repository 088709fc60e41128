-- Demo activities of the preset.
delete from activities
where preset = $preset
  and upload_id in (select upload_id from uploads where source = 'demo' and file_name like $file_prefix || '%')
