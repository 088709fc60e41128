"""Population context: who lives in the ICS or place, and how deprived their neighbourhoods are."""

import streamlit as st

from wpc import figures, narrative, population
from wpc.format import number, pct
from wpc.ui import cache, state, widgets

preset, place = state.scope()
path = state.db_path()
scope_name = place or preset.name

st.title(f"Population context: {scope_name}")
st.caption(
    "Who lives here, and how deprived are their neighbourhoods compared with all of England? "
    "Real data: English Indices of Deprivation 2025 and Census 2021 usual residents."
)

summary = cache.call(population.scope_summary, path, preset=preset.id, place=place)
residents, core20_share, lsoas, core20_lsoas = st.columns(4)
residents.metric("Residents (Census 2021)", number(summary["residents"]))
core20_share.metric("Core20 population share", pct(summary["core20_share"]),
                    help="Share of residents living in the most deprived 20% of neighbourhoods in England "
                    "(national IMD 2025 deciles 1 and 2).")
lsoas.metric("Neighbourhoods (LSOAs)", number(summary["lsoas"]))
core20_lsoas.metric("Core20 neighbourhoods", number(summary["core20_lsoas"]))
st.markdown(narrative.core20_population(scope_name, summary))

st.subheader(f"Core20 population share by place in {preset.name}")
places = cache.call(population.places_summary, path, preset=preset.id)
england = cache.call(population.england_core20_share, path)
widgets.chart(figures.core20_share_by_place(places, england, highlight=place), key="population_core20_places")
st.markdown(narrative.core20_by_place(preset.name, places, england))
with st.expander("Numbers behind the chart", expanded=True):
    widgets.table(
        places.rename(columns={
            "place": "Place", "lsoas": "LSOAs", "residents": "Residents", "core20_lsoas": "Core20 LSOAs",
            "core20_residents": "Core20 residents", "core20_share": "Core20 population share"}),
        key="population_places", percent_columns=("Core20 population share",),
    )

st.subheader("Residents by national deprivation decile")
deciles = cache.call(population.decile_distribution, path, preset=preset.id, place=place)
widgets.chart(figures.imd_decile_bars(deciles), key="population_deciles")
st.markdown(narrative.decile_distribution(scope_name, deciles))
with st.expander("Numbers behind the chart"):
    widgets.table(
        deciles.rename(columns={"imd_decile": "IMD decile", "lsoas": "LSOAs", "residents": "Residents",
                                "residents_share": "Share of residents"}),
        key="population_deciles_table", percent_columns=("Share of residents",),
    )

st.subheader("Neighbourhoods by national deprivation decile")
areas = cache.call(population.lsoas_for_map, path, preset=preset.id, place=place)
widgets.chart(figures.lsoa_map(areas), key="population_map")
st.caption(
    "Each shape is a Lower layer Super Output Area (about 1,500 residents), coloured by its national "
    "IMD 2025 decile: darkest = most deprived 10% of England. Boundaries: ONS BSC 2021, drawn offline."
)
