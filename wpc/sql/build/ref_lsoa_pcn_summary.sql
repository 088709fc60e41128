-- grain: one row: what an import of GP registrations by LSOA did (wpc.gp_registrations).
-- inputs: gp_registrations, ref_lsoa, ref_gp_practice, ref_lsoa_pcn
with rows_read as (
    select
        upper(trim(practice_code)) as practice_code,
        upper(trim(lsoa_code)) as lsoa21cd,
        upper(trim(coalesce(sex, 'ALL'))) as sex,
        coalesce(try_cast(replace(patients, ',', '') as integer), 0) as patients,
        extract_date
    from gp_registrations
),

chosen as (
    select * from rows_read
    where sex = 'ALL' or not exists (select 1 from rows_read where sex = 'ALL')
)

select
    (select count(*) from ref_lsoa_pcn) as lsoas,
    (select count(distinct pcn_code) from ref_lsoa_pcn) as pcns,
    coalesce(sum(patients), 0) as patients,
    coalesce(sum(patients) filter (where lsoa21cd not in (select lsoa21cd from ref_lsoa)), 0)
        as patients_without_lsoa,
    coalesce(sum(patients) filter (
        where lsoa21cd in (select lsoa21cd from ref_lsoa)
          and practice_code not in (select practice_code from ref_gp_practice)
    ), 0) as patients_practice_unknown,
    max(extract_date) as extract_date
from chosen
