"""Place coverage: which neighbourhoods engagement reaches, the most deprived ones it has not
reached (cold spots), rates by neighbourhood, and who is being asked too often."""

import streamlit as st

from wpc import dashboard, figures, measures, narrative
from wpc.format import count, number, pct
from wpc.ui import cache, state, widgets

COLOURINGS = {"rate": "Participants per 1,000 residents", "imd_decile": "National IMD decile"}

preset, place = state.scope()
scope = state.measure_scope()
path = state.db_path()
name = place or preset.name
threshold = preset.thresholds.suppression
listed_name = state.records_name()  # neighbourhoods are listed for the person's own places only

st.title(f"Place coverage: {name}")
st.markdown(
    "Which of our most deprived neighbourhoods have we not reached, and who is asked again and again? "
    "Participants are counted where they live."
)

people = cache.call(measures.participants, path, scope=scope)
if people["total"] == 0:
    widgets.nothing_to_show("participants")
    st.stop()

coverage = cache.call(measures.coverage, path, scope=scope)
spots = cache.call(measures.cold_spots, path, scope=scope)
reached, share, cold, rate = st.columns(4)
reached.metric("Core20 neighbourhoods reached",
               f"{number(coverage['core20_lsoas_reached'])} of {number(coverage['core20_lsoas'])}")
share.metric("Share reached", pct(coverage["share"]))
cold.metric("Cold spots", number(len(spots)),
            help="Core20 neighbourhoods (LSOAs) with no participant living there.")
rate.metric("Participants per 1,000 residents",
            "–" if coverage["rate_per_1000"] is None else f"{coverage['rate_per_1000']:.1f}")
st.markdown(narrative.coverage_summary(name, coverage, spots))
spots = state.only_my_places(spots)

st.subheader("Map of neighbourhoods")
colouring = state.url_selectbox("Colour the map by", list(COLOURINGS), key="coverage_colour",
                                format_func=COLOURINGS.get)
areas = state.only_my_places(cache.call(dashboard.coverage_map, path, scope=scope))
if colouring == "rate":
    widgets.chart(figures.lsoa_rate_map(areas, threshold), key="coverage_map_rate")
    st.markdown(
        "Each shape is a neighbourhood (LSOA, about 1,500 residents) coloured by participants living "
        "there per 1,000 residents: darker = more. Vermillion = nobody reached; grey = 1 to "
        f"{threshold} participants, rate withheld to protect privacy. Cold spots have a thick black outline."
    )
else:
    widgets.chart(figures.imd_decile_map(areas), key="coverage_map_imd")
    st.markdown(
        "Each shape is a neighbourhood (LSOA) coloured by its national IMD 2025 decile: darkest = most "
        "deprived 10% of England. Cold spots have a thick black outline."
    )
with st.expander("Numbers behind the map"):
    widgets.table(dashboard.coverage_display(areas), key="coverage_lsoa_table", threshold=threshold,
                  one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS)

st.subheader("Cold spots: Core20 neighbourhoods not reached"
             + ("" if listed_name == name else f" in {listed_name}"))
st.markdown(narrative.cold_spots_first(spots))
if not spots.empty:
    widgets.table(dashboard.cold_spots_display(spots), key="coverage_cold_spots")

st.subheader("Neighbourhoods (MSOAs)")
msoas = state.only_my_places(cache.call(measures.area_rates, path, scope=scope, level="msoa"))
st.markdown(narrative.neighbourhood_rates(listed_name, msoas))
widgets.table(dashboard.rates_display(msoas), key="coverage_msoa_table", threshold=threshold,
              one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS)

st.subheader("Engagement fatigue")
fatigue = cache.call(measures.fatigue, path, scope=scope)
st.markdown(narrative.fatigue_summary(name, fatigue))
tables = dashboard.fatigue_tables(
    {**fatigue, "neighbourhoods": state.only_my_rows(fatigue["neighbourhoods"]),
     "overlaps": state.only_my_rows(fatigue["overlaps"])},
    preset,
)
high, repeat, overlapping = st.columns(3)
high.metric(f"Neighbourhoods at {fatigue['limit']}+ activities", number(fatigue["neighbourhoods_high"]))
repeat.metric(f"People at {fatigue['limit']}+ activities", count(fatigue["repeat_participants"]),
              help="Followed by their (hashed) participant reference; people without one cannot be followed.")
overlapping.metric("Target groups with overlapping activities", number(len(fatigue["overlaps"])))
if not tables["neighbourhoods"].empty:
    st.warning(f"These neighbourhoods had people at {fatigue['limit']} or more activities in the window: "
               "consider giving them a rest, or joining up.", icon=":material/warning:")
    widgets.table(tables["neighbourhoods"], key="coverage_fatigue_table")
if not tables["overlaps"].empty:
    st.markdown("Activities in the same place aimed at the same group in the window:")
    widgets.table(tables["overlaps"], key="coverage_overlaps_table")
