"""Population context: who lives in the ICS or place, and how deprived their neighbourhoods
are against all of England (open data only: IMD 2025, Census 2021, ONS boundaries)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import population, presets
from wpc.views import charts
from wpc.views.compare import extreme, names
from wpc.views.format import listed, number, pct
from wpc.views.parts import Metric, Table

MAP_CAPTION = (
    "Each shape is a Lower layer Super Output Area (about 1,500 residents), coloured by its national "
    "IMD 2025 decile: darkest = most deprived 10% of England. Boundaries: ONS BSC 2021, drawn offline."
)


@dataclass(frozen=True)
class Population:
    name: str  # the place, else the ICS
    ics: str
    metrics: tuple[Metric, ...]
    sentence: str
    places_chart: go.Figure
    places_sentence: str
    places: Table
    deciles_chart: go.Figure
    deciles_sentence: str
    deciles: Table
    map_chart: go.Figure
    map_sentence: str
    lsoas: Table  # the numbers behind the map
    map_caption: str = MAP_CAPTION


def build(con: duckdb.DuckDBPyConnection, preset: str, place: str | None = None) -> Population:
    """The population context of one ICS (place None) or one of its places."""
    ics = presets.registered_preset(con, preset).name
    name = place or ics
    summary = population.scope_summary(con, preset, place)
    places = population.places_summary(con, preset)
    england = population.england_core20_share(con)
    deciles = population.decile_distribution(con, preset, place)
    areas = population.lsoas_for_map(con, preset, place)
    metrics = (
        Metric("Residents (Census 2021)", number(summary["residents"])),
        Metric("Core20 population share", pct(summary["core20_share"]),
               "Share of residents living in the most deprived 20% of neighbourhoods in England "
               "(national IMD 2025 deciles 1 and 2)."),
        Metric("Neighbourhoods (LSOAs)", number(summary["lsoas"])),
        Metric("Core20 neighbourhoods", number(summary["core20_lsoas"])),
    )
    places_table = Table("population-places", f"Core20 population share by place in {ics}", places.rename(columns={
        "place": "Place", "lsoas": "LSOAs", "residents": "Residents", "core20_lsoas": "Core20 LSOAs",
        "core20_residents": "Core20 residents", "core20_share": "Core20 population share"}),
        percent_columns=("Core20 population share",))
    deciles_table = Table("population-deciles", "Residents by national deprivation decile", deciles.rename(columns={
        "imd_decile": "IMD decile", "lsoas": "LSOAs", "residents": "Residents",
        "residents_share": "Share of residents"}), percent_columns=("Share of residents",))
    return Population(
        name=name, ics=ics, metrics=metrics, sentence=core20_population(name, summary),
        places_chart=charts.core20_share_by_place(places, england, highlight=place),
        places_sentence=core20_by_place(ics, places, england), places=places_table,
        deciles_chart=charts.imd_decile_bars(deciles), deciles_sentence=decile_distribution(name, deciles),
        deciles=deciles_table, map_chart=charts.lsoa_map(areas),
        map_sentence=map_sentence(name, areas),
        lsoas=Table("population-lsoas", f"Neighbourhoods (LSOAs) of {name}, most deprived first",
                    lsoas_display(areas)),
    )


def lsoas_display(areas) -> pd.DataFrame:
    """population.lsoas_for_map rows (most deprived first) as the table behind the map."""
    return pd.DataFrame({
        "LSOA": areas["lsoa21cd"].to_numpy(), "Name": areas["lsoa21nm"].to_numpy(),
        "Neighbourhood (MSOA)": areas["msoa21nm"].to_numpy(), "Place": areas["place"].to_numpy(),
        "District": areas["lad24nm"].to_numpy(), "IMD rank": areas["imd_rank"].to_numpy(),
        "IMD decile": areas["imd_decile"].to_numpy(),
        "Core20": ["Yes" if c else "No" for c in areas["core20"]],
        "Residents": areas["population"].to_numpy(),
    })


def map_sentence(scope_name: str, areas) -> str:
    """How many of the scope's neighbourhoods are in England's most deprived tenth."""
    if areas.empty:
        return f"{scope_name} has no neighbourhoods in the reference data."
    most = int((areas["imd_decile"] == 1).sum())
    return (f"{number(most)} of {scope_name}'s {number(len(areas))} neighbourhoods (LSOAs) are in England's "
            "most deprived 10% (decile 1, darkest on the map).")


def core20_population(scope_name: str, summary: dict) -> str:
    """'In Thurrock, 14.8% of residents (25,988 of 175,970) live in the most deprived 20% of areas in England.'"""
    if not summary.get("residents"):
        return f"{scope_name} has no residents in the reference data."
    if not summary["core20_residents"]:
        return (
            f"None of {scope_name}'s {number(summary['residents'])} residents live in the most "
            "deprived 20% of areas in England (Core20)."
        )
    return (
        f"In {scope_name}, {pct(summary['core20_share'])} of residents "
        f"({number(summary['core20_residents'])} of {number(summary['residents'])}) live in the most "
        f"deprived 20% of areas in England (Core20), across {number(summary['core20_lsoas'])} of its "
        f"{number(summary['lsoas'])} neighbourhoods (LSOAs)."
    )


def decile_distribution(scope_name: str, deciles) -> str:
    """Which end of the national deprivation scale the scope's residents sit at."""
    total = deciles["residents"].sum()
    if not total:
        return f"{scope_name} has no residents in the reference data."
    most = deciles.loc[deciles["imd_decile"] <= 2, "residents"].sum() / total
    least = deciles.loc[deciles["imd_decile"] >= 9, "residents"].sum() / total
    biggest = extreme(deciles, "residents_share", pct, lowest=False)
    which = listed([str(int(d)) for d in biggest["imd_decile"]])
    return (
        f"{pct(most)} of {scope_name}'s residents live in England's most deprived fifth of areas and "
        f"{pct(least)} in the least deprived fifth (an even spread would be 20% each). "
        f"The largest share, {pct(biggest.iloc[0]['residents_share'])}"
        f"{' each' if len(biggest) > 1 else ''}, lives in decile{'s' if len(biggest) > 1 else ''} {which}."
    )


def core20_by_place(ics_name: str, places, england_share: float) -> str:
    """Which places hold the most deprived residents, against England's share."""
    if places.empty:
        return f"{ics_name} has no places defined."
    top = extreme(places, "core20_share", pct, lowest=False)
    low = extreme(places, "core20_share", pct, lowest=True)
    if len(places) == 1:
        return (f"In {top.iloc[0]['place']}, {pct(top.iloc[0]['core20_share'])} of residents live in Core20 "
                f"neighbourhoods, against {pct(england_share)} across England.")
    if len(low) == len(places):
        return (f"In every place of {ics_name}, {pct(low.iloc[0]['core20_share'])} of residents live in Core20 "
                f"neighbourhoods, against {pct(england_share)} across England.")
    return (
        f"Across {ics_name}, the Core20 population share ranges from {pct(low.iloc[0]['core20_share'])} in "
        f"{names(low, 'place')} (the lowest) to {pct(top.iloc[0]['core20_share'])} in {names(top, 'place')} "
        f"(the highest), against {pct(england_share)} across England."
    )
