"""Activity log and feedback loop: what the scope's activities were, how far up the ladder of
participation they went, where they sit in the engagement cycle, whether people were told what
changed ("you said, we did"), and who took part in each one."""

import streamlit as st

from wpc import figures, measures, narrative
from wpc.format import number, pct
from wpc.measures import log
from wpc.ui import cache, state, widgets

scope = state.measure_scope()
preset, place = state.scope()
path = state.db_path()
threshold = preset.thresholds.suppression
scope_name = place or preset.name
listed_name = state.records_name()  # the place(s) whose activities may be listed here
whole_ics = state.current_access().whole_ics(preset.id)

st.title(f"Activity log and feedback loop: {scope_name}")
st.caption(
    "What engagement happened here, how much power it shared with people, and whether they were told "
    "what changed because of what they said. The sidebar's place, period and activity filters apply."
)

everything = cache.call(log.activity_log, path, scope=scope)
if everything.empty:
    widgets.nothing_to_show("activities")
    st.stop()
ladder = cache.call(measures.ladder, path, scope=scope)
cycle = cache.call(measures.cycle, path, scope=scope)
loop = cache.call(measures.feedback, path, scope=scope)
top_rungs = log.co_design_share(ladder)

activities_metric, codesign_metric, on_time_metric, overdue_metric = st.columns(4)
activities_metric.metric("Activities", number(len(everything)))
codesign_metric.metric(
    "At co-design or co-production",
    pct(top_rungs["share"]),
    help="Share of the activities with a ladder rung recorded that reached rung 6 (co-design) or 7 "
    "(co-production).",
)
on_time_metric.metric(
    "Feedback closed on time",
    pct(loop["share_closed_on_time"]),
    help="Of the activities whose feedback is closed or overdue, the share closed by the due date: "
    f"feedback_due, else the end (or start) date + {preset.thresholds.feedback_window_days} days.",
)
overdue_metric.metric("Feedback overdue", number(loop["overdue"]))

# ---------- the log
st.header("Activity log")
title_filter = state.url_text(
    "Search activity titles",
    "title",
    placeholder="e.g. maternity",
    help="Narrows this list and the activity chooser below; the charts keep every activity in the scope.",
)
shown = state.only_my_places(
    cache.call(log.activity_log, path, scope=scope, title_contains=title_filter)
    if title_filter
    else everything
)
widgets.sentence(narrative.activity_log(listed_name, shown, title_filter))
if shown.empty:
    widgets.nothing_to_show(f'activities with "{title_filter}" in the title' if title_filter
                            else f"activities of {listed_name}")
else:
    columns = {
        "start_date": "Start",
        "title": "Title",
        "place": "Place",
        "organisation": "Organisation",
        "programme": "Programme",
        "method": "Method",
        "ladder_name": "Ladder rung",
        "cycle_name": "Cycle stage",
        "target_group_names": "Target groups",
        "participants": "Participants",
        "feedback_status": "Feedback",
        "feedback_due": "Feedback due",
        "activity_id": "Activity ID",
    }
    if place:
        columns.pop("place")
    table = shown[list(columns)].rename(columns=columns)
    widgets.table(table, key="activities_log", threshold=threshold, download_name="activity log")

# ---------- one activity
st.header("Activity detail")
if shown.empty:
    st.info("Clear the title search to choose an activity." if title_filter else "No activity to choose.")
