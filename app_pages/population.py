"""Population context: who lives in the ICS or place, and how deprived their neighbourhoods are."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import population

here = state.here()
view = cache.call(population.build, here.path, preset=here.preset.id, place=here.place)

frame.title(f"Population context: {widgets.escape_markdown(view.name)}", period=False, filters=False)
st.caption(
    "Who lives here, and how deprived are their neighbourhoods compared with all of England? "
    "Real data: English Indices of Deprivation 2025 and Census 2021 usual residents."
)
widgets.metrics(view.metrics)
widgets.sentence(view.sentence)

st.subheader(widgets.escape_markdown(view.places.title))
widgets.explained(view.places_chart, view.places_sentence, view.places, "population_core20_places",
                  "population_places", expanded=True)

st.subheader(widgets.escape_markdown(view.deciles.title))
widgets.explained(view.deciles_chart, view.deciles_sentence, view.deciles, "population_deciles",
                  "population_deciles_table")

st.subheader("Neighbourhoods by national deprivation decile")
widgets.explained(view.map_chart, view.map_sentence, view.lsoas, "population_map", "population_lsoas")
st.caption(widgets.escape_markdown(view.map_caption))
