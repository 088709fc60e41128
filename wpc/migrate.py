"""Moving an embedded database file into a DuckLake (`wpc migrate`), for an installation that
outgrows one machine: every table, row for row, in one transaction, and the salt with it.

The file is attached read-only to the process's lake connection and each table copied with
SQL: the engagement tables into the lake's own schema (wpc/sql/schema/engagement.sql, whose
keys ingest keeps), the reference tables as they are. Uploads to the file wait while it is
copied (its write gate is held), so the lake gets the file as it was at one moment. The lake
must be new: a lake that already holds a wpc database is refused, so nothing is overwritten.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wpc import db
from wpc import store as stores
from wpc.config import Settings
from wpc.ingest import privacy

SOURCE = "wpc_migrate_source"
ENGAGEMENT = ("meta", "uploads", "activities", "participants", "returns", "insights", "quarantine")
# Tables of the compact quarantine and of repeated rows (wpc/sql/schema/upload_checks.sql), which a
# file built by an older wpc gains on its next `wpc init`.
UPLOAD_CHECKS = ("quarantine_reasons", "participant_row_hashes")


class MigrateError(db.DatabaseError):
    """The file cannot be moved into this lake; the message says why and that nothing changed."""


@dataclass(frozen=True)
class Moved:
    tables: dict[str, int]  # table -> rows copied
    salt_file: Path


def into_lake(source: Path, lake: stores.Store, settings: Settings) -> Moved:
    """Copy the database file `source` into the new DuckLake `lake`, with its salt."""
    source = Path(source)
    if not lake.is_lake:
        raise MigrateError("wpc migrate copies a database file into a DuckLake: give --store ducklake:postgres:...")
    if not source.exists():
        raise MigrateError(f"no database at {source} to move")
    salt = _salt_for_lake(source, lake, settings)
    with db.holding_writes(source, doing="a move of the database into a DuckLake (wpc migrate)"):
        # Attached to the process's lake connection, outside the write transaction (which then
        # reads it), and detached after it, committed or not.
        attacher = stores.lake_cursor(lake, create=True)
        try:
            attacher.execute(f"attach '{stores._sql_text(str(source.resolve()))}' as {SOURCE} (read_only)")
            with db.writing(lake, doing="a move of a database file into this lake", create=True) as con:
                if db.table_exists(con, "meta") and con.execute("select count(*) from meta").fetchall()[0][0]:
                    raise MigrateError(f"{lake} already holds a wpc database: move the file into a new, empty lake")
                copied = _copy_tables(con)
                stores.record_salt(con, salt, settings.salt_file(lake))
        finally:
            try:
                attacher.execute(f"detach database if exists {SOURCE}")
            finally:
                attacher.close()
    return Moved(copied, settings.salt_file(lake))


def _copy_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [
        name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = $source "
            "and table_schema = 'main' and table_type = 'BASE TABLE' order by table_name",
            {"source": SOURCE},
        ).fetchall()
    ]
    missing = [t for t in ENGAGEMENT if t not in tables]
    if missing or "ref_lsoa" not in tables:
        raise MigrateError(f"the file is not a wpc database (no {', '.join(missing or ['ref_lsoa'])} table)")
    if any(t not in tables for t in UPLOAD_CHECKS):
        raise MigrateError("the file was built by an older wpc: run `wpc init` on it first, then move it")
    db.execute_script(con, "schema/engagement")
    db.execute_script(con, "schema/upload_checks")
    copied = {}
    for name in tables:
        if name in ENGAGEMENT + UPLOAD_CHECKS:
            con.execute(f'insert into "{name}" by name select * from {SOURCE}.main."{name}"')
        else:
            con.execute(f'create or replace table "{name}" as select * from {SOURCE}.main."{name}"')
        copied[name] = con.execute(f'select count(*) from "{name}"').fetchall()[0][0]
    return copied


def _salt_for_lake(source: Path, lake: stores.Store, settings: Settings) -> bytes:
    """The file's salt (beside it, as `wpc init` keeps it), copied to the lake's salt file (the
    salt_path setting, else data/wpc-lake.salt); refused if a different salt is there."""
    file_salt_path = source.with_name(source.name + ".salt")
    lake_salt_path = settings.salt_file(lake)
    file_salt = privacy.load_salt(file_salt_path, create=False)
    lake_salt = privacy.load_salt(lake_salt_path, create=False)
    if file_salt is None:
        return lake_salt if lake_salt is not None else privacy.load_salt(lake_salt_path, create=True)
    if lake_salt is None:
        lake_salt_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file_salt_path, lake_salt_path)
        lake_salt_path.chmod(0o600)
        return file_salt
    if lake_salt != file_salt:
        raise MigrateError(
            f"the lake's salt file {lake_salt_path} differs from the database file's {file_salt_path}: the "
            "lake must use the file's salt, or its participant refs would no longer match; move it aside first"
        )
    return file_salt
