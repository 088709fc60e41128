-- grain: one row per quarter (of activity start date) x place counted in x dimension x category
-- x source: participants of the reach population (docs/methods.md section 2) in the period, i.e. those living
-- in the scope and those of the scope's activities whose home is unknown (people living outside
-- the scope are left out). Unknown and "prefer not to say" are the category 'unknown', never dropped.
-- Individual rows give every dimension; an aggregated return gives the dimensions it has
-- (the rest of its headcount is 'unknown') and counts in the place the activity was held;
-- a headcount-only activity is 'unknown' on every dimension. imd_quintile comes from
-- int_scope_homes (home LSOA, or a return's quintile).
-- inclusion_group is multi-valued: a person counts once in each group they name, and is
-- 'unknown' when they name none.
-- For disclosure control (docs/disclosure.md): count_place is the place a person counts in
-- (their home's place if they live in the scope, else the activity's); key_sum the sum of the
-- record keys counted; source is 'individual' (rows), 'returns_linked' (returns or headcounts
-- with no group figures of their own, whose ethnic groups are sums of the 19 categories of the
-- same people, as for individual rows) or 'returns' (returns that gave their own group figures).
-- inputs: int_scope_activities, int_scope_homes, int_scope_participants, int_scope_lsoas, returns,
-- vocab_ethnicity
create or replace temp table int_scope_dimension_counts as
with acts as (
    select activity_id, in_place, source, headcount, quarter, place, record_key
    from int_scope_activities
    where in_period
),

people as (
    -- the individual rows of the reach population, counted by every answer they give at once
    -- (one pass over the rows; every count below sums these)
    select
        acts.quarter,
        coalesce(homes.place, acts.place) as count_place,
        rows.ethnicity,
        rows.age_band,
        rows.sex,
        rows.disability,
        rows.carer,
        rows.inclusion_groups,
        count(*) as participants,
        sum(rows.record_key) as key_sum
    from int_scope_participants as rows
    inner join acts using (activity_id)
    left join int_scope_lsoas as homes on rows.lives_in_scope and homes.lsoa21cd = rows.lsoa21cd
    where acts.source = 'individual'
      and (rows.lives_in_scope or (acts.in_place and rows.lsoa21cd is null))
    group by all
),

combinations as (
    select quarter, count_place, ethnicity, age_band, sex, disability, carer,
        sum(participants) as participants, sum(key_sum) as key_sum
    from people
    group by all
),

individual_categories as (
    select quarter, count_place, dimension, category, sum(participants) as participants, sum(key_sum) as key_sum
    from (
        unpivot combinations
        on ethnicity, age_band, sex, disability, carer
        into name dimension value category
    )
    group by all
),

individual_ethnic_groups as (
    select
        combinations.quarter,
        combinations.count_place,
        'ethnicity_group' as dimension,
        coalesce(vocab_ethnicity.ethnicity_group, combinations.ethnicity) as category,
        sum(combinations.participants) as participants,
        sum(combinations.key_sum) as key_sum
    from combinations
    left join vocab_ethnicity using (ethnicity)
    group by all
),

individual_inclusion as (
    select quarter, count_place, 'inclusion_group' as dimension, category,
        sum(participants) as participants, sum(key_sum) as key_sum
    from (
        select
            quarter,
            count_place,
            participants,
            key_sum,
            unnest(list_filter(inclusion_groups, lambda g: g not in ('none', 'unknown'))) as category
        from people
    )
    group by all
    union all
    select quarter, count_place, 'inclusion_group' as dimension, 'unknown' as category,
        sum(participants) as participants, sum(key_sum) as key_sum
    from people
    where len(list_filter(coalesce(inclusion_groups, []), lambda g: g <> 'unknown')) = 0
    group by all
),

return_acts as (
    select *
    from acts
    where in_place and source in ('returns', 'headcount')
),

returned as (
    select acts.quarter, acts.place as count_place, returns.activity_id, returns.dimension, returns.category,
        returns.count as participants, returns.record_key as key_sum
    from returns
    inner join return_acts as acts using (activity_id)
    where acts.source = 'returns'
      and returns.category <> 'unknown'
      and returns.dimension in ('ethnicity', 'ethnicity_group', 'age_band', 'sex', 'disability', 'carer', 'inclusion_group')
),

gave_groups as (
    select distinct activity_id from returned where dimension = 'ethnicity_group'
),

returned_ethnic_groups as (
    -- the 5 groups from the 19 categories, for returns that gave only the 19
    select
        returned.quarter,
        returned.count_place,
        returned.activity_id,
        'ethnicity_group' as dimension,
        coalesce(vocab_ethnicity.ethnicity_group, returned.category) as category,
        returned.participants,
        returned.key_sum
    from returned
    left join vocab_ethnicity on vocab_ethnicity.ethnicity = returned.category
    where returned.dimension = 'ethnicity'
      and returned.activity_id not in (select activity_id from gave_groups)
),

returned_known as (
    select * from returned
    union all by name
    select * from returned_ethnic_groups
),

returned_unknown as (
    select
        acts.quarter,
        acts.place as count_place,
        acts.activity_id,
        dimensions.dimension,
        'unknown' as category,
        greatest(acts.headcount - coalesce(known.participants, 0), 0) as participants,
        acts.record_key as key_sum
    from return_acts as acts
    cross join (
        values ('ethnicity'), ('ethnicity_group'), ('age_band'), ('sex'), ('disability'), ('carer'), ('inclusion_group')
    ) as dimensions(dimension)
    left join (
        select activity_id, dimension, sum(participants) as participants
        from returned_known
        group by all
    ) as known
        on known.activity_id = acts.activity_id and known.dimension = dimensions.dimension
),

deprivation as (
    select
        acts.quarter,
        case when homes.home = 'scope' then lsoas.place else acts.place end as count_place,
        'imd_quintile' as dimension,
        coalesce(homes.imd_quintile, 'unknown') as category,
        sum(homes.participants) as participants,
        sum(homes.key_sum) as key_sum
    from int_scope_homes as homes
    inner join acts using (activity_id)
    left join int_scope_lsoas as lsoas on lsoas.lsoa21cd = homes.home_lsoa
    where homes.home = 'scope' or (homes.home = 'unknown' and homes.in_place)
    group by all
),

everything as (
    select quarter, count_place, dimension, category, 'individual' as source, participants, key_sum
    from individual_categories
    union all
    select quarter, count_place, dimension, category, 'individual', participants, key_sum
    from individual_ethnic_groups
    union all
    select quarter, count_place, dimension, category, 'individual', participants, key_sum
    from individual_inclusion
    union all
    select quarter, count_place, dimension, category,
        case when activity_id in (select activity_id from gave_groups) then 'returns' else 'returns_linked' end,
        participants, key_sum
    from returned_known
    union all
    select quarter, count_place, dimension, category,
        case when activity_id in (select activity_id from gave_groups) then 'returns' else 'returns_linked' end,
        participants, key_sum
    from returned_unknown
    union all
    select quarter, count_place, dimension, category, 'individual', participants, key_sum
    from deprivation
)

select
    quarter,
    count_place,
    dimension,
    category,
    source,
    sum(participants)::bigint as participants,
    sum(key_sum)::bigint as key_sum
from everything
group by all
having sum(participants) > 0
