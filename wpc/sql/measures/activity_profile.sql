-- grain: one row per dimension x category ('unknown' included) with participants > 0: the
-- participants of one activity, wherever they live. From its individual rows if it has any
-- (any returns are then ignored, as in int_scope_activities); else from its aggregated
-- returns, the rest of its headcount being 'unknown' on each dimension; else its headcount,
-- all 'unknown'. Dimensions: imd_quintile (national, from the home LSOA; a return's quintiles
-- when it gives no LSOAs), ethnicity_group, age_band, sex, disability, carer, inclusion_group
-- (multi-valued, as in int_scope_dimension_counts), and home: place (the activity's place),
-- ics (another place of its ICS), out (outside the ICS or England), unknown.
-- key_sum: the record keys counted (disclosure control; a return's row, or the activity
-- standing for the rest of its headcount, counts as one record).
-- inputs: activities, participants, returns, ref_lsoa, vocab_ethnicity
with activity as (
    select activity_id, preset, place, participants_total, record_key
    from activities
    where activity_id = $activity_id
      and preset = $preset
),

people as (
    select
        participants.*,
        cast(ref_lsoa.imd_quintile as varchar) as home_quintile,
        case
            when participants.lsoa21cd is null then 'unknown'
            when ref_lsoa.lsoa21cd is null then 'out'
            when ref_lsoa.preset = activity.preset and ref_lsoa.place = activity.place then 'place'
            when ref_lsoa.preset = activity.preset then 'ics'
            else 'out'
        end as home
    from participants
    inner join activity using (activity_id)
    left join ref_lsoa on ref_lsoa.lsoa21cd = participants.lsoa21cd
),

individual_values as (
    select
        coalesce(people.home_quintile, 'unknown') as imd_quintile,
        coalesce(vocab_ethnicity.ethnicity_group, people.ethnicity) as ethnicity_group,
        people.age_band,
        people.sex,
        people.disability,
        people.carer,
        people.home,
        people.record_key
    from people
    left join vocab_ethnicity using (ethnicity)
),

individual as (
    select dimension, category, count(*) as participants, sum(record_key) as key_sum
    from (
        unpivot individual_values
        on imd_quintile, ethnicity_group, age_band, sex, disability, carer, home
        into name dimension value category
    )
    group by all
),

individual_inclusion as (
    select 'inclusion_group' as dimension, category, count(*) as participants, sum(record_key) as key_sum
    from (
        select record_key, unnest(list_filter(inclusion_groups, lambda g: g not in ('none', 'unknown'))) as category
        from people
    )
    group by all
    union all
    select 'inclusion_group' as dimension, 'unknown' as category, count(*) as participants,
        sum(record_key) as key_sum
    from people
    where len(list_filter(coalesce(inclusion_groups, []), lambda g: g <> 'unknown')) = 0
),

returned as (
    -- returns count only for an activity without individual rows
    select returns.dimension, returns.category, returns.count, returns.record_key
    from returns
    inner join activity using (activity_id)
    where not exists (select 1 from people)
),

headcount as (
    select greatest(
        coalesce((select max(total) from (select sum(count) as total from returned group by dimension)), 0),
        coalesce(activity.participants_total, 0)
    ) as headcount,
    activity.record_key
    from activity
    where not exists (select 1 from people)
),

returned_lsoas as (
    select category as lsoa21cd, sum(count) as participants, sum(record_key) as key_sum
    from returned
    where dimension = 'lsoa_code' and category <> 'unknown'
    group by all
),

returned_known as (
    select dimension, category, sum(count) as participants, sum(record_key) as key_sum
    from returned
    where category <> 'unknown'
      and dimension in ('ethnicity_group', 'age_band', 'sex', 'disability', 'carer', 'inclusion_group')
    group by all
    union all
    -- the 5 groups from the 19 categories, for returns that gave only the 19
    select
        'ethnicity_group' as dimension,
        coalesce(vocab_ethnicity.ethnicity_group, returned.category) as category,
        sum(returned.count) as participants,
        sum(returned.record_key) as key_sum
    from returned
    left join vocab_ethnicity on vocab_ethnicity.ethnicity = returned.category
    where returned.dimension = 'ethnicity'
      and returned.category <> 'unknown'
      and not exists (select 1 from returned where dimension = 'ethnicity_group')
    group by all
    union all
    -- deprivation from the home LSOAs returned (an LSOA outside England stays unknown) ...
    select 'imd_quintile' as dimension, cast(ref_lsoa.imd_quintile as varchar) as category,
        sum(returned_lsoas.participants) as participants, sum(returned_lsoas.key_sum) as key_sum
    from returned_lsoas
    inner join ref_lsoa using (lsoa21cd)
    group by all
    union all
    -- ... else from the quintiles returned
    select 'imd_quintile' as dimension, category, sum(count) as participants, sum(record_key) as key_sum
    from returned
    where dimension = 'imd_quintile'
      and category <> 'unknown'
      and not exists (select 1 from returned where dimension = 'lsoa_code')
    group by all
    union all
    select
        'home' as dimension,
        case
            when ref_lsoa.lsoa21cd is null then 'out'
            when ref_lsoa.preset = activity.preset and ref_lsoa.place = activity.place then 'place'
            when ref_lsoa.preset = activity.preset then 'ics'
            else 'out'
        end as category,
        sum(returned_lsoas.participants) as participants,
        sum(returned_lsoas.key_sum) as key_sum
    from returned_lsoas
    cross join activity
    left join ref_lsoa using (lsoa21cd)
    group by all
),

returned_unknown as (
    select
        dimensions.dimension,
        'unknown' as category,
        greatest(headcount.headcount - coalesce(known.participants, 0), 0) as participants,
        headcount.record_key as key_sum
    from headcount
    cross join (
        values ('imd_quintile'), ('ethnicity_group'), ('age_band'), ('sex'), ('disability'), ('carer'),
            ('inclusion_group'), ('home')
    ) as dimensions(dimension)
    left join (
        select dimension, sum(participants) as participants from returned_known group by dimension
    ) as known using (dimension)
),

everything as (
    select dimension, category, participants, key_sum from individual
    union all
    select dimension, category, participants, key_sum from individual_inclusion
    union all
    select dimension, category, participants, key_sum from returned_known
    union all
    select dimension, category, participants, key_sum from returned_unknown
)

select dimension, category, sum(participants)::bigint as participants, sum(key_sum)::bigint as key_sum
from everything
group by all
having sum(participants) > 0
order by all
