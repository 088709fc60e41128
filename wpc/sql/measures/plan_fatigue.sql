-- grain: one row per planned activity x neighbourhood (MSOA) it could reach: the distinct held
-- activities with a participant living there that started in the fatigue window ending on the
-- plan's start date (both ends included), the participations they had from there, and its
-- residents (docs/methods.md sections 5 and 15). Individual rows and returns' LSOA rows count.
-- key_sum: the record keys of the participations (their cell key, docs/disclosure.md).
-- inputs: plans (registered: activity_id, start_date), plan_lsoas (temp table), activities,
-- participants, returns, ref_lsoa
with plan_msoas as (
    select activity_id as plan_id, msoa21cd, min(msoa21nm) as msoa21nm, min(place) as place
    from plan_lsoas
    group by activity_id, msoa21cd
),

residents as (
    select msoa21cd, sum(population)::bigint as population
    from ref_lsoa
    where msoa21cd in (select msoa21cd from plan_msoas)
    group by msoa21cd
),

held as (
    select activity_id, start_date
    from activities
    where preset = $preset
      and coalesce(status, 'held') = 'held'
      and start_date between (select min(start_date) from plans) - cast($window_days as integer) and
          (select max(start_date) from plans)
),

homes as (
    select participants.activity_id, ref_lsoa.msoa21cd, count(*) as participations,
        sum(participants.record_key) as key_sum
    from participants
    inner join ref_lsoa using (lsoa21cd)
    where participants.activity_id in (select activity_id from held)
      and ref_lsoa.msoa21cd in (select msoa21cd from plan_msoas)
    group by all
    union all
    select returns.activity_id, ref_lsoa.msoa21cd, sum(returns.count) as participations,
        sum(returns.record_key) as key_sum
    from returns
    inner join ref_lsoa on ref_lsoa.lsoa21cd = returns.category
    where returns.dimension = 'lsoa_code'
      and returns.activity_id in (select activity_id from held)
      and returns.activity_id not in (select activity_id from participants)
      and ref_lsoa.msoa21cd in (select msoa21cd from plan_msoas)
    group by all
),

visits as (
    select homes.activity_id, homes.msoa21cd, held.start_date, sum(homes.participations) as participations,
        sum(homes.key_sum) as key_sum
    from homes
    inner join held using (activity_id)
    group by all
)

select
    plan_msoas.plan_id,
    plan_msoas.msoa21cd as msoa_code,
    plan_msoas.msoa21nm as msoa_name,
    plan_msoas.place,
    residents.population,
    count(distinct visits.activity_id) as activities,
    coalesce(sum(visits.participations), 0)::bigint as participations,
    coalesce(sum(visits.key_sum), 0)::bigint as key_sum
from plan_msoas
inner join plans on plans.activity_id = plan_msoas.plan_id
inner join residents using (msoa21cd)
left join visits
    on visits.msoa21cd = plan_msoas.msoa21cd
   and visits.start_date between plans.start_date - cast($window_days - 1 as integer) and plans.start_date
group by all
order by plan_msoas.plan_id, activities desc, msoa_code
