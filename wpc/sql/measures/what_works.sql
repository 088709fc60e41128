-- grain: one row per method, then one per organisation: the scope's activities in the period,
-- their participants (wherever they live), those with a known home deprivation, those living
-- in Core20 areas, and cost (docs/methods.md section 8).
-- inputs: int_scope_activities, int_scope_homes
with acts as (
    select
        activity_id,
        coalesce(method, 'not recorded') as method,
        coalesce(organisation, 'Not recorded') as organisation,
        cost_gbp
    from int_scope_activities
    where in_place and in_period
),

people as (
    select
        activity_id,
        sum(participants) as participants,
        coalesce(sum(participants) filter (where imd_quintile is not null), 0) as known,
        coalesce(sum(participants) filter (where core20), 0) as core20
    from int_scope_homes
    where in_period and in_place
    group by activity_id
),

joined as (
    select
        acts.*,
        coalesce(people.participants, 0) as participants,
        coalesce(people.known, 0) as known,
        coalesce(people.core20, 0) as core20
    from acts
    left join people using (activity_id)
)

select
    case when grouping(method) = 0 then 'method' else 'organisation' end as breakdown,
    case when grouping(method) = 0 then method else organisation end as name,
    count(*) as activities,
    sum(participants)::bigint as participants,
    sum(known)::bigint as known,
    sum(core20)::bigint as core20,
    count(cost_gbp) as activities_costed,
    sum(cost_gbp)::double as cost_gbp,
    coalesce(sum(core20) filter (where cost_gbp is not null), 0)::bigint as costed_core20
from joined
group by grouping sets ((method), (organisation))
order by breakdown, participants desc, name
