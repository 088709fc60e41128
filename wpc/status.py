"""What the database holds right now: which engagement data, and whether any of it is synthetic."""

from __future__ import annotations

import duckdb


def data_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Counts of uploads by source, and whether synthetic demo data is present."""
    rows = con.execute(
        "select source, count(*), sum(rows_stored) from uploads group by source"
    ).fetchall()
    by_source = {source: {"uploads": n, "rows": int(stored or 0)} for source, n, stored in rows}
    return {"demo": "demo" in by_source, "by_source": by_source}
