-- SQLite FTS5 on the in-memory index (wpc.insights.search), not DuckDB.
-- grain: one row per insight in :row_numbers (a JSON list) matching :expression, with each
-- matched token of its summary, quote, themes and source title wrapped in :open and :close.
-- Only the results shown are highlighted, which is most of a search's work.
select
    rowid as row_number,
    highlight(insight_text, 0, :open, :close) as summary_marked,
    highlight(insight_text, 1, :open, :close) as quote_marked,
    highlight(insight_text, 2, :open, :close) as themes_marked,
    highlight(insight_text, 3, :open, :close) as source_title_marked
from insight_text
where insight_text match :expression
  and rowid in (select value from json_each(:row_numbers))
