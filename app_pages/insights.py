"""Insight library: what people have already told us, searchable offline, and what is already
known and recently done for a group in a place before anyone engages them again. Only the
insights and activities of the person's own places are searched (wpc.views.insights)."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import activity, insights

here = state.here()
preset, place, access = here.preset, here.place, here.access
label = insights.group_label(preset)

frame.title(f"Insight library: {widgets.escape_markdown(here.name)}", period=False)
st.caption(
    "What people have already told us, before anyone asks them again. Search finds words from the same "
    'stem ("appointment" finds "appointments") and works with no internet. The sidebar\'s ICS and place '
    "apply; its period and activity filters are for activities, so use the insight filters here."
)
try:
    index = cache.resource(insights.index, here.path, preset=preset.id)
except insights.SearchUnavailable as exc:
    st.error(widgets.escape_markdown(exc))
    st.stop()
lib = insights.choices(index, preset, place, access)
if lib.empty:
    st.info(f"No insights have been uploaded for {widgets.escape_markdown(preset.name)} yet. "
            "Upload an insights "
            "file on the "
            "Upload and data quality page to build the library.", icon=":material/library_books:")
    st.stop()

# ---------- search
text = state.url_text(
    "Search what people told us", "q", placeholder='e.g. appointment, or "waiting times"',
    help="Searches summaries, quotes, themes and source titles. Every word must appear (or, if no insight "
    'has them all, any of them); put a phrase in "double quotes" to keep its words together.',
)
columns = st.columns([3, 3, 3, 2, 2])
theme = state.url_selectbox("Theme", [insights.ANY, *lib.themes], key="theme", container=columns[0],
                            omit_default=True)
group = state.url_selectbox("Group", [insights.ANY, *lib.groups], key="group", container=columns[1],
                            format_func=label, omit_default=True)
programme = state.url_selectbox("Programme", [insights.ANY, *lib.programmes], key="insight_programme",
                                container=columns[2], omit_default=True)
heard_from = state.url_date("Heard from", "heard_from", container=columns[3], help="Insight date on or after.")
heard_to = state.url_date("Heard to", "heard_to", container=columns[4], help="Insight date on or before.")
if heard_from and heard_to and heard_from > heard_to:
    st.error("The dates are reversed: 'Heard from' is after 'Heard to'. Showing every date from 'Heard from'.")
    heard_to = None
include_unplaced = bool(lib.unplaced) and state.url_toggle(
    f"Show the {lib.unplaced} insights given with no place, apart", "unplaced", default=True,
    help="Insights uploaded with neither a place nor an activity are for the whole ICS: they are listed in "
    "their own section below the place's.",
)
searched = (text, theme, group, programme, heard_from, heard_to, include_unplaced, place)
page = state.requested_page("page", restart_on=searched)
found = insights.find(index, preset, place, access, text, theme, group, programme, heard_from, heard_to,
                      include_unplaced, page)
if found.respelled:
    st.info(widgets.escape_markdown(found.respelled), icon=":material/spellcheck:")
if not found.total:
    st.info(widgets.escape_markdown(found.sentence), icon=":material/search_off:")
else:
    widgets.sentence(found.sentence)
    for card in found.cards:
        with st.container(border=True):
            st.html(card)
    st.caption(widgets.escape_markdown(found.caption))
state.url_page(f"Page (of {found.pages})", "page", found.page, found.pages)
if found.ics_wide is not None and (found.ics_wide.total or text):
    st.subheader(widgets.escape_markdown(found.ics_wide.title))
    widgets.sentence(found.ics_wide.sentence)
    for card in found.ics_wide.cards:
        with st.container(border=True):
            st.html(card)
    if found.ics_wide.caption:
        st.caption(widgets.escape_markdown(found.ics_wide.caption))
if found.downloads:
    widgets.csv_button(f"Download these {found.downloads:,} insights (CSV)", found.results,
                       f"{widgets.file_stem('insights', place_only=True)}.csv", key="insights_csv")
    st.subheader("Themes in these insights")
    if found.themes is None:
        st.write("None of these insights names a theme.")
    else:
        widgets.explained(found.themes_chart, found.themes_sentence, found.themes, "insights_themes_chart",
                          "insights_themes")

# ---------- before you engage
st.header("Before you engage")
st.caption(
    "For the place chosen in the sidebar and one group: what they have already told us, and what engagement "
    "has asked of them in the last 12 months. The sidebar's activity filters apply to the activities."
)
engage_group = state.url_selectbox("Group to engage", list(lib.engage_groups), key="engage_group",
                                   format_func=label, omit_default=True)
recent = cache.call(activity.recent, here.path, scope=here.scope, group=engage_group, access=here.access)
before = insights.engage(index, preset, place, engage_group, recent, access)
widgets.sentence(before.sentence)
told_column, done_column = st.columns(2)
with told_column:
    st.subheader("What they told us")
    if not before.cards:
        st.write("No insight recorded yet.")
    for card in before.cards:
        with st.container(border=True):
            st.html(card)
    if before.more:
        st.caption(widgets.escape_markdown(before.more))
with done_column:
    st.subheader("Activities in the last 12 months")
    if before.recent.empty:
        st.write("None recorded.")
    else:
        widgets.show_table(before.recent, key="insights_recent")
