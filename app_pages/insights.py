"""Insight library: what people have already told us, searchable offline, and what is already
known and recently done for a group in a place before anyone engages them again."""

import streamlit as st

from wpc import figures, narrative
from wpc.export.tables import to_csv_bytes
from wpc.insights import cards, library, search
from wpc.measures import log
from wpc.ui import cache, state, widgets

RESULTS_SHOWN = 20
ANY = "Any"

scope = state.measure_scope()
preset, place = state.scope()
path = state.db_path()
threshold = preset.thresholds.suppression
scope_name = place or preset.name
my_places = state.record_places()  # None, or the only places whose insights this person may see
listed_name = state.records_name()


def group_label(code: str) -> str:
    return "Core20 (most deprived 20% of England)" if code == "core20" else preset.plus_group_label(code)


st.title(f"Insight library: {scope_name}")
st.caption(
    "What people have already told us, before anyone asks them again. Search finds words from the same "
    'stem ("appointment" finds "appointments") and works with no internet. The sidebar\'s ICS and place '
    "apply; its period and activity filters are for activities, so use the insight filters here."
)

try:
    index = cache.resource(library.load_index, path, preset=preset.id)
except search.SearchUnavailable as exc:
    st.error(str(exc))
    st.stop()
if not len(index):
    st.info(
        f"No insights have been uploaded for {preset.name} yet. Upload an insights file on the "
        "Upload and data quality page to build the library.",
        icon=":material/library_books:",
    )
    st.stop()
options = index.options(None if my_places is None else tuple(sorted(my_places)))

# ---------- search
text = state.url_text(
    "Search what people told us",
    "q",
    placeholder='e.g. appointment, or "waiting times"',
    help="Searches summaries, quotes, themes and source titles. Every word must appear (or, if no insight "
    'has them all, any of them); put a phrase in "double quotes" to keep its words together.',
)
theme_column, group_column, programme_column, from_column, to_column = st.columns([3, 3, 3, 2, 2])
theme = state.url_selectbox(
    "Theme", [ANY, *options["themes"]], key="theme", container=theme_column, omit_default=True
)
group = state.url_selectbox(
    "Group",
    [ANY, *options["groups"]],
    key="group",
    container=group_column,
    format_func=lambda code: code if code == ANY else group_label(code),
    omit_default=True,
)
programme = state.url_selectbox(
    "Programme",
    [ANY, *options["programmes"]],
    key="insight_programme",
    container=programme_column,
    omit_default=True,
)
heard_from = state.url_date(
    "Heard from", "heard_from", container=from_column, help="Insight date on or after."
)
heard_to = state.url_date("Heard to", "heard_to", container=to_column, help="Insight date on or before.")
if heard_from and heard_to and heard_from > heard_to:
    st.error(
        "The dates are reversed: 'Heard from' is after 'Heard to'. Showing every date from 'Heard from'."
    )
    heard_to = None
include_unplaced = True
if options["unplaced"]:
    include_unplaced = state.url_toggle(
        f"Include the {options['unplaced']} insights given with no place",
        "unplaced",
        default=True,
        help="Insights uploaded with neither a place nor an activity belong to no place or ICS.",
    )

filters = search.Filters(
    place=place,
    places=None if my_places is None else tuple(sorted(my_places)),
    include_unplaced=include_unplaced,
    theme=None if theme == ANY else theme,
    group=None if group == ANY else group,
    programme=None if programme == ANY else programme,
    date_from=heard_from,
    date_to=heard_to,
)
results = index.search(text, filters, limit=RESULTS_SHOWN)
found = narrative.search(listed_name, results)
if not results.total:
    st.info(widgets.escape_markdown(found), icon=":material/search_off:")
else:
    widgets.sentence(found)
    for hit in results.hits.to_dict("records"):
        with st.container(border=True):
            st.html(cards.card_html(hit, group_label))
    shown = min(RESULTS_SHOWN, results.total)
    st.caption(
        f"Showing {'the best ' if results.match != 'none' else ''}{shown} of {results.total:,}. "
        "Download them all as a CSV, or narrow the search."
    )
    st.download_button(
        f"Download these {results.total:,} insights (CSV)",
        to_csv_bytes(cards.results_table(results.matches)),
        file_name="wpc-insights.csv",
        mime="text/csv",
        key="insights_csv",
    )

    st.subheader("Themes in these insights")
    themes = search.theme_counts(results.matches)
    if themes.empty:
        st.write("None of these insights names a theme.")
    else:
        widgets.chart(figures.theme_bars(themes), key="insights_themes_chart")
        widgets.sentence(narrative.themes(themes, results.total))
        with st.expander("Numbers behind the chart"):
            widgets.table(
                themes.rename(columns={"theme": "Theme", "insights": "Insights"}), key="insights_themes"
            )

# ---------- before you engage
st.header("Before you engage")
st.caption(
    "For the place chosen in the sidebar and one group: what they have already told us, and what engagement "
    "has asked of them in the last 12 months. The sidebar's activity filters apply to the activities."
)
groups = list(dict.fromkeys(["core20", *preset.plus_groups, *options["groups"]]))
engage_group = state.url_selectbox(
    "Group to engage", groups, key="engage_group", format_func=group_label, omit_default=True
)
known = index.search("", search.Filters(place=place, places=filters.places, include_unplaced=False,
                                        group=engage_group), limit=5)
recent = state.only_my_places(cache.call(log.recent_activities, path, scope=scope, target_group=engage_group))
widgets.sentence(narrative.before_you_engage(listed_name, group_label(engage_group), known.total, recent))
told_column, done_column = st.columns(2)
with told_column:
    st.subheader("What they told us")
    if not known.total:
        st.write("No insight recorded yet.")
    for hit in known.hits.head(5).to_dict("records"):
        with st.container(border=True):
            st.html(cards.card_html(hit, group_label))
    if known.total > 5:
        st.caption(
            f"The newest 5 of {known.total:,}: choose this group in the Group filter above to see them all."
        )
with done_column:
    st.subheader("Activities in the last 12 months")
    if recent.empty:
        st.write("None recorded.")
    else:
        widgets.table(
            recent[
                ["start_date", "title", "organisation", "method", "participants", "feedback_status"]
            ].rename(
                columns={
                    "start_date": "Start",
                    "title": "Title",
                    "organisation": "Organisation",
                    "method": "Method",
                    "participants": "Participants",
                    "feedback_status": "Feedback",
                }
            ),
            key="insights_recent",
            threshold=threshold,
        )
