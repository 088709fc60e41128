"""Overview: the ICS or place at a glance. Core20 reach against residents by place, who took
part, how deeply, whether people were told what changed, and how far the data can be trusted."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import core20, overview, targets

here = state.here()
view = cache.call(overview.build, here.path, scope=here.scope)

frame.title(f"Overview: {widgets.escape_markdown(view.name)}")
st.markdown(
    "Whom does our work with people and communities reach, and does it reach those who face the worst "
    "health inequalities? Core20 = the most deprived 20% of neighbourhoods in England (IMD 2025)."
)
if view.empty:
    widgets.nothing_to_show("engagement activities")
    st.stop()

places = cache.call(core20.places, here.path, scope=here.scope)
st.subheader("Core20 reach")
headline, sentence = st.columns([1, 3])
widgets.metrics(view.core20, columns=[headline] * len(view.core20))
with sentence:
    widgets.sentence(view.core20_sentence)
widgets.chart(places.chart, key="overview_core20_places")
widgets.sentence(places.sentences[1])
with st.expander("Numbers behind the chart", expanded=False):
    widgets.show_table(places.table, key="overview_core20_table")

goals = cache.call(targets.build, here.path, scope=here.scope)
if not goals.empty:
    st.subheader("Targets")
    widgets.sentence(goals.summary)
    widgets.show_table(goals.table, key="overview_targets_table")
    if goals.more:
        with st.expander("How many more would close each gap", expanded=False):
            st.markdown("\n".join(f"- {widgets.escape_markdown(words)}" for words in goals.more))

st.subheader("Engagement at a glance")
for column, (figure, words) in zip(st.columns(len(view.glance)), view.glance):
    widgets.metrics([figure], columns=[column])
    with column:
        widgets.sentence(words)
widgets.show_table(view.participants, key="overview_participants_table")
for note in view.not_counted:
    st.info(widgets.escape_markdown(note), icon=":material/info:")

st.subheader("Data quality")
if view.warnings:
    st.warning("\n".join(f"- {widgets.escape_markdown(w)}" for w in view.warnings), icon=":material/warning:")
else:
    st.success("No data-quality warnings for this choice.", icon=":material/check_circle:")
