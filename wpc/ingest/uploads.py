"""The uploads audit: what has been uploaded, when, and with what result."""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db


def recent(con: duckdb.DuckDBPyConnection, limit: int = 20, uploaded_by: str | None = None) -> pd.DataFrame:
    """The latest uploads, newest first; given `uploaded_by` (a login e-mail address), only
    that person's uploads from the app."""
    return db.query(con, "ingest/recent_uploads", limit=limit, uploaded_by=uploaded_by)
