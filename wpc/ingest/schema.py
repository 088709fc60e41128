"""The engagement tables ingest writes, brought up to date on a database built before them:
the compact quarantine (one row per quarantined row, reasons as codes) and what ingest keeps
to recognise repeated files and rows (wpc/sql/schema/upload_checks.sql). Run by `wpc init`."""

from __future__ import annotations

import duckdb

from wpc import db


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    old_quarantine = con.execute(
        "select count(*) from information_schema.columns where table_name = 'quarantine' and column_name = 'reason'"
    ).fetchall()[0][0]
    if old_quarantine:
        db.execute_script(con, "schema/upgrade_quarantine")
    db.execute_script(con, "schema/upload_checks")
