-- grain: one row per activity filter x value present in a preset's activities, for the
-- dashboard's filter lists, with in_scope: whether an activity of the chosen place ($place,
-- null = every place of the ICS) and period ($date_from, $date_to on the start date, null =
-- open) has it, so the lists offer only values that can match. Multi-valued columns (clinical
-- areas, target groups) are unnested.
-- inputs: activities
with scoped as (
    select
        *,
        ($place is null or place = $place)
            and ($date_from is null or start_date >= $date_from)
            and ($date_to is null or start_date <= $date_to) as in_scope
    from activities
    where preset = $preset
),

options as (
    select 'programme' as filter, trim(programme) as value, in_scope
    from scoped where nullif(trim(programme), '') is not null
    union all
    select 'organisation', trim(organisation), in_scope from scoped where nullif(trim(organisation), '') is not null
    union all
    select 'method', method, in_scope from scoped where method is not null
    union all
    select 'clinical_area', unnest(clinical_areas), in_scope from scoped
    union all
    select 'target_group', unnest(target_groups), in_scope from scoped
)

select filter, value, bool_or(in_scope) as in_scope
from options
group by filter, value
order by filter, lower(value)
