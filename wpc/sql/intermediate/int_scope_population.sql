-- grain: one row per dimension x category: Census 2021 residents of the scope (each
-- dimension from its own census table; imd_quintile from TS007A totals).
-- inputs: ref_census_population, int_scope_lsoas
create or replace temp table int_scope_population as
select
    ref_census_population.dimension,
    ref_census_population.category,
    sum(ref_census_population.population)::bigint as population
from ref_census_population
inner join int_scope_lsoas using (lsoa21cd)
group by all
