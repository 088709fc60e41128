"""Overview: the ICS or place at a glance. Core20 reach against residents by place, who took
part, how deeply, whether people were told what changed, and how far the data can be trusted."""

import streamlit as st

from wpc import dashboard, figures, narrative
from wpc.format import count, number, pct
from wpc.ui import cache, state, widgets

preset, place = state.scope()
scope = state.measure_scope()
path = state.db_path()
name = place or preset.name
threshold = preset.thresholds.suppression

st.title(f"Overview: {name}")
st.markdown(
    "Whom does our work with people and communities reach, and does it reach those who face the worst "
    "health inequalities? Core20 = the most deprived 20% of neighbourhoods in England (IMD 2025)."
)

view = cache.call(dashboard.overview, path, scope=scope)
if not view["activities"] and view["participants"]["total"] == 0:
    widgets.nothing_to_show("engagement activities")
    st.stop()

core20 = view["core20"]
st.subheader("Core20 reach")
headline, sentence = st.columns([1, 3])
headline.metric("Core20 reach", pct(core20["engaged_share"]),
                help="Share of participants with a known home who live in Core20 neighbourhoods "
                "(95% Wilson interval in the table below).")
headline.metric("Residents in Core20 areas", pct(core20["population_share"]))
sentence.markdown(narrative.core20_reach(name, core20))

by_place = cache.call(dashboard.core20_by_place, path, scope=dashboard.whole_ics(scope))
widgets.chart(figures.share_intervals(by_place, label_column="area", highlight=name,
                                      population_name="Residents in Core20 areas",
                                      share_title="Core20 share of participants (%), with 95% interval"),
              key="overview_core20_places")
st.markdown(narrative.core20_places(preset.name, by_place))
with st.expander("Numbers behind the chart", expanded=False):
    widgets.table(dashboard.reach_display(by_place, label_column="area", label_title="Area"),
                  key="overview_core20_table", percent_columns=dashboard.SHARE_COLUMNS, threshold=threshold,
                  one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS)

st.subheader("Engagement at a glance")
people, activities, depth, loop = st.columns(4)
people.metric("Participants", count(view["participants"]["total"]),
              help="One per person per activity: someone at two activities counts twice.")
people.markdown(narrative.participants_summary(name, view["participants"]))
activities.metric("Activities", number(view["activities"]))
activities.markdown(narrative.activities_held(name, view["activities"], view["feedback"]))
depth.metric("Co-design or co-production", pct(view["depth"]["share"]),
             help="Activities at rungs 6 (co-design) and 7 (co-production) of the ladder of participation, "
             "of those with a rung recorded.")
depth.markdown(narrative.involvement_depth(name, view["depth"]))
loop.metric("Feedback closed on time", pct(view["feedback"]["share_closed_on_time"]),
            help="You said, we did: activities that reported back by their due date, of those closed or "
            "overdue.")
loop.markdown(narrative.feedback_loop(name, view["feedback"]))

st.subheader("Data quality")
warnings = narrative.quality_warnings(view["quality"])
if warnings:
    st.warning("\n".join(f"- {w}" for w in warnings), icon=":material/warning:")
else:
    st.success("No data-quality warnings for this choice.", icon=":material/check_circle:")
