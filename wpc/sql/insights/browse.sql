-- SQLite, on the in-memory index (wpc.insights.search), not DuckDB.
-- grain: one row per insight passing the filters, newest first (a search with no words).
-- The filters (filters.sql) are search.sql's too; the two stay separate queries because one
-- query for both was 1.5-2x slower (SQLite plans the full-text match and the filters worse together).
select insight.rowid as row_number, null as score
from insight
where /* filters */
order by insight.insight_date desc nulls last, insight.insight_id
