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

**While new data is worked out** (docs/dashboard.md, "After an upload"). Each rerun reads
one version of the store, chosen when it starts (`pin`), so a page never mixes figures from
before and after an upload. When the store changes, the server goes on serving the version
it has results for, and one thread works out, for the new version, the calls sessions made
most recently (`_warm`); once done, every session moves to the new version at its next rerun
(a page showing older figures says so, and reruns itself). A session that asks for something
not worked out for its version moves to the newest at once, for the whole rerun; the session
that made the upload sees it at once. A result is only ever kept under the version its
connection read (`Outdated`).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import decimal
import importlib
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from wpc import db
from wpc import store as stores
from wpc.measures import shared

# Pages ask for measures one at a time, each on its own short connection: keep each scope's
# intermediate tables between those connections, so a page builds them once, not per measure.
shared.enable()


_LOG = logging.getLogger(__name__)
WARM_CALLS = 400  # the most recent calls worked out again for a new version of the store
WARM_SECONDS = 30  # after this, the new version is served and what is left is worked out on demand


class Outdated(Exception):
    """The store is no longer at the version a result was asked for (never cached)."""


def _run(store_key: tuple, version, module: str, name: str, kwargs: tuple):
    function = getattr(importlib.import_module(module), name)
    with db.reading(stores.parse(*store_key)) as con:
        state = db.state_of(con)
        if state is not None and state[1] != version:
            raise Outdated(f"{store_key} moved on from {version}")  # the data is not that version's
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


def _newest(store: stores.Store):
    """The store's version now: the one key every result is kept under (wpc.db.version, as the
    kept scope tables of wpc.measures.shared are)."""
    return db.version(store)


def _store_key(store: stores.Store) -> tuple:
    """The store as plain text: its WPC_STORE setting and the file's path."""
    return store.setting, str(store.path or "")


def _key(function, where: stores.Store | Path, kwargs: dict) -> tuple:
    """The store, the version this rerun reads (`pin`; outside a page, the newest), the call."""
    store = stores.resolve(where)
    store_key = _store_key(store)
    version = _pinned().get(store_key)
    if version is None:
        version = _newest(store)
    return store_key, version, function.__module__, function.__name__, tuple(sorted(kwargs.items()))


def _cached(cached, key: tuple):
    """A cached result; if the store has moved on from the version this rerun reads, the
    rerun starts again on the newest (so a page never mixes versions)."""
    try:
        result = cached(*key)
    except Outdated:
        if not _in_a_page():
            return cached(*_renewed(key))
        _session_state()[_NEWEST] = True  # the whole rerun again, on the newest
        st.rerun()
    _asked(key)
    return result


def call(function, db_path: stores.Store | Path, **kwargs):
    """`function(con, **kwargs)` on a read-only connection, cached until the database changes;
    this session's own shell of the shared result (`fresh`)."""
    return fresh(_cached(_cached_call, _key(function, db_path, kwargs)))


def resource(function, db_path: stores.Store | Path, **kwargs):
    """Like `call`, for an object every session shares as it is (not a copy), such as a
    search index: built once per store version, by each server from the store."""
    _RESOURCES.add((function.__module__, function.__name__))
    return _cached(_cached_resource, _key(function, db_path, kwargs))


def _renewed(key: tuple) -> tuple:
    store_key, _version, *call_ = key
    return (store_key, _newest(stores.parse(*store_key)), *call_)


def clear() -> None:
    _cached_call.clear()
    _cached_resource.clear()
    shared.clear()
    with _LOCK:
        _SERVED.clear()
        _ASKED.clear()


# One version per rerun, and the new one worked out before it is served ------------------------

_LOCK = threading.Lock()
_SERVED: dict[tuple, object] = {}  # store -> the version sessions are served
_SEEN: dict[tuple, dict] = {}  # store -> {version: when this server first saw it}
_ASKED: dict[tuple, OrderedDict] = {}  # store -> {call's hash: (module, name, kwargs)}, most recent last
_WARMING: dict[tuple, threading.Thread] = {}
_ON = "_cache_versions"  # session state: {store: the version its last rerun read}
_NEWEST = "_cache_newest"  # session state: its next rerun reads the newest version


def _in_a_page() -> bool:
    return get_script_run_ctx(suppress_warning=True) is not None


def _session_state():
    return st.session_state


