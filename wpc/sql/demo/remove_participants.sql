-- Demo participants of the preset: those of its demo activities.
delete from participants
where activity_id in (
    select activity_id from activities
    where preset = $preset
      and upload_id in (select upload_id from uploads where source = 'demo' and file_name like $file_prefix || '%')
)
