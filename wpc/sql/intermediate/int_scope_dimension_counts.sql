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
-- plus_group and plus_group_known: for each of the preset's PLUS groups with a basis
-- (plus_group_basis, from vocab.PLUS_GROUP_BASIS: an answer, or the home area's rural/urban
-- class, and the values that put a person in the group), the people in it (by that answer, or
-- by naming the group) and the people whose answer is known or who named it. Returns count
-- through their age_band rows (age groups) and their LSOA rows (home area groups).
-- For disclosure control (docs/disclosure.md): count_place is the place a person counts in
-- (their home's place if they live in the scope, else the activity's); key_sum the sum of the
-- record keys counted; source is 'individual' (rows), 'returns_linked' (returns or headcounts
-- with no group figures of their own, whose ethnic groups are sums of the 19 categories of the
-- same people, as for individual rows) or 'returns' (returns that gave their own group figures).
-- inputs: int_scope_activities, int_scope_homes, int_scope_participants, int_scope_lsoas, returns,
-- vocab_ethnicity, plus_group_basis
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
        rows.sexual_orientation,
        rows.gender_same_as_birth,
        coalesce(homes.urban_rural, 'unknown') as home_area,
        count(*) as participants,
        sum(rows.record_key) as key_sum
    from int_scope_participants as rows
    inner join acts using (activity_id)
    -- an LSOA of int_scope_lsoas is exactly what lives_in_scope means, so the equality alone
    -- joins residents only (a hash join; a condition on lives_in_scope too made it a nested loop)
    left join int_scope_lsoas as homes on homes.lsoa21cd = rows.lsoa21cd
    where acts.source = 'individual'
      and (rows.lives_in_scope or (acts.in_place and rows.lsoa21cd is null))
    group by all
),

basis_groups as (
    select distinct plus_group, answer from plus_group_basis
),

people_numbered as (
    -- the people by the answers PLUS groups are judged on only (far fewer combinations)
    select
        row_number() over () as combo,
        quarter, count_place, age_band, home_area, sexual_orientation, gender_same_as_birth, inclusion_groups,
        participants, key_sum
    from (
        select quarter, count_place, age_band, home_area, sexual_orientation, gender_same_as_birth,
            inclusion_groups, sum(participants) as participants, sum(key_sum) as key_sum
        from people
        where exists (select 1 from basis_groups)
        group by all
    )
),

people_answers as (
    select combo, 'age_band' as answer, age_band as value from people_numbered
    union all
    select combo, 'home_area', home_area from people_numbered
    union all
    select combo, 'sexual_orientation', sexual_orientation from people_numbered
    union all
    select combo, 'gender_same_as_birth', gender_same_as_birth from people_numbered
),

people_judged as (
    -- per combination of answers x PLUS group with a basis: does an answer put them in it,
    -- is any of its answers known, did they name it
    select
        people_numbered.combo,
        people_numbered.quarter,
        people_numbered.count_place,
        people_numbered.participants,
        people_numbered.key_sum,
        basis_groups.plus_group,
        bool_or(coalesce(people_answers.value, 'unknown') <> 'unknown') as answered,
        bool_or(plus_group_basis.value is not null) as matched,
        list_contains(coalesce(any_value(people_numbered.inclusion_groups), []), basis_groups.plus_group) as named
    from people_numbered
    cross join basis_groups
    left join people_answers
        on people_answers.combo = people_numbered.combo and people_answers.answer = basis_groups.answer
    left join plus_group_basis
        on plus_group_basis.plus_group = basis_groups.plus_group
       and plus_group_basis.answer = basis_groups.answer
       and plus_group_basis.value = people_answers.value
    group by people_numbered.combo, people_numbered.quarter, people_numbered.count_place,
        people_numbered.participants, people_numbered.key_sum, basis_groups.plus_group
),

individual_plus as (
    select quarter, count_place, 'plus_group' as dimension, plus_group as category,
        sum(participants) as participants, sum(key_sum) as key_sum
    from people_judged
    where matched or named
    group by all
    union all
    select quarter, count_place, 'plus_group_known' as dimension, plus_group as category,
        sum(participants) as participants, sum(key_sum) as key_sum
    from people_judged
    where answered or named
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

returned_age_plus as (
    -- returns' age bands put their people in the age-based PLUS groups
    select
        returned.quarter,
        returned.count_place,
        basis_groups.plus_group,
        coalesce(sum(returned.participants) filter (where plus_group_basis.value is not null), 0) as in_group,
        sum(returned.participants) as known,
        coalesce(sum(returned.key_sum) filter (where plus_group_basis.value is not null), 0) as in_group_key_sum,
        sum(returned.key_sum) as known_key_sum
    from returned
    inner join basis_groups on basis_groups.answer = 'age_band' and returned.dimension = 'age_band'
    left join plus_group_basis
        on plus_group_basis.plus_group = basis_groups.plus_group
       and plus_group_basis.answer = 'age_band'
       and plus_group_basis.value = returned.category
    group by all
),

returned_home_plus as (
    -- returns' LSOA rows put their people living in the scope in the home-area PLUS groups
    select
        acts.quarter,
        lsoas.place as count_place,
        basis_groups.plus_group,
        coalesce(sum(homes.participants) filter (where plus_group_basis.value is not null), 0) as in_group,
        sum(homes.participants) as known,
        coalesce(sum(homes.key_sum) filter (where plus_group_basis.value is not null), 0) as in_group_key_sum,
        sum(homes.key_sum) as known_key_sum
    from int_scope_homes as homes
    inner join acts using (activity_id)
    inner join int_scope_lsoas as lsoas on lsoas.lsoa21cd = homes.home_lsoa
    inner join basis_groups on basis_groups.answer = 'home_area'
    left join plus_group_basis
        on plus_group_basis.plus_group = basis_groups.plus_group
       and plus_group_basis.answer = 'home_area'
       and plus_group_basis.value = lsoas.urban_rural
    where acts.source = 'returns' and homes.home = 'scope'
    group by all
),

returned_plus as (
    select quarter, count_place, 'plus_group' as dimension, plus_group as category, in_group as participants,
        in_group_key_sum as key_sum
    from returned_age_plus
    union all
    select quarter, count_place, 'plus_group_known', plus_group, known, known_key_sum from returned_age_plus
    union all
    select quarter, count_place, 'plus_group', plus_group, in_group, in_group_key_sum from returned_home_plus
    union all
    select quarter, count_place, 'plus_group_known', plus_group, known, known_key_sum from returned_home_plus
),

everything as (
    select quarter, count_place, dimension, category, 'individual' as source, participants, key_sum
    from individual_categories
    union all
    select quarter, count_place, dimension, category, 'individual', participants, key_sum
    from individual_plus
    union all
    select quarter, count_place, dimension, category, 'returns', participants, key_sum
    from returned_plus
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
