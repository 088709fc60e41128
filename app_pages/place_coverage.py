"""Place coverage: which neighbourhoods engagement reaches, the most deprived ones it has not
reached (cold spots), rates by neighbourhood, and who is being asked too often. Lists of
neighbourhoods show only the person's own places (wpc.views.coverage applies their access)."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import coverage, gradient

here = state.here()
view = cache.call(coverage.build, here.path, scope=here.scope, access=here.access)

frame.title(f"Place coverage: {widgets.escape_markdown(view.name)}")
st.markdown(
    "Which of our most deprived neighbourhoods have we not reached, and who is asked again and again? "
    "Participants are counted where they live."
)
if view.empty:
    widgets.nothing_to_show("participants")
    st.stop()

widgets.metrics(view.metrics)
widgets.sentence(view.sentence)

st.subheader("Map of neighbourhoods")
colouring = state.url_selectbox("Colour the map by", list(coverage.COLOURINGS), key="coverage_colour",
                                format_func=coverage.COLOURINGS.get)
shown = cache.call(coverage.coverage_map, here.path, scope=here.scope, colouring=colouring, access=here.access)
widgets.chart(shown.chart, key=f"coverage_map_{'rate' if colouring == 'rate' else 'imd'}")
widgets.sentence(shown.caption)
with st.expander("Numbers behind the map"):
    widgets.show_table(shown.table, key="coverage_lsoa_table")

st.subheader("Cold spots: Core20 neighbourhoods not reached"
             + ("" if view.listed_name == view.name else f" in {widgets.escape_markdown(view.listed_name)}"))
widgets.sentence(view.spots_sentence)
if not view.spots.empty:
    widgets.show_table(view.spots, key="coverage_cold_spots")

st.subheader("Deprivation gradient: engagement by IMD decile")
slope = cache.call(gradient.build, here.path, scope=here.scope)
widgets.sentence(slope.sentence)
widgets.metrics(slope.metrics)
widgets.chart(slope.chart, key="coverage_gradient_chart")
st.caption(gradient.CAPTION)
with st.expander("Numbers behind the chart"):
    widgets.show_table(slope.table, key="coverage_gradient_table")
    st.caption(widgets.escape_markdown(slope.method))

st.subheader("Neighbourhoods (MSOAs)")
widgets.sentence(view.msoa_sentence)
widgets.show_table(view.msoas, key="coverage_msoa_table")

st.subheader("Engagement fatigue")
widgets.sentence(view.fatigue_sentence)
widgets.metrics(view.fatigue_metrics)
if view.fatigue_warning:
    st.warning(widgets.escape_markdown(view.fatigue_warning), icon=":material/warning:")
if not view.fatigue_neighbourhoods.empty:
    widgets.show_table(view.fatigue_neighbourhoods, key="coverage_fatigue_table")
if not view.overlaps.empty:
    st.markdown("Activities in the same place aimed at the same group in the window:")
    widgets.show_table(view.overlaps, key="coverage_overlaps_table")
