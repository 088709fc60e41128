-- grain: one row: cost of the scope's activities in the period and their participants
-- (wherever they live), for all activities and for those with a recorded cost (docs/methods.md section 8).
-- core20 = participants whose home LSOA is in the most deprived 20% of England.
-- inputs: int_scope_activities, int_scope_homes
with acts as (
    select activity_id, cost_gbp
    from int_scope_activities
    where in_place and in_period
),

people as (
    select
        activity_id,
        sum(participants) as participants,
        coalesce(sum(participants) filter (where core20), 0) as core20
    from int_scope_homes
    where in_period and in_place
    group by activity_id
)

select
    count(*) as activities,
    count(acts.cost_gbp) as activities_costed,
    sum(acts.cost_gbp)::double as total_gbp,
    coalesce(sum(people.participants), 0)::bigint as participants,
    coalesce(sum(people.participants) filter (where acts.cost_gbp is not null), 0)::bigint as costed_participants,
    coalesce(sum(people.core20) filter (where acts.cost_gbp is not null), 0)::bigint as costed_core20
from acts
left join people using (activity_id)
