-- grain: one row per rural/urban class (ONS Rural Urban Classification 2021) of the scope's
-- LSOAs: their Census 2021 residents (TS007A), the baseline of home-area PLUS groups.
-- inputs: int_scope_lsoas
select coalesce(urban_rural, 'unknown') as urban_rural, sum(population)::bigint as population
from int_scope_lsoas
group by all
