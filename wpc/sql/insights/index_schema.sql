-- SQLite (Python's sqlite3, in memory), not DuckDB: the insight library's full-text index.
-- insight_text is an FTS5 table over the searchable text; the porter tokenizer stems English
-- words ("appointments" -> "appoint"), unicode61 folds case and, with remove_diacritics 2,
-- accents ("café" = "cafe"). insight holds what the filters need; insight_theme and
-- insight_group one row per theme (in lower case) or group code, for filtering.
create virtual table insight_text using fts5(
    summary, quote, themes, source_title,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
create table insight (
    rowid        integer primary key,
    insight_id   text not null,
    insight_date text,   -- ISO date, so text order is date order
    place        text,
    programme    text
);
create table insight_theme (rowid integer not null, theme text not null);
create table insight_group (rowid integer not null, group_code text not null);
create index insight_theme_rowid on insight_theme (theme, rowid);
create index insight_group_rowid on insight_group (group_code, rowid);
