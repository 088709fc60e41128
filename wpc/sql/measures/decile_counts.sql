-- grain: one row per national IMD decile (1 = most deprived 10% of England), all ten:
-- residents of the scope living in that decile and participants living there in the period.
-- inputs: int_scope_lsoas, int_scope_homes
with deciles as (
    select cast(d as tinyint) as imd_decile
    from range(1, 11) as t(d)
),

lsoa_participants as (
    select home_lsoa as lsoa21cd, sum(participants) as participants
    from int_scope_homes
    where in_period and home = 'scope'
    group by home_lsoa
),

by_decile as (
    select
        int_scope_lsoas.imd_decile,
        sum(int_scope_lsoas.population) as population,
        sum(coalesce(lsoa_participants.participants, 0)) as participants
    from int_scope_lsoas
    left join lsoa_participants using (lsoa21cd)
    group by int_scope_lsoas.imd_decile
)

select
    deciles.imd_decile,
    coalesce(by_decile.population, 0)::bigint as population,
    coalesce(by_decile.participants, 0)::bigint as participants
from deciles
left join by_decile using (imd_decile)
order by deciles.imd_decile
