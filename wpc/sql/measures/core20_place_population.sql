-- grain: one row per place of the ICS x IMD quintile: Census 2021 residents (TS007A totals),
-- the baseline of each place's Core20 reach.
-- inputs: ref_census_population, ref_lsoa
select ref_lsoa.place, census.category, sum(census.population)::bigint as population
from ref_census_population as census
inner join ref_lsoa using (lsoa21cd)
where ref_lsoa.preset = $preset
  and census.dimension = 'imd_quintile'
group by all
order by all
