-- grain: one row (or none): one activity of the preset, every field, with where its
-- participants come from (as int_scope_activities decides: individual rows if it has any,
-- else aggregated returns, else its headcount; 'none' when nothing was recorded), how many,
-- and its feedback due date and status on $today (docs/methods.md section 7).
-- inputs: activities, participants, returns
with activity as (
    select *
    from activities
    where activity_id = $activity_id
      and preset = $preset
),

individual as (
    select count(*) as individual_rows, sum(record_key) as individual_key_sum
    from participants
    where activity_id = $activity_id
),

returned as (
    select max(dimension_total) as returned_total
    from (
        select dimension, sum(count) as dimension_total
        from returns
        where activity_id = $activity_id
        group by dimension
    )
),

sourced as (
    select
        activity.*,
        coalesce(
            activity.feedback_due,
            coalesce(activity.end_date, activity.start_date) + cast($feedback_window_days as integer)
        ) as feedback_due_date,
        case
            when individual.individual_rows > 0 then 'individual'
            when returned.returned_total is not null then 'returns'
            when activity.participants_total > 0 then 'headcount'
            else 'none'
        end as source,
        individual.individual_rows,
        individual.individual_key_sum,
        returned.returned_total
    from activity
    cross join individual
    cross join returned
)

select
    *,
    case source
        when 'individual' then individual_rows
        when 'returns' then greatest(returned_total, coalesce(participants_total, 0))
        when 'headcount' then participants_total
    end as participants,
    -- disclosure control only, never shown (as activity_log's key_sum)
    case when source = 'individual' then individual_key_sum else record_key end as key_sum,
    case
        when feedback_date is not null and feedback_date <= feedback_due_date then 'closed on time'
        when feedback_date is not null then 'closed late'
        when feedback_due_date < $today then 'overdue'
        else 'not yet due'
    end as feedback_status
from sourced
