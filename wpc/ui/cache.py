"""Cached reads for pages: one short read-only connection per cache miss.

`call(fn, **kwargs)` runs `fn(con, **kwargs)` for any wpc function that takes a
connection first, and caches the result on (database file, its version, function,
arguments). The version is `wpc.db.version` (the file's modification time and size), so an
upload from the app or from `wpc ingest` in another process is seen on the next rerun; `clear()` empties
the cache at once after an upload in this app. `resource` does the same for shared
objects (the insight library's search index). Measures' scope tables are kept between
connections too (wpc.measures.shared), under the same database version.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st

from wpc import db
from wpc.measures import shared

# Pages ask for measures one at a time, each on its own short connection: keep each scope's
# intermediate tables between those connections, so a page builds them once, not per measure.
shared.enable()


def _run(db_path: str, version: tuple, module: str, name: str, kwargs: tuple):
    function = getattr(importlib.import_module(module), name)
    with db.reading(db_path) as con:
        return function(con, **dict(kwargs))


_cached_call = st.cache_data(show_spinner=False, max_entries=1024, ttl=6 * 3600)(_run)
_cached_resource = st.cache_resource(show_spinner=False, max_entries=16, ttl=6 * 3600)(_run)


def _key(function, db_path: Path, kwargs: dict) -> tuple:
    return str(db_path), db.version(db_path), function.__module__, function.__name__, tuple(sorted(kwargs.items()))


def call(function, db_path: Path, **kwargs):
    """`function(con, **kwargs)` on a read-only connection, cached until the database changes."""
    return _cached_call(*_key(function, db_path, kwargs))


def resource(function, db_path: Path, **kwargs):
    """Like `call`, for an object every session shares as it is (not a copy), such as a
    search index: built once per database version."""
    return _cached_resource(*_key(function, db_path, kwargs))


def clear() -> None:
    _cached_call.clear()
    _cached_resource.clear()
    shared.clear()
