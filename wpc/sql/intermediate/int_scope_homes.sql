-- grain: one row per activity x home LSOA (or unknown home) x IMD quintile given by a return,
-- with `participants` people, for the scope's activities in the period or the fatigue window;
-- key_sum is the sum of their record keys (a return's row, or the activity standing for a
-- headcount, counts as one record), from which disclosure control takes cell keys.
-- Keeps the people who belong to the scope (docs/methods.md section 1): those living in it (at any of the
-- ICS's activities), and those of the activities held in the scope whose home is elsewhere
-- or unknown. home: scope | unknown | ics (another place of the ICS) | out (outside the ICS).
-- Aggregated returns give homes through their lsoa_code rows (else their imd_quintile rows);
-- whoever a return or a headcount does not place has an unknown home.
-- inputs: int_scope_activities, int_scope_rows, returns, ref_lsoa
create or replace temp table int_scope_homes as
with acts as (
    select activity_id, in_place, in_period, in_window, source, headcount, returned_lsoa, returned_lsoa_known,
        record_key
    from int_scope_activities
    where in_period or in_window
),

individual_rows as (
    -- the rows that can belong to the scope: residents, and anyone at the scope's activities
    select activity_id, lsoa21cd as home_lsoa, count(*) as participants, sum(record_key) as key_sum
    from int_scope_rows
    where activity_id in (select activity_id from acts where source = 'individual')
      and (
          lives_in_scope
          or activity_id in (select activity_id from acts where in_place and source = 'individual')
      )
    group by all
),

individual as (
    select individual_rows.activity_id, individual_rows.home_lsoa, null::varchar as returned_quintile,
        individual_rows.participants, individual_rows.key_sum
    from individual_rows
    inner join acts using (activity_id)
    where acts.source = 'individual'
),

returned_lsoas as (
    select
        returns.activity_id,
        returns.category as home_lsoa,
        null::varchar as returned_quintile,
        sum(returns.count) as participants,
        sum(returns.record_key) as key_sum
    from returns
    inner join acts using (activity_id)
    where acts.source = 'returns'
      and returns.dimension = 'lsoa_code'
      and returns.category <> 'unknown'
    group by all
),

returned_quintiles as (
    -- deprivation given without home LSOAs: the home is unknown, its IMD quintile is not
    select
        returns.activity_id,
        null::varchar as home_lsoa,
        returns.category as returned_quintile,
        sum(returns.count) as participants,
        sum(returns.record_key) as key_sum
    from returns
    inner join acts using (activity_id)
    where acts.source = 'returns'
      and not acts.returned_lsoa
      and returns.dimension = 'imd_quintile'
      and returns.category <> 'unknown'
    group by all
),

located as (
    select
        acts.activity_id,
        acts.headcount,
        acts.record_key,
        case
            when acts.returned_lsoa then acts.returned_lsoa_known
            else coalesce(quintiles.participants, 0)
        end as located
    from acts
    left join (
        select activity_id, sum(participants) as participants from returned_quintiles group by activity_id
    ) as quintiles using (activity_id)
    where acts.source in ('returns', 'headcount')
),

unlocated as (
    select
        activity_id,
        null::varchar as home_lsoa,
        null::varchar as returned_quintile,
        headcount - located as participants,
        record_key as key_sum
    from located
    where headcount > located
),

all_homes as (
    select * from individual
    union all by name
    select * from returned_lsoas
    union all by name
    select * from returned_quintiles
    union all by name
    select * from unlocated
),

placed as (
    select
        all_homes.activity_id,
        acts.in_place,
        acts.in_period,
        acts.in_window,
        ref_lsoa.lsoa21cd as home_lsoa,
        ref_lsoa.msoa21cd as home_msoa,
        ref_lsoa.imd_decile,
        coalesce(cast(ref_lsoa.imd_quintile as varchar), all_homes.returned_quintile) as imd_quintile,
        case
            when ref_lsoa.lsoa21cd is not null then ref_lsoa.core20
            when all_homes.returned_quintile is not null then all_homes.returned_quintile = '1'
        end as core20,
        case
            when all_homes.home_lsoa is null then 'unknown'
            when ref_lsoa.lsoa21cd is null then 'out'  -- a home outside England's LSOAs
            when ref_lsoa.preset = $preset and ($place is null or ref_lsoa.place = $place) then 'scope'
            when ref_lsoa.preset = $preset then 'ics'
            else 'out'
        end as home,
        all_homes.participants,
        cast(all_homes.key_sum as bigint) as key_sum
    from all_homes
    inner join acts using (activity_id)
    left join ref_lsoa on ref_lsoa.lsoa21cd = all_homes.home_lsoa
)

select *
from placed
where home = 'scope' or in_place
