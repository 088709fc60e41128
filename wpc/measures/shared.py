"""Scope tables kept between connections, for a process that opens many (the app).

A page asks for its measures one at a time, each on its own short read-only connection
(`wpc.ui.cache`), and every measure starts by building the scope's intermediate tables
(`wpc.measures.prepare`): at national scale that is a scan of millions of participant rows
per measure. When sharing is on, each table is kept, once built, as an Arrow table in this
process, and the next connection to the same database, in the same state, for the same scope
registers it instead of building it again.

A kept table is found only under the database's identity and version (the file's path and
`wpc.db.version`, the key the page cache uses too; or a DuckLake's catalog and the snapshot the
connection reads) and the scope's key (scope, today and thresholds), so an upload or a rebuild
makes every kept table unreachable at once.
Off unless `enable()` is called (the CLI opens one connection per report and gains nothing);
the oldest tables are dropped beyond a memory budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
import duckdb
import pyarrow as pa

from wpc import db

_LOCK = threading.Lock()
_TABLES: OrderedDict[tuple, pa.Table] = OrderedDict()  # (database state, scope key, table) -> rows
_SETTINGS = {"enabled": False, "max_bytes": 0}


def enable(max_mb: int = 512) -> None:
    """Keep scope tables between connections, within `max_mb` megabytes."""
    with _LOCK:
        _SETTINGS.update(enabled=True, max_bytes=max_mb * 1024 * 1024)


def disable() -> None:
    with _LOCK:
        _SETTINGS.update(enabled=False, max_bytes=0)
        _TABLES.clear()


def clear() -> None:
    """Drop every kept table (they are unreachable after an upload anyway; this frees them)."""
    with _LOCK:
        _TABLES.clear()


def database_state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What identifies the database as it is now (None: sharing off, or an in-memory one)."""
    if not _SETTINGS["enabled"]:
        return None
    return db.state_of(con)


def get(key: tuple | None) -> pa.Table | None:
    if key is None:
        return None
    with _LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
        return table


def has(key: tuple) -> bool:
    with _LOCK:
        return key in _TABLES


def put(key: tuple | None, table: pa.Table) -> None:
    if key is None:
        return
    with _LOCK:
        if not _SETTINGS["enabled"]:
            return
        _TABLES[key] = table
        _TABLES.move_to_end(key)
        while _TABLES and sum(t.nbytes for t in _TABLES.values()) > _SETTINGS["max_bytes"]:
            _TABLES.popitem(last=False)


def kept() -> int:
    """How many tables are kept (for tests and the benchmark)."""
    with _LOCK:
        return len(_TABLES)
