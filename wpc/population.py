"""Population context: who lives in an ICS and its places, and how deprived their areas are.

Reads only the real reference data (IMD 2025, Census 2021), so it works before any
engagement data is uploaded. Every function takes a connection first (see wpc.ui.cache).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db


def places_summary(con: duckdb.DuckDBPyConnection, preset: str) -> pd.DataFrame:
    """One row per place: LSOAs, residents, Core20 LSOAs and residents, and the Core20
    population share (residents of the most deprived 20% of England's LSOAs / residents)."""
    return db.query(con, "queries/population_by_place", preset=preset)


def scope_summary(con: duckdb.DuckDBPyConnection, preset: str, place: str | None = None) -> dict:
    """The same figures for a whole ICS (place None) or one place."""
    places = places_summary(con, preset)
    if place is not None:
        places = places[places["place"] == place]
        if places.empty:
            raise ValueError(f"{place!r} is not a place of preset {preset!r}")
    residents = int(places["residents"].sum())
    core20_residents = int(places["core20_residents"].sum())
    return {
        "places": len(places),
        "lsoas": int(places["lsoas"].sum()),
        "residents": residents,
        "core20_lsoas": int(places["core20_lsoas"].sum()),
        "core20_residents": core20_residents,
        "core20_share": core20_residents / residents if residents else None,
    }


def decile_distribution(con: duckdb.DuckDBPyConnection, preset: str, place: str | None = None) -> pd.DataFrame:
    """Residents and LSOAs in each national IMD decile (all ten, zeros included)."""
    return db.query(con, "queries/imd_decile_distribution", preset=preset, place=place)


def lsoas_for_map(con: duckdb.DuckDBPyConnection, preset: str, place: str | None = None) -> pd.DataFrame:
    """Each LSOA of the scope with its IMD decile, population and boundary (GeoJSON text)."""
    return db.query(con, "queries/lsoas_for_map", preset=preset, place=place)


def england_core20_share(con: duckdb.DuckDBPyConnection) -> float:
    """Share of England's residents living in Core20 LSOAs (the national benchmark, about 20%)."""
    return db.query(con, "queries/england_core20_share")["core20_share"].iloc[0]
