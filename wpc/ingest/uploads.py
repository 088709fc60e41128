"""The uploads audit: what has been uploaded, when, and with what result."""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db


def recent(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The latest uploads, newest first."""
    return db.query(con, "ingest/recent_uploads", limit=limit)
