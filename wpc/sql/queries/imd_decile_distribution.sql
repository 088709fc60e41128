-- grain: one row per national IMD 2025 decile (1 = most deprived 10% of England), all ten
-- deciles even when the scope has none, with LSOAs and residents in the scope.
-- $place null = the whole ICS. inputs: ref_lsoa
with deciles as (
    select cast(d as tinyint) as imd_decile from range(1, 11) as t(d)
),

scoped as (
    select imd_decile, population
    from ref_lsoa
    where preset = $preset and ($place is null or place = $place)
),

counted as (
    select imd_decile, count(*) as lsoas, sum(population) as residents
    from scoped
    group by imd_decile
)

select
    deciles.imd_decile,
    coalesce(counted.lsoas, 0) as lsoas,
    coalesce(counted.residents, 0) as residents,
    coalesce(counted.residents, 0) / sum(coalesce(counted.residents, 0)) over () as residents_share
from deciles
left join counted using (imd_decile)
order by deciles.imd_decile
