-- grain: one row per neighbourhood (MSOA) of the scope where people live who took part in at
-- least one activity starting in the fatigue window: how many distinct activities reached it.
-- inputs: int_scope_homes, int_scope_lsoas
select
    int_scope_lsoas.msoa21cd as msoa_code,
    min(int_scope_lsoas.msoa21nm) as msoa_name,
    min(int_scope_lsoas.place) as place,
    count(distinct int_scope_homes.activity_id) as activities
from int_scope_homes
inner join int_scope_lsoas on int_scope_lsoas.lsoa21cd = int_scope_homes.home_lsoa
where int_scope_homes.in_window
  and int_scope_homes.home = 'scope'
  and int_scope_homes.participants > 0
group by int_scope_lsoas.msoa21cd
order by activities desc, msoa_code
