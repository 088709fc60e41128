-- grain: one row per activity filter x value present in a preset's activities, for the
-- dashboard's filter lists. Multi-valued columns (clinical areas, target groups) are unnested.
-- inputs: activities
with scoped as (
    select * from activities where preset = $preset
),

options as (
    select distinct 'programme' as filter, trim(programme) as value from scoped where nullif(trim(programme), '') is not null
    union
    select distinct 'organisation', trim(organisation) from scoped where nullif(trim(organisation), '') is not null
    union
    select distinct 'method', method from scoped where method is not null
    union
    select distinct 'clinical_area', unnest(clinical_areas) from scoped
    union
    select distinct 'target_group', unnest(target_groups) from scoped
)

select filter, value from options order by filter, lower(value)
