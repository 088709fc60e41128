"""Deleting uploads: every row an upload stored and its quarantine and audit rows, in one
transaction (the right to erasure, a mistaken upload, or the demo data once real data arrive).

An activities upload takes with it the participants, returns and insights of its activities,
whichever upload brought them: without their activity they would describe nothing. An
activity updated by a later upload belongs to that later upload. The salt is kept: later
uploads of the same people still hash to the same refs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wpc import db


def summary(db_path: Path, upload_ids: list[int]) -> pd.DataFrame:
    """What deleting these uploads would remove: one row per upload found, with row counts."""
    with db.reading(db_path) as con:
        con.register("wanted_uploads", pd.DataFrame({"upload_id": pd.Series(upload_ids, dtype="int64")}))
        return db.query(con, "delete/upload_summary")


def demo_uploads(db_path: Path) -> list[int]:
    with db.reading(db_path) as con:
        return [int(i) for i in db.query(con, "delete/demo_uploads")["upload_id"]]


def delete_uploads(db_path: Path, upload_ids: list[int]) -> dict[str, int]:
    """Delete the uploads in one transaction; returns the rows removed from each table."""
    wanted = pd.DataFrame({"upload_id": pd.Series(upload_ids, dtype="int64")})
    with db.writing(db_path, doing=f"a deletion of upload(s) {', '.join(map(str, upload_ids))}") as con:
        before = db.query(con, "ingest/table_rows").iloc[0]
        con.register("wanted_uploads", wanted)
        db.execute_script(con, "delete/remove_uploads")
        con.unregister("wanted_uploads")
        after = db.query(con, "ingest/table_rows").iloc[0]
    return {table: int(before[table] - after[table]) for table in before.index}