else:
    titles = dict(
        zip(shown["activity_id"], shown["title"] + " · " + shown["start_date"].dt.strftime("%d/%m/%Y"))
    )
    asked = st.query_params.get("activity")
    if "activity" not in st.session_state and asked and asked not in titles and not whole_ics:
        st.warning(
            f"You cannot open the activity this link names: it is not an activity of your places "
            f"({listed_name}) in this choice of place, period and filters, so nothing of it is shown. "
            "Showing the newest of yours instead.",
            icon=":material/lock:",
        )
    elif "activity" not in st.session_state and asked and asked not in titles:
        st.info(
            f"Activity {widgets.escape_markdown(asked)} is not in this list (place, period, filters or title "
            "search); showing the newest activity instead."
        )
    # always in the URL, so a shared link keeps its activity after newer ones are uploaded
    activity_id = state.url_selectbox(
        "Choose an activity", list(titles), key="activity", format_func=titles.get
    )
    detail = cache.call(log.activity_detail, path, scope=scope, activity_id=activity_id)
    profile = cache.call(log.activity_profile, path, scope=scope, activity_id=activity_id)
    st.subheader(widgets.escape_markdown(detail["title"]))
    facts = [detail["place"], detail["organisation"], detail["programme"], detail["method"]]
    st.caption(widgets.escape_markdown(" · ".join(str(f) for f in facts if f)))
    people, rung, stage, status = st.columns(4)
    people.metric(
        "Participants",
        "*" if detail["participants"] == "*" else number(detail["participants"]),
        help=f"From {detail['source_description']}.",
    )
    rung.metric(
        "Ladder rung", f"{detail['ladder_rung']} {detail['ladder_name']}" if detail["ladder_rung"] else "–"
    )
    stage.metric(
        "Cycle stage", f"{detail['cycle_stage']} {detail['cycle_name']}" if detail["cycle_stage"] else "–"
    )
    status.metric(
        "Feedback", detail["feedback_status"].capitalize(), help=f"Due {detail['feedback_due_date']}."
    )
    widgets.table(log.detail_table(detail), key="activities_detail_facts", threshold=threshold)
    said, did = st.columns(2)
    with said:
        st.markdown("**You said**")
        st.text(detail["you_said"] or "Not recorded.")
    with did:
        st.markdown("**We did**")
        st.text(detail["we_did"] or "Not recorded.")

    st.subheader("Who took part")
    if detail["source"] in ("none", "headcount"):
        widgets.sentence(narrative.activity_profile(detail, profile, "imd_quintile", "deprivation"))
    else:
        dimension = state.url_selectbox(
            "Show participants by",
            list(log.PROFILE_DIMENSIONS),
            key="profile",
            format_func=log.PROFILE_LABELS.get,
            omit_default=True,
        )
        widgets.chart(figures.profile_bars(profile, dimension), key="activities_profile_chart")
        widgets.sentence(
            narrative.activity_profile(detail, profile, dimension, log.PROFILE_LABELS[dimension])
        )
        rows = profile[profile["dimension"] == dimension]
        widgets.table(
            rows[["label", "participants", "share"]].rename(
                columns={
                    "label": log.PROFILE_LABELS[dimension],
                    "participants": "Participants",
                    "share": "Share of those known",
                }
            ),
            key="activities_profile_table",
            percent_columns=("Share of those known",),
            threshold=threshold,
        )
        st.caption(
            "Everyone who took part, wherever they live. Deprivation is the national IMD 2025 quintile of "
            "their home neighbourhood."
        )

# ---------- ladder and cycle
st.header("Ladder of participation and engagement cycle")
ladder_column, cycle_column = st.columns(2)
with ladder_column:
    st.subheader("Ladder of participation")
    widgets.chart(figures.steps_bars(ladder, "rung"), key="activities_ladder_chart")
    widgets.sentence(narrative.ladder(scope_name, ladder))
    with st.expander("Numbers behind the chart"):
        widgets.table(
            ladder.rename(columns=log.STEP_TITLES),
            key="activities_ladder_table",
            percent_columns=("Share of those recorded",),
        )
with cycle_column:
    st.subheader("Engagement cycle")
    widgets.chart(figures.steps_bars(cycle, "stage"), key="activities_cycle_chart")
    widgets.sentence(narrative.cycle(scope_name, cycle))
    with st.expander("Numbers behind the chart"):
        widgets.table(
            cycle.rename(columns=log.STEP_TITLES),
            key="activities_cycle_table",
            percent_columns=("Share of those recorded",),
        )
st.caption(
    "The last row of each table counts the activities with no rung or stage recorded, as a share of all."
)

# ---------- feedback loop
st.header("You said, we did: the feedback loop")
widgets.sentence(narrative.feedback(scope_name, loop))
st.subheader("By organisation")
widgets.chart(figures.feedback_by_organisation(loop["by_organisation"]), key="activities_feedback_chart")
widgets.sentence(narrative.overdue_by_organisation(loop))
with st.expander("Numbers behind the chart", expanded=True):
    widgets.table(
        log.feedback_table(loop["by_organisation"], "organisation").rename(columns=log.FEEDBACK_TITLES),
        key="activities_feedback_table",
        percent_columns=("Share closed on time",),
    )
if place is None and loop["by_place"]:
    with st.expander("By place"):
        widgets.table(
            log.feedback_table(loop["by_place"], "place").rename(columns=log.FEEDBACK_TITLES),
            key="activities_feedback_places",
            percent_columns=("Share closed on time",),
        )
st.subheader("Overdue feedback, longest overdue first")
overdue_activities = state.only_my_rows(loop["overdue_activities"])
if overdue_activities:
    overdue = log.overdue_table(overdue_activities, with_place=place is None)
    widgets.table(overdue, key="activities_overdue")
elif loop["overdue_activities"]:
    st.success(f"No activity of {listed_name} has overdue feedback.")
else:
    st.success("No activity's feedback is overdue.")
st.caption(loop["due_rule"].capitalize() + ".")
