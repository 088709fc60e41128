-- grain: one row: people with a participant ref who took part in activities starting in the
-- fatigue window (living in the scope, or at the scope's activities), and how many of them
-- took part in at least $fatigue_limit distinct activities (docs/methods.md section 5), with the sums
-- of their rows' record keys (disclosure control: the same people, the same small change).
-- inputs: int_scope_activities, int_scope_refs
with per_person as (
    select participant_hash, count(distinct activity_id) as activities, sum(record_key) as key_sum
    from int_scope_refs
    where activity_id in (
          select activity_id from int_scope_activities where in_window and source = 'individual'
      )
      and (
          lives_in_scope
          or activity_id in (select activity_id from int_scope_activities where in_window and in_place)
      )
    group by participant_hash
)

select
    count(*) as people_with_ref,
    count(*) filter (where activities >= $fatigue_limit) as repeat_participants,
    coalesce(sum(key_sum), 0)::bigint as people_key_sum,
    coalesce(sum(key_sum) filter (where activities >= $fatigue_limit), 0)::bigint as repeat_key_sum
from per_person
