"""Reading the insight library from the database, for the search index and its pages."""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db
from wpc.insights.search import InsightIndex


def insight_rows(con: duckdb.DuckDBPyConnection, preset: str) -> pd.DataFrame:
    """The insights of one ICS, and those given with no place (tied to no ICS), newest first."""
    return db.query(con, "queries/insights", preset=preset)


def load_index(con: duckdb.DuckDBPyConnection, preset: str) -> InsightIndex:
    """The searchable library of one ICS (built in memory; pages cache it per database version)."""
    return InsightIndex(insight_rows(con, preset))
