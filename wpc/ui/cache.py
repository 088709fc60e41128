"""Cached reads for pages: one short read-only connection per cache miss.

`call(fn, **kwargs)` runs `fn(con, **kwargs)` for any wpc function that takes a
connection first, and caches the result on (store, its version, function, arguments). The
version is `wpc.db.version` (the database file's modification time and size, or a DuckLake's
snapshot id), so an upload from the app, from `wpc ingest` in another process, or from another
server on the same lake is seen on the next rerun; `clear()` empties
the cache at once after an upload in this app. `resource` does the same for shared
objects (the insight library's search index). Measures' scope tables are kept between
connections too (wpc.measures.shared), under the same database version.

Every session of a server shares one cached result per key (`st.cache_resource`), and each
call hands its session a fresh shell of it (`fresh`): new containers and dataclasses all the
way down, each DataFrame a shallow copy (pandas copy-on-write: whatever a page changes in its
copy changes nothing shared), and each plotly figure shared as it is, because rebuilding one is
the expensive part (plotly validates it all again: 15 ms for a workshop chart, the largest
cost of a warm rerun when results were unpickled from `st.cache_data`). Pages therefore never
change a figure they are given (tests/test_ui_cache.py checks the workshop's, the one page that
restyles a chart, gets its own copy from `wpc.views.workshop.projected`).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import decimal
import importlib
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
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


def _shared(store_key: tuple, version, module: str, name: str, kwargs: tuple):
    # a function of its own: Streamlit keeps one cache per decorated function, and page results
    # (1,024 entries) must not share the search indexes' cache (16 entries, `resource`)
    return _run(store_key, version, module, name, kwargs)


_cached_call = st.cache_resource(show_spinner=False, max_entries=1024, ttl=6 * 3600)(_shared)
_cached_resource = st.cache_resource(show_spinner=False, max_entries=16, ttl=6 * 3600)(_run)

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), dt.date, dt.datetime, dt.time, dt.timedelta,
              decimal.Decimal, Path, frozenset, range, type(Ellipsis))


def fresh(value):
    """A session's own shell of a shared cached result: containers and dataclasses rebuilt,
    DataFrames and Series as shallow copy-on-write copies, immutable values and plotly figures
    (never changed by pages) as they are; anything else deep-copied."""
    if isinstance(value, _IMMUTABLE) or isinstance(value, go.Figure):
        return value
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        items = [fresh(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()} if type(value) is dict else copy.deepcopy(value)
    if isinstance(value, set):
        return set(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shell = copy.copy(value)
        for field in dataclasses.fields(value):
            object.__setattr__(shell, field.name, fresh(getattr(value, field.name)))
        return shell
    return copy.deepcopy(value)


def _key(function, where: stores.Store | Path, kwargs: dict) -> tuple:
    """The store as plain text (its WPC_STORE setting, the file's path), its version, the call."""
    store = stores.resolve(where)
    return ((store.setting, str(store.path or "")), db.version(store), function.__module__, function.__name__,
            tuple(sorted(kwargs.items())))


def call(function, db_path: stores.Store | Path, **kwargs):
    """`function(con, **kwargs)` on a read-only connection, cached until the database changes;
    this session's own shell of the shared result (`fresh`)."""
    return fresh(_cached_call(*_key(function, db_path, kwargs)))


def resource(function, db_path: stores.Store | Path, **kwargs):
    """Like `call`, for an object every session shares as it is (not a copy), such as a
    search index: built once per store version, by each server from the store."""
    return _cached_resource(*_key(function, db_path, kwargs))


def clear() -> None:
    _cached_call.clear()
    _cached_resource.clear()
    shared.clear()
