-- grain: one row per GP practice: NHS Digital practice -> PCN map (January 2022).
-- inputs: gp_practice_pcn_ccg_stp_map_jan2022_england.csv.gz
create or replace table ref_gp_practice as
select
    practice_code,
    practice_name,
    pcn_code,
    pcn_name,
    ons_stp_code as icb_code,
    stp_name as icb_name
from read_csv($gp_path, header = true, all_varchar = true)
order by practice_code
