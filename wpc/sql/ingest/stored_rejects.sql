-- grain: one row per quarantined row of one upload, in file order: its line, its problems in
-- words ("column: reason; ..." in the order they were found) and its cells in the standard's
-- columns ($fields) as the quarantine keeps them (postcodes cut to their sector, refs withheld).
-- The rejects file of an earlier upload, made from the stored quarantine.
-- inputs: quarantine, quarantine_reasons
with problems as (
    select
        quarantine.line,
        generate_subscripts(quarantine.problems, 1) as position,
        unnest(quarantine.problems) as problem
    from quarantine
    where quarantine.upload_id = $upload_id
),

said as (
    select
        problems.line,
        string_agg(
            coalesce(problems.problem.column_name || ': ', '') || quarantine_reasons.text, '; '
            order by problems.position
        ) as problems
    from problems
    inner join quarantine_reasons
        on quarantine_reasons.upload_id = $upload_id
        and quarantine_reasons.reason = problems.problem.reason
    group by problems.line
)

select
    quarantine.line as upload_line,
    said.problems,
    json_extract_string(quarantine.row_json, $paths) as cells
from quarantine
inner join said on said.line = quarantine.line
where quarantine.upload_id = $upload_id
order by quarantine.line
