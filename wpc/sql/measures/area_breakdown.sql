-- grain: one row per area of the scope below place at $level: 'district' (2024 local authority
-- districts), 'rural_urban' (the ONS Rural Urban Classification 2021: Urban, Rural), 'ruc_class'
-- (its six classes) or 'pcn' (the PCN each LSOA is assigned to; 'none' for LSOAs with no PCN),
-- every area with residents (zero participants included): residents, Core20 residents, and the
-- participants living there in the period, and those of them living in Core20 LSOAs
-- (docs/methods.md section 3, geography below place); with the sums of their record keys
-- (each count's cell key, docs/disclosure.md).
-- inputs: int_scope_lsoas, int_scope_homes, ref_lsoa_pcn
with lsoa_participants as (
    select home_lsoa as lsoa21cd, sum(participants) as participants, sum(key_sum) as key_sum
    from int_scope_homes
    where in_period and home = 'scope'
    group by home_lsoa
),

lsoas as (
    select
        int_scope_lsoas.*,
        ref_lsoa_pcn.pcn_code,
        ref_lsoa_pcn.pcn_name,
        coalesce(lsoa_participants.participants, 0) as participants,
        coalesce(lsoa_participants.key_sum, 0) as key_sum
    from int_scope_lsoas
    left join lsoa_participants using (lsoa21cd)
    left join ref_lsoa_pcn using (lsoa21cd)
),

labelled as (
    select
        case $level
            when 'district' then lad24cd
            when 'rural_urban' then coalesce(urban_rural, 'unknown')
            when 'ruc_class' then coalesce(ruc21cd, 'unknown')
            when 'pcn' then coalesce(pcn_code, 'none')
        end as area_code,
        case $level
            when 'district' then lad24nm
            when 'rural_urban' then coalesce(urban_rural, 'Not classified')
            when 'ruc_class' then coalesce(ruc21cd, 'Not classified')
            when 'pcn' then coalesce(pcn_name, 'Not assigned to a PCN')
        end as area_name,
        place,
        core20,
        population,
        participants,
        key_sum
    from lsoas
)

select
    area_code,
    min(area_name) as area_name,
    string_agg(distinct place, '; ' order by place) as places,
    count(*) as lsoas,
    sum(population)::bigint as population,
    coalesce(sum(population) filter (where core20), 0)::bigint as core20_population,
    sum(participants)::bigint as participants,
    coalesce(sum(participants) filter (where core20), 0)::bigint as core20_participants,
    sum(key_sum)::bigint as key_sum,
    coalesce(sum(key_sum) filter (where core20), 0)::bigint as core20_key_sum
from labelled
group by area_code
order by area_code = 'none', area_code
