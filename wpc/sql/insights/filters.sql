-- SQLite, on the in-memory index (wpc.insights.search): the filters of browse.sql and
-- search.sql, written once and put where they say /* filters */ (named parameters only).
((insight.place is null and :include_unplaced)
 or (insight.place is not null and not :unplaced_only and (:place is null or insight.place = :place)))
and (:places is null or insight.place in (select value from json_each(:places)))
and (:programme is null or insight.programme = :programme)
and (:date_from is null or insight.insight_date >= :date_from)
and (:date_to is null or insight.insight_date <= :date_to)
and (:theme is null or insight.rowid in (select rowid from insight_theme where theme = :theme))
and (:group_code is null or insight.rowid in (select rowid from insight_group where group_code = :group_code))
