"""Cached reads for pages: one short read-only connection per cache miss.

`call(fn, **kwargs)` runs `fn(con, **kwargs)` for any wpc function that takes a
connection first, and caches the result on (store, its version, function, arguments). The
version is `wpc.db.version` (the database file's modification time and size, or a DuckLake's
snapshot id), so an upload from the app, from `wpc ingest` in another process, or from another
server on the same lake is seen on the next rerun; `clear()` empties
the cache at once after an upload in this app. `resource` does the same for shared
objects (the insight library's search index). Measures' scope tables are kept between
connections too (wpc.measures.shared), under the same database version.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st

from wpc import db
from wpc import store as stores
from wpc.measures import shared

# Pages ask for measures one at a time, each on its own short connection: keep each scope's
# intermediate tables between those connections, so a page builds them once, not per measure.
shared.enable()


def _run(store_key: tuple, version, module: str, name: str, kwargs: tuple):
    function = getattr(importlib.import_module(module), name)
    with db.reading(stores.parse(*store_key)) as con:
        return function(con, **dict(kwargs))


_cached_call = st.cache_data(show_spinner=False, max_entries=1024, ttl=6 * 3600)(_run)
_cached_resource = st.cache_resource(show_spinner=False, max_entries=16, ttl=6 * 3600)(_run)


def _key(function, where: stores.Store | Path, kwargs: dict) -> tuple:
    """The store as plain text (its WPC_STORE setting, the file's path), its version, the call."""
    store = stores.resolve(where)
    return ((store.setting, str(store.path or "")), db.version(store), function.__module__, function.__name__,
            tuple(sorted(kwargs.items())))


def call(function, db_path: stores.Store | Path, **kwargs):
    """`function(con, **kwargs)` on a read-only connection, cached until the database changes."""
    return _cached_call(*_key(function, db_path, kwargs))


def resource(function, db_path: stores.Store | Path, **kwargs):
    """Like `call`, for an object every session shares as it is (not a copy), such as a
    search index: built once per store version, by each server from the store."""
    return _cached_resource(*_key(function, db_path, kwargs))


def clear() -> None:
    _cached_call.clear()
    _cached_resource.clear()
    shared.clear()
