-- grain: one row per held activity of the scope's ICS that passes the activity filters
-- (int_scope_all_activities: flagged for the scope's place, the period and the fatigue
-- window), with where its participants come from and its feedback due date.
-- source: individual (participants come from individual rows, if it has any: any returns
-- for it are then ignored), returns (aggregated monitoring only), headcount (only
-- participants_total). headcount: participants of a returns or headcount activity (for
-- returns, the largest dimension total or participants_total, whichever is greater);
-- individual rows are counted from int_scope_homes.
-- inputs: int_scope_all_activities, int_scope_activity_rows (a view of the participants'
-- activity ids, made by wpc.measures.prepare), returns
create or replace temp table int_scope_activities as
with filtered as (
    -- only held activities count in any measure (docs/methods.md section 1)
    select *
    from int_scope_all_activities
    where coalesce(status, 'held') = 'held'
),

return_dimensions as (
    select
        activity_id,
        dimension,
        sum(count) as dimension_total,
        coalesce(sum(count) filter (where category <> 'unknown'), 0) as dimension_known
    from returns
    where activity_id in (select activity_id from filtered)
    group by activity_id, dimension
),

returned as (
    select
        activity_id,
        max(dimension_total) as returned_total,
        min(dimension_total) <> max(dimension_total) as returned_totals_differ,
        bool_or(dimension = 'lsoa_code') as returned_lsoa,
        coalesce(sum(dimension_known) filter (where dimension = 'lsoa_code'), 0) as returned_lsoa_known
    from return_dimensions
    group by activity_id
),

with_rows as (
    -- only activities with returns or a headcount need to know whether rows exist
    select distinct activity_id
    from int_scope_activity_rows
    where activity_id in (
        select activity_id from filtered where participants_total is not null
        union
        select activity_id from returned
    )
),

flagged as (
    select
        filtered.*,
        returned.returned_total,
        coalesce(returned.returned_totals_differ, false) as returned_totals_differ,
        coalesce(returned.returned_lsoa, false) as returned_lsoa,
        coalesce(returned.returned_lsoa_known, 0) as returned_lsoa_known,
        case
            when with_rows.activity_id is not null then 'individual'
            when returned.returned_total is not null then 'returns'
            when filtered.participants_total > 0 then 'headcount'
            else 'individual'
        end as source,
        with_rows.activity_id is not null and returned.returned_total is not null as returns_ignored
    from filtered
    left join returned using (activity_id)
    left join with_rows using (activity_id)
)

select
    *,
    case source
        when 'returns' then greatest(returned_total, coalesce(participants_total, 0))
        when 'headcount' then participants_total
    end as headcount,
    coalesce(
        feedback_due,
        coalesce(end_date, start_date) + cast($feedback_window_days as integer)
    ) as feedback_due_date,
    cast(date_trunc('quarter', start_date) as date) as quarter
from flagged
