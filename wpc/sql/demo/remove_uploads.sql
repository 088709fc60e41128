-- The audit rows of the preset's demo uploads (run last: the deletes above find rows through them).
delete from uploads
where source = 'demo' and file_name like $file_prefix || '%'
