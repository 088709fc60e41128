"""What each screen shows: one module per question, each building a plain object.

A view builder takes a DuckDB connection first, then a `Scope` (and, if it lists records of
places, the person's `access`), like the measures, so a page calls it through
`wpc.ui.cache.call(builder, db_path, scope=..., access=...)`. It gathers the measures
(`wpc.measures`), applies disclosure control through them and access through
`wpc.access.Access.limit` (`parts.limit`), and returns a frozen dataclass of what people see:
headline figures (`parts.Metric`), sentences, plotly charts (drawn by `charts`) and tables with
display names and formats (`parts.Table`). Nothing here recomputes a measure, and nothing
here draws: pages (app_pages/*.py with `wpc.ui.widgets`), workshop screens and packs
(`workshop`, `wpc.export.pack`) and `wpc report` (`report`) render these objects. A page's
charts are shared by every session of the server (wpc.ui.cache), so a page never changes a
figure it is given: a chart shown differently is made so by its view (`workshop.projected`).

The modules, one per question:

- `core20`: Core20 reach for the ICS and each place
- `reach`: reach gaps on one dimension, and one category by quarter
- `coverage`: coverage, cold spots, neighbourhood rates and fatigue, the coverage map
- `activity`: the activity log, one activity and who took part, ladder, cycle, feedback loop
- `overview`: the headlines of a scope
- `insights`: the insight library's search and "before you engage"
- `quality`: the quality of the stored data
- `upload`: what a checked upload will store and quarantine, templates, recent uploads
- `population`: population context (open data only)
- `about`: sources, definitions and methods
- `workshop`: the six workshop questions, one per screen, slide or page
- `report`: `wpc report`'s text

and what they share: `parts` (Table, Metric, limit, records_name), `format` (numbers and the
words sentences are made of), `compare` (which rows are lowest or highest, tied rows together,
for sentences that compare) and `charts` (plotly chart builders).

To add a view: write `wpc/views/<question>.py` with a dataclass and a builder
`build(con, scope, access=None, disclosure="suppress")` that calls the measures, limits every
list of records with `parts.limit(access, resolved.scope, rows)`, and puts sentences, charts
and `Table`s into the dataclass; keep its sentences and table makers (pure functions) in the
same module. Then a page script in app_pages/ (registered in app.py) calls it through
`wpc.ui.cache` and draws it with `wpc.ui.widgets`; tests/app/test_access_leaks.py checks
every registered page for leaks by itself.
"""
