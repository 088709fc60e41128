-- grain: one row: the scope's held ICS-wide activities in the period (place $ics_wide, counted
-- at ICS scope only), their participants living in the scope (counted in it, where they live),
-- with their record keys' sum (its cell key, docs/disclosure.md),
-- and the scope's planned and cancelled activities in the period, which no measure counts.
-- inputs: int_scope_activities, int_scope_homes, int_scope_all_activities
select
    (select count(*) from int_scope_activities where place = $ics_wide and in_period) as activities,
    (
        select coalesce(sum(participants), 0)
        from int_scope_homes
        where in_period
          and home = 'scope'
          and activity_id in (select activity_id from int_scope_activities where place = $ics_wide)
    ) as participants_living_here,
    (
        select coalesce(sum(key_sum), 0)
        from int_scope_homes
        where in_period
          and home = 'scope'
          and activity_id in (select activity_id from int_scope_activities where place = $ics_wide)
    ) as participants_key_sum,
    (
        select count(*) from int_scope_all_activities
        where status = 'planned' and in_period and (in_place or place = $ics_wide)
    ) as planned,
    (
        select count(*) from int_scope_all_activities
        where status = 'cancelled' and in_period and (in_place or place = $ics_wide)
    ) as cancelled
