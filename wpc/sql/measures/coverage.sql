-- grain: one row: Core20 LSOAs of the scope and how many had at least one participant
-- living there in the period (docs/methods.md section 3).
-- inputs: int_scope_lsoas, int_scope_homes
with reached as (
    select distinct home_lsoa as lsoa21cd
    from int_scope_homes
    where in_period and home = 'scope' and participants > 0
)

select
    count(*) filter (where int_scope_lsoas.core20) as core20_lsoas,
    count(*) filter (where int_scope_lsoas.core20 and reached.lsoa21cd is not null) as core20_lsoas_reached,
    count(*) as lsoas,
    coalesce(sum(int_scope_lsoas.population), 0)::bigint as population
from int_scope_lsoas
left join reached using (lsoa21cd)
