-- grain: one row per LSOA x dimension x category: Census 2021 usual residents, the
-- baseline of every population share. Each dimension comes from its own table (perturbation
-- makes table totals differ by a few people), and imd_quintile from TS007A totals.
-- inputs: Census TS021, TS007A, TS008, TS038, TS039; census_columns (from wpc.vocab); ref_lsoa
create or replace table ref_census_population as
with source_counts as (
    select 'ethnicity' as table_key, lsoa21_code, source_column, population from (
        unpivot (select * exclude (lsoa21_name) from read_csv($ethnicity_path, header = true))
        on columns(* exclude (lsoa21_code)) into name source_column value population)
    union all
    select 'age', lsoa21_code, source_column, population from (
        unpivot (select * exclude (lsoa21_name) from read_csv($age_path, header = true))
        on columns(* exclude (lsoa21_code)) into name source_column value population)
    union all
    select 'sex', lsoa21_code, source_column, population from (
        unpivot (select * exclude (lsoa21_name) from read_csv($sex_path, header = true))
        on columns(* exclude (lsoa21_code)) into name source_column value population)
    union all
    select 'disability', lsoa21_code, source_column, population from (
        unpivot (select * exclude (lsoa21_name) from read_csv($disability_path, header = true))
        on columns(* exclude (lsoa21_code)) into name source_column value population)
    union all
    select 'carer', lsoa21_code, source_column, population from (
        unpivot (select * exclude (lsoa21_name) from read_csv($carer_path, header = true))
        on columns(* exclude (lsoa21_code)) into name source_column value population)
),

census_categories as (
    select
        source_counts.lsoa21_code as lsoa21cd,
        census_columns.dimension,
        census_columns.category,
        sum(source_counts.population)::integer as population
    from source_counts
    inner join census_columns
        on source_counts.table_key = census_columns.table_key
        and source_counts.source_column = census_columns.source_column
    group by all
),

imd_quintiles as (
    select lsoa21cd, 'imd_quintile' as dimension, cast(imd_quintile as varchar) as category, population
    from ref_lsoa
)

select * from census_categories
union all
select * from imd_quintiles
order by lsoa21cd, dimension, category
