-- SQLite, on the in-memory index (wpc.insights.search), not DuckDB.
-- grain: one row per insight passing the filters, newest first (a search with no words).
-- The filters are search.sql's, written out in both: one query for both was 1.5-2x slower
-- (SQLite plans the full-text match and the filters worse together); change them together.
select insight.rowid as row_number, null as score
from insight
where ((insight.place is null and :include_unplaced)
       or (insight.place is not null and (:place is null or insight.place = :place)))
  and (:places is null or insight.place in (select value from json_each(:places)))
  and (:programme is null or insight.programme = :programme)
  and (:date_from is null or insight.insight_date >= :date_from)
  and (:date_to is null or insight.insight_date <= :date_to)
  and (:theme is null or insight.rowid in (select rowid from insight_theme where theme = :theme))
  and (:group_code is null or insight.rowid in (select rowid from insight_group where group_code = :group_code))
order by insight.insight_date desc nulls last, insight.insight_id
