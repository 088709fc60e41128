"""Population context: who lives in the ICS or place, and how deprived their neighbourhoods are."""

import streamlit as st

from wpc.ui import cache, state, widgets
from wpc.views import population

preset, place = state.scope()
view = cache.call(population.build, state.db_path(), preset=preset.id, place=place)

st.title(f"Population context: {view.name}")
st.caption(
    "Who lives here, and how deprived are their neighbourhoods compared with all of England? "
    "Real data: English Indices of Deprivation 2025 and Census 2021 usual residents."
)
widgets.metrics(view.metrics)
st.markdown(view.sentence)

st.subheader(view.places.title)
widgets.chart(view.places_chart, key="population_core20_places")
st.markdown(view.places_sentence)
with st.expander("Numbers behind the chart", expanded=True):
    widgets.show_table(view.places, key="population_places")

st.subheader(view.deciles.title)
widgets.chart(view.deciles_chart, key="population_deciles")
st.markdown(view.deciles_sentence)
with st.expander("Numbers behind the chart"):
    widgets.show_table(view.deciles, key="population_deciles_table")

st.subheader("Neighbourhoods by national deprivation decile")
widgets.chart(view.map_chart, key="population_map")
st.caption(view.map_caption)
