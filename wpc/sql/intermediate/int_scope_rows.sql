-- grain: one row per individual participant row a measure of the scope may read, narrow: its
-- rowid in participants, activity, home LSOA, record key (disclosure control), and lives_in_scope (the home LSOA is one of
-- the scope's). The rows are those of the ICS's activities of people living in the scope or
-- at an activity held in it, and every row of the ICS's activities that also have a headcount
-- or aggregated returns (whether such an activity has individual rows at all decides where its
-- participants come from).
-- The one scan of the participants table a scope makes, on two narrow columns: every other
-- scope table reads this (much smaller) one, or int_scope_participants, and applies the
-- period, window and activity filters itself.
-- inputs: activities, returns, participants, int_scope_lsoas
create or replace temp table int_scope_rows as
with ics_activities as (
    select
        activity_id,
        ($place is null or place = $place) as in_place,
        participants_total is not null as has_headcount
    from activities
    where preset = $preset
      and coalesce(status, 'held') = 'held'  -- a plan's or a cancelled activity's rows count nowhere
),

wanted as (
    select activity_id
    from ics_activities
    where in_place
       or has_headcount
       or activity_id in (select activity_id from returns)
),

homes as (
    select
        rowid as row_id,
        activity_id,
        lsoa21cd,
        record_key,
        coalesce(lsoa21cd in (select lsoa21cd from int_scope_lsoas), false) as lives_in_scope
    from participants
    where activity_id in (select activity_id from ics_activities)
)

select *
from homes
where lives_in_scope or activity_id in (select activity_id from wanted)