def _pinned() -> dict:
    return _session_state().get(_ON, {}) if _in_a_page() else {}


def _asked(key: tuple) -> None:
    store_key, version, *call_ = key
    try:
        known_as = hash(tuple(call_))
    except TypeError:  # an argument Streamlit hashes by its contents (a dict)
        known_as = repr(call_)
    with _LOCK:
        asked = _ASKED.setdefault(store_key, OrderedDict())
        asked[known_as] = tuple(call_)
        asked.move_to_end(known_as)
        while len(asked) > WARM_CALLS:
            asked.popitem(last=False)


@dataclasses.dataclass(frozen=True)
class Pinned:
    """The version a rerun reads; `since`: when a newer one was stored (None: this is the newest)."""

    version: object
    since: float | None = None


def pin(where: stores.Store | Path) -> Pinned:
    """Choose the version this rerun reads, at its start: the newest if this session has read
    it already or the server serves it; else the version the server serves while one thread
    works out the newest (`since` says when it was stored)."""
    store = stores.resolve(where)
    store_key = _store_key(store)
    newest = _newest(store)
    own = _session_state().get(_ON, {}).get(store_key)
    if _session_state().pop(_NEWEST, False):
        own = newest
    with _LOCK:
        seen = _SEEN.setdefault(store_key, {})
        seen.setdefault(newest, time.time())
        for older in list(seen)[:-8]:  # the last few versions are all a notice can name
            del seen[older]
        served = _SERVED.setdefault(store_key, newest)
        has_results = bool(_ASKED.get(store_key))  # anything asked of this store since start or `clear`
        if not has_results:  # nothing to serve from: a server's first rerun, or after `clear`
            _SERVED[store_key] = served = newest
        if served == newest or own == newest:
            chosen, since = newest, None
        else:  # never older than what this session read last (a version between served and newest)
            order = list(seen)
            newer_own = own in seen and served in seen and order.index(own) > order.index(served)
            chosen, since = (own if newer_own else served), seen.get(newest, time.time())
        if served != newest:
            _start_warming(store, store_key, newest)
    _session_state()[_ON] = {store_key: chosen}
    return Pinned(chosen, since)


def see_newest() -> None:
    """This session's next rerun reads the newest version (it has just written it)."""
    _session_state()[_NEWEST] = True


def serves_newest(where: stores.Store | Path) -> bool:
    """Whether the server now serves the newest version (a page showing older figures reruns)."""
    store = stores.resolve(where)
    with _LOCK:
        return _SERVED.get(_store_key(store)) == _newest(store)


def _start_warming(store: stores.Store, store_key: tuple, version) -> None:
    """(under _LOCK) Work out the new version's results in one thread, unless one is at it."""
    running = _WARMING.get(store_key)
    if running is not None and running.is_alive():
        return
    calls = list(reversed(_ASKED.get(store_key, {}).values()))  # the most recent first
    thread = threading.Thread(target=_warm, args=(store, store_key, version, calls), daemon=True,
                              name="wpc-warm-cache")
    _WARMING[store_key] = thread
    thread.start()


def _warm(store: stores.Store, store_key: tuple, version, calls: list) -> None:
    """Work out `calls` for `version`, then serve it; if the store was written again meanwhile,
    go on with the newest (pages left open ask nothing that would start another thread)."""
    while True:
        started = time.monotonic()
        done = 0
        for module, name, kwargs in calls:
            if time.monotonic() > started + WARM_SECONDS or _newest(store) != version:
                break
            cached = _cached_resource if (module, name) in _RESOURCES else _cached_call
            try:
                cached(store_key, version, module, name, kwargs)
            except Outdated:
                break  # stored again meanwhile
            except Exception:  # a session asking for it will see the error itself
                _LOG.exception("working out %s.%s for the new data", module, name)
            done += 1
        with _LOCK:
            newest = _newest(store)
            if newest == version:
                _SERVED[store_key] = version
        _LOG.info("new data: %d of %d recent page calls worked out in %.1f s%s", done, len(calls),
                  time.monotonic() - started, "; pages now show it" if newest == version else "; stored again meanwhile")
        if newest == version:
            return
        version = newest


_RESOURCES: set[tuple] = set()  # (module, name) of what `resource` caches


def wait_until_warm(timeout: float = 300) -> None:
    """Until every warming thread has finished (tests)."""
    for thread in list(_WARMING.values()):
        thread.join(timeout)
