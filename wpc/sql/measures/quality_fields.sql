-- grain: one row: the individual participant rows of the scope's activities in the period,
-- how many are unknown on each field, and postcodes that were invalid or not found (docs/methods.md section 9).
-- inputs: int_scope_activities, int_scope_participants
with rows as (
    select *
    from int_scope_participants
    where activity_id in (
        select activity_id
        from int_scope_activities
        where in_place and in_period and source = 'individual'
    )
)

select
    count(*) as participants,
    count(*) filter (where lsoa21cd is null) as home_area,
    count(*) filter (where age_band = 'unknown') as age_band,
    count(*) filter (where sex = 'unknown') as sex,
    count(*) filter (where gender_same_as_birth = 'unknown') as gender_same_as_birth,
    count(*) filter (where ethnicity = 'unknown') as ethnicity,
    count(*) filter (where disability = 'unknown') as disability,
    count(*) filter (where carer = 'unknown') as carer,
    count(*) filter (where religion = 'unknown') as religion,
    count(*) filter (where sexual_orientation = 'unknown') as sexual_orientation,
    count(*) filter (where pregnant_or_recent_birth = 'unknown') as pregnant_or_recent_birth,
    count(*) filter (
        where len(list_filter(coalesce(inclusion_groups, []), lambda g: g <> 'unknown')) = 0
    ) as inclusion_groups,
    count(*) filter (where home_area_status = 'invalid_postcode') as invalid_postcodes,
    count(*) filter (where home_area_status = 'unmapped_postcode') as unmapped_postcodes
from rows
