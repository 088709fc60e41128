"""The uploads audit: what has been uploaded, when, and with what result; and each upload's
quarantined rows, to download and fix."""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db
from wpc.ingest import standard


def recent(con: duckdb.DuckDBPyConnection, limit: int = 20, uploaded_by: str | None = None) -> pd.DataFrame:
    """The latest uploads, newest first; given `uploaded_by` (a login e-mail address), only
    that person's uploads from the app."""
    return db.query(con, "ingest/recent_uploads", limit=limit, uploaded_by=uploaded_by)


def upload_of(con: duckdb.DuckDBPyConnection, upload_id: int, uploaded_by: str | None = None) -> dict | None:
    """One upload's kind, file name and quarantined row count; None when there is no such
    upload, or (given `uploaded_by`) it is someone else's."""
    found = db.query(con, "ingest/upload_of", upload_id=upload_id, uploaded_by=uploaded_by)
    return None if found.empty else found.iloc[0].to_dict()


def quarantined_rows(con: duckdb.DuckDBPyConnection, upload_id: int, kind: str) -> pd.DataFrame:
    """An earlier upload's quarantined rows from the stored quarantine: `upload_line`,
    `problems` and the kind's standard columns, as the quarantine keeps them (postcodes cut to
    their sector, participant refs withheld, identifiers scrubbed). Every quarantined row is
    here, so it can be fixed and uploaded again long after the upload."""
    names = [spec.name for spec in standard.fields(kind)]
    found = db.query(con, "ingest/stored_rejects", upload_id=upload_id,
                     paths=[f'$."{name}"' for name in names])
    cells = pd.DataFrame(found["cells"].tolist(), columns=names, index=found.index) if len(found) \
        else pd.DataFrame(columns=names)
    return pd.concat([found[["upload_line", "problems"]], cells], axis=1)
