-- grain: one row per place an activity was held in x field: individual participant rows of the
-- whole ICS's activities in the period that are unknown on the field, invalid postcodes and
-- postcodes not found (docs/methods.md section 9, the counts data quality shows), with their record keys.
-- inputs: int_scope_participants, int_scope_activities (both built for the whole ICS)
with rows as (
    select acts.place, rows.*
    from int_scope_participants as rows
    inner join int_scope_activities as acts using (activity_id)
    where acts.in_place and acts.in_period and acts.source = 'individual'
),

combinations as (
    -- the rows by place and every flag at once (a few hundred combinations), so that the
    -- unpivot below turns those, not every row, into one row per field
    select
        place,
        home_area, age_band, sex, gender_same_as_birth, ethnicity, disability, carer, religion,
        sexual_orientation, pregnant_or_recent_birth, inclusion_groups, invalid_postcodes, unmapped_postcodes,
        count(*) as participants,
        sum(record_key) as key_sum
    from (
        select
            place,
            record_key,
            lsoa21cd is null as home_area,
            age_band = 'unknown' as age_band,
            sex = 'unknown' as sex,
            gender_same_as_birth = 'unknown' as gender_same_as_birth,
            ethnicity = 'unknown' as ethnicity,
            disability = 'unknown' as disability,
            carer = 'unknown' as carer,
            religion = 'unknown' as religion,
            sexual_orientation = 'unknown' as sexual_orientation,
            pregnant_or_recent_birth = 'unknown' as pregnant_or_recent_birth,
            len(list_filter(coalesce(inclusion_groups, []), lambda g: g <> 'unknown')) = 0 as inclusion_groups,
            home_area_status = 'invalid_postcode' as invalid_postcodes,
            home_area_status = 'unmapped_postcode' as unmapped_postcodes
        from rows
    )
    group by all
),

flagged as (
    unpivot combinations
    on home_area, age_band, sex, gender_same_as_birth, ethnicity, disability, carer, religion,
        sexual_orientation, pregnant_or_recent_birth, inclusion_groups, invalid_postcodes, unmapped_postcodes
    into name field value flag
)

select place, field, sum(participants)::bigint as participants, sum(key_sum)::bigint as key_sum
from flagged
where flag
group by all
-- a fixed order: the family's cells come in this order, and complementary suppression breaks ties by it
order by place, field
