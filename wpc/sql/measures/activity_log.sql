-- grain: one row per activity of the scope in the period (the activity log), newest first,
-- optionally only those whose title contains $title_contains (any case). participants: the
-- activity's individual rows (wherever they live), else its headcount from returns or
-- participants_total; null when nothing was recorded. feedback_status as docs/methods.md section 7 on $today.
-- inputs: int_scope_activities, participants
with acts as (
    select *
    from int_scope_activities
    where in_place
      and in_period
      and ($title_contains is null or strpos(lower(title), lower($title_contains)) > 0)
),

individual_rows as (
    select activity_id, count(*) as individual_rows, sum(record_key) as key_sum
    from participants
    where activity_id in (select activity_id from acts where source = 'individual')
    group by activity_id
)

select
    acts.activity_id,
    acts.title,
    acts.start_date,
    acts.end_date,
    acts.place,
    acts.organisation,
    acts.programme,
    acts.method,
    acts.ladder_rung,
    acts.cycle_stage,
    acts.target_groups,
    acts.clinical_areas,
    case when acts.source = 'individual' and individual_rows.activity_id is null then 'none' else acts.source end
        as source,
    case
        when acts.source = 'individual' then individual_rows.individual_rows
        else acts.headcount
    end as participants,
    acts.cost_gbp,
    acts.feedback_due_date as feedback_due,
    acts.feedback_date,
    case
        when acts.feedback_date is not null and acts.feedback_date <= acts.feedback_due_date then 'closed on time'
        when acts.feedback_date is not null then 'closed late'
        when acts.feedback_due_date < $today then 'overdue'
        else 'not yet due'
    end as feedback_status,
    acts.report_url,
    -- disclosure control only, never shown: the sum of the record keys of the people counted
    -- (an activity's own key where it stands for a headcount)
    case when acts.source = 'individual' then individual_rows.key_sum else acts.record_key end as key_sum
from acts
left join individual_rows using (activity_id)
order by acts.start_date desc, acts.activity_id
