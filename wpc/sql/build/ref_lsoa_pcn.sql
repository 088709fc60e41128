-- grain: one row per English LSOA 2021 with registered patients at a practice the practice ->
-- PCN map knows: the PCN with the most of its patients (ties: the lower PCN code), replacing
-- ref_lsoa_pcn (wpc.gp_registrations).
-- inputs: gp_registrations (view of the file: practice_code, lsoa_code, patients, sex), ref_lsoa,
-- ref_gp_practice
delete from ref_lsoa_pcn;

insert into ref_lsoa_pcn
with rows_read as (
    select
        upper(trim(practice_code)) as practice_code,
        upper(trim(lsoa_code)) as lsoa21cd,
        upper(trim(coalesce(sex, 'ALL'))) as sex,
        try_cast(replace(patients, ',', '') as integer) as patients
    from gp_registrations
),

chosen as (
    -- the ALL rows if the file has them, else male and female added up
    select * from rows_read
    where sex = 'ALL' or not exists (select 1 from rows_read where sex = 'ALL')
),

usable as (
    select chosen.lsoa21cd, ref_gp_practice.pcn_code, ref_gp_practice.pcn_name, chosen.patients
    from chosen
    inner join ref_lsoa using (lsoa21cd)
    inner join ref_gp_practice using (practice_code)
    where chosen.patients > 0
),

by_pcn as (
    select lsoa21cd, pcn_code, min(pcn_name) as pcn_name, sum(patients) as patients
    from usable
    group by lsoa21cd, pcn_code
),

ranked as (
    select
        *,
        sum(patients) over (partition by lsoa21cd) as lsoa_patients,
        row_number() over (partition by lsoa21cd order by patients desc, pcn_code) as rank
    from by_pcn
)

select lsoa21cd, pcn_code, pcn_name, patients::integer, lsoa_patients::integer
from ranked
where rank = 1
order by lsoa21cd;
