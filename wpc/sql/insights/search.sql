-- SQLite FTS5 on the in-memory index (wpc.insights.search), not DuckDB.
-- grain: one row per insight passing the filters whose text matches :expression, best first:
-- bm25 with themes weighted 2, summary and quote 1, source title 0.5 (lower score = better),
-- ties newest first. The filters are browse.sql's too: change them together.
with matched as (
    select
        rowid as row_number,
        bm25(insight_text, 1.0, 1.0, 2.0, 0.5) as score
    from insight_text
    where insight_text match :expression
),

chosen as (
    select insight.rowid as row_number, insight.insight_date, insight.insight_id
    from insight
    where ((insight.place is null and :include_unplaced)
           or (insight.place is not null and (:place is null or insight.place = :place)))
      and (:places is null or insight.place in (select value from json_each(:places)))
      and (:programme is null or insight.programme = :programme)
      and (:date_from is null or insight.insight_date >= :date_from)
      and (:date_to is null or insight.insight_date <= :date_to)
      and (:theme is null or insight.rowid in (select rowid from insight_theme where theme = :theme))
      and (:group_code is null or insight.rowid in (select rowid from insight_group where group_code = :group_code))
)

select matched.row_number, matched.score
from matched
inner join chosen using (row_number)
order by matched.score, chosen.insight_date desc nulls last, chosen.insight_id
