-- grain: one row per published postcode in the shipped extract, keyed by the postcode
-- with spaces removed and upper-cased (how ingest normalises what users type).
-- This is published reference data (ONS/OS), not anyone's personal data.
-- inputs: postcode_lsoa21_3ics.csv.gz (see data/reference/PROVENANCE.md section 5)
create or replace table ref_postcode_lsoa as
select
    upper(replace(postcode, ' ', '')) as postcode_key,
    lsoa21cd,
    method,
    coalesce(terminated, '') = '' as live
from read_csv($postcode_path, header = true, all_varchar = true)
order by postcode_key
