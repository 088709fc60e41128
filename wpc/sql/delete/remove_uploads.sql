-- Every row the named uploads stored, in every engagement table, and their audit rows.
-- Rows of other uploads that belong to a removed activity go too (participants, returns and
-- insights of an activity that no longer exists). Statements run in this order, in one transaction.
-- inputs: wanted_uploads (registered ids)
create or replace temporary table removed_activities as
select activity_id from activities where upload_id in (select upload_id from wanted_uploads);
delete from participants
where upload_id in (select upload_id from wanted_uploads)
   or activity_id in (select activity_id from removed_activities);
delete from returns
where upload_id in (select upload_id from wanted_uploads)
   or activity_id in (select activity_id from removed_activities);
delete from insights
where upload_id in (select upload_id from wanted_uploads)
   or activity_id in (select activity_id from removed_activities);
delete from activities where activity_id in (select activity_id from removed_activities);
delete from quarantine where upload_id in (select upload_id from wanted_uploads);
delete from quarantine_reasons where upload_id in (select upload_id from wanted_uploads);
-- Row hashes of participant rows no longer stored (the uploads' own, and those of removed activities).
delete from participant_row_hashes
where not exists (
    select 1 from participants
    where participants.upload_id = participant_row_hashes.upload_id
      and participants.source_line = participant_row_hashes.source_line
);
delete from uploads where upload_id in (select upload_id from wanted_uploads);
drop table removed_activities;
