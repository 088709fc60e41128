"""Activity log and feedback loop: what the scope's activities were, how far up the ladder of
participation they went, where they sit in the engagement cycle, whether people were told what
changed ("you said, we did"), and who took part in each one. Lists of activities show only the
person's own places (wpc.views.activity applies their access)."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import activity, what_works

here = state.here()
frame.title(f"Activity log and feedback loop: {widgets.escape_markdown(here.name)}")
st.caption(
    "What engagement happened here, how much power it shared with people, and whether they were told "
    "what changed because of what they said. The sidebar's place, period and activity filters apply."
)
top = cache.call(activity.headlines, here.path, scope=here.scope)
if top.empty:
    widgets.nothing_to_show("activities")
    st.stop()
widgets.metrics(top.metrics)
for note in top.not_counted:
    st.info(widgets.escape_markdown(note), icon=":material/info:")

# ---------- the log
st.header("Activity log")
title_filter = state.url_text(
    "Search activity titles", "title", placeholder="e.g. maternity",
    help="Narrows this list and the activity chooser below; the charts keep every activity in the scope.",
)
view = cache.call(activity.activities, here.path, scope=here.scope, access=here.access, title=title_filter or None)
widgets.sentence(view.sentence)
if view.log.empty:
    widgets.nothing_to_show(f'activities with "{title_filter}" in the title' if title_filter
                            else f"activities of {view.listed_name}")
else:
    widgets.show_table(view.log, key="activities_log", download_name="activity log")

# ---------- one activity
st.header("Activity detail")
if view.log.empty:
    st.info("Clear the title search to choose an activity." if title_filter else "No activity to choose.")
else:
    note = None if "activity" in st.session_state else view.link_note(st.query_params.get("activity"))
    if note and note[0] == "warning":
        st.warning(widgets.escape_markdown(note[1]), icon=":material/lock:")
    elif note:
        st.info(widgets.escape_markdown(note[1]))
    # always in the URL, so a shared link keeps its activity after newer ones are uploaded
    activity_id = state.url_selectbox("Choose an activity", list(view.choices), key="activity",
                                      format_func=view.choices.get)
    one = cache.call(activity.detail, here.path, scope=here.scope, activity_id=activity_id)
    st.subheader(widgets.escape_markdown(one.title))
    st.caption(widgets.escape_markdown(one.facts))
    widgets.metrics(one.metrics)
    widgets.show_table(one.table, key="activities_detail_facts")
    said, did = st.columns(2)
    said.markdown("**You said**")
    said.text(one.you_said)
    did.markdown("**We did**")
    did.text(one.we_did)

    st.subheader("Who took part")
    dimension = "imd_quintile"
    if one.monitored:
        dimension = state.url_selectbox("Show participants by", list(activity.PROFILE_DIMENSIONS), key="profile",
                                        format_func=activity.PROFILE_LABELS.get, omit_default=True)
    who = cache.call(activity.profile, here.path, scope=here.scope, activity_id=activity_id, dimension=dimension)
    if who.chart is not None:
        widgets.chart(who.chart, key="activities_profile_chart")
    widgets.sentence(who.sentence)
    if who.table is not None:
        widgets.show_table(who.table, key="activities_profile_table")
        st.caption("Everyone who took part, wherever they live. Deprivation is the national IMD 2025 quintile "
                   "of their home neighbourhood.")

# ---------- ladder and cycle
st.header("Ladder of participation and engagement cycle")
for column, (heading, kind) in zip(st.columns(2), (("Ladder of participation", "ladder"),
                                                    ("Engagement cycle", "cycle"))):
    steps = cache.call(activity.steps, here.path, scope=here.scope, kind=kind)
    key = f"activities_{kind}"
    with column:
        st.subheader(widgets.escape_markdown(heading))
        widgets.explained(steps.chart, steps.sentence, steps.table, f"{key}_chart", f"{key}_table")
st.caption(activity.STEPS_CAPTION)

# ---------- what works
st.header("What works: who reaches Core20 residents, and at what cost")
breakdown = state.url_selectbox("Compare by", list(what_works.BREAKDOWNS), key="works_by",
                                default=what_works.DEFAULT_BREAKDOWN, omit_default=True,
                                format_func=lambda b: what_works.BREAKDOWNS[b][2])
works = cache.call(what_works.build, here.path, scope=here.scope, breakdown=breakdown)
widgets.sentence(works.sentence)
widgets.sentence(works.cost_sentence)
widgets.chart(works.chart, key="activities_what_works_chart")
st.caption(what_works.CAPTION)
widgets.show_table(works.table, key="activities_what_works_table")

# ---------- feedback loop
loop = cache.call(activity.feedback_loop, here.path, scope=here.scope, access=here.access)
st.header("You said, we did: the feedback loop")
widgets.sentence(loop.sentence)
st.subheader("By organisation")
widgets.chart(loop.chart, key="activities_feedback_chart")
widgets.sentence(loop.overdue_sentence)
with st.expander("Numbers behind the chart", expanded=True):
    widgets.show_table(loop.by_organisation, key="activities_feedback_table")
if loop.by_place is not None:
    with st.expander("By place"):
        widgets.show_table(loop.by_place, key="activities_feedback_places")
st.subheader("Overdue feedback, longest overdue first")
if loop.all_on_time:
    st.success(widgets.escape_markdown(loop.all_on_time))
else:
    widgets.show_table(loop.overdue, key="activities_overdue")
st.caption(widgets.escape_markdown(loop.due_rule))
