-- grain: one row per upload named: what deleting it would remove.
-- inputs: uploads, activities, participants, returns, insights, quarantine; wanted_uploads (registered ids)
select
    u.upload_id,
    u.kind,
    u.file_name,
    u.uploaded_at,
    u.source,
    (select count(*) from activities a where a.upload_id = u.upload_id) as activities,
    (select count(*) from participants p
        where p.upload_id = u.upload_id
           or p.activity_id in (select activity_id from activities a where a.upload_id = u.upload_id)) as participants,
    (select count(*) from returns r
        where r.upload_id = u.upload_id
           or r.activity_id in (select activity_id from activities a where a.upload_id = u.upload_id)) as returns,
    (select count(*) from insights i
        where i.upload_id = u.upload_id
           or i.activity_id in (select activity_id from activities a where a.upload_id = u.upload_id)) as insights,
    (select count(*) from quarantine q where q.upload_id = u.upload_id) as quarantine
from uploads u
where u.upload_id in (select upload_id from wanted_uploads)
order by u.upload_id
