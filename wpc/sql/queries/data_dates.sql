-- grain: one row; inputs: uploads, activities.
-- How recent the engagement data are, for the title of a pack: the day of the latest
-- upload of any kind, and the latest start date of an activity held in the preset; and the
-- first, so a trend can tell the quarters the data cover only partly.
select
    (select max(uploaded_at) from uploads)::date as latest_upload,
    (select min(start_date) from activities where preset = $preset and coalesce(status, 'held') = 'held')
        as first_activity,
    (select max(start_date) from activities where preset = $preset and coalesce(status, 'held') = 'held')
        as latest_activity
