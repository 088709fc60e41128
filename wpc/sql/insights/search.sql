-- SQLite FTS5 on the in-memory index (wpc.insights.search), not DuckDB.
-- grain: one row per insight passing the filters whose text matches :expression, best first:
-- bm25 with themes weighted 2, summary and quote 1, source title 0.5 (lower score = better),
-- ties newest first. The filters (filters.sql) are browse.sql's too.
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
    where /* filters */
)

select matched.row_number, matched.score
from matched
inner join chosen using (row_number)
order by matched.score, chosen.insight_date desc nulls last, chosen.insight_id
