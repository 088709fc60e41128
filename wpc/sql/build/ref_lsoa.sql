-- grain: one row per English LSOA 2021 (33,755), with national IMD 2025 decile and
-- quintile, Census 2021 usual residents (TS007A, the denominator of every area-based
-- share and rate), geography up to ICB, the ONS Rural Urban Classification 2021 (urban_rural:
-- Urban or Rural; ruc21cd: its six classes), and the preset place it belongs to, if any.
-- inputs: IMD 2025 (File 7 extract), ONS LSOA lookup, Census TS007A, RUC 2021, ref_place
create or replace table ref_lsoa as
with imd as (
    select
        lsoa21_code as lsoa21cd,
        imd_score,
        cast(imd_rank as integer) as imd_rank,
        cast(imd_decile as tinyint) as imd_decile
    from read_csv($imd_path, header = true)
),

lookup as (
    select
        lsoa21_code as lsoa21cd,
        lsoa21_name as lsoa21nm,
        msoa21_code as msoa21cd,
        msoa21_name as msoa21nm,
        ward24_code as ward24cd,
        ward24_name as ward24nm,
        lad24_code as lad24cd,
        lad24_name as lad24nm,
        icb24_code as icb24cd,
        icb24_name as icb24nm,
        region24_name as region24nm
    from read_csv($lookup_path, header = true, all_varchar = true)
),

residents as (
    select
        lsoa21_code as lsoa21cd,
        cast(total_usual_residents as integer) as population
    from read_csv($age_path, header = true)
),

rurality as (
    select lsoa21_code as lsoa21cd, ruc as urban_rural, ruc21_code as ruc21cd
    from read_csv($ruc_path, header = true, all_varchar = true)
),

joined as (
    select
        lookup.*,
        imd.imd_score,
        imd.imd_rank,
        imd.imd_decile,
        cast(ceil(imd.imd_decile / 2) as tinyint) as imd_quintile,
        imd.imd_decile <= 2 as core20,
        residents.population,
        rurality.urban_rural,
        rurality.ruc21cd,
        ref_place.preset,
        ref_place.place
    from lookup
    inner join imd using (lsoa21cd)
    inner join residents using (lsoa21cd)
    left join rurality using (lsoa21cd)
    left join ref_place using (lad24cd)
)

select * from joined
order by lsoa21cd
