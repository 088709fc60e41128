-- grain: one row per upload of synthetic demo data (source 'demo').
-- inputs: uploads
select upload_id from uploads where source = 'demo' order by upload_id
