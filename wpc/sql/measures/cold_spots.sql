-- grain: one row per Core20 LSOA of the scope with no participant living there in the
-- period (a cold spot, docs/methods.md section 3), most deprived (lowest national IMD rank) first.
-- inputs: int_scope_lsoas, int_scope_homes
with reached as (
    select distinct home_lsoa as lsoa21cd
    from int_scope_homes
    where in_period and home = 'scope' and participants > 0
)

select
    int_scope_lsoas.lsoa21cd as lsoa_code,
    int_scope_lsoas.lsoa21nm as lsoa_name,
    int_scope_lsoas.msoa21nm as msoa_name,
    int_scope_lsoas.place,
    int_scope_lsoas.imd_rank,
    int_scope_lsoas.imd_decile,
    int_scope_lsoas.population
from int_scope_lsoas
left join reached using (lsoa21cd)
where int_scope_lsoas.core20 and reached.lsoa21cd is null
order by int_scope_lsoas.imd_rank, int_scope_lsoas.lsoa21cd
