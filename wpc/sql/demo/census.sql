-- grain: one row per LSOA of the preset x dimension x category: census residents, from which
-- demo participants' characteristics are drawn.
-- inputs: ref_census_population, ref_lsoa
select ref_census_population.lsoa21cd, dimension, category, ref_census_population.population
from ref_census_population
inner join ref_lsoa using (lsoa21cd)
where ref_lsoa.preset = $preset
  and dimension in ('age_band', 'sex', 'ethnicity', 'disability', 'carer')
order by ref_census_population.lsoa21cd, dimension, category
