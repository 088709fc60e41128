"""Shared fixtures: real databases built with the production `wpc init` code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.tiny_reference import toy_preset, write_tiny_reference
from wpc import reference
from wpc.config import ROOT
from wpc.presets import builtin_presets

REFERENCE_DIR = ROOT / "data" / "reference"


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory) -> Path:
    """A database built from the shipped real reference data, all three presets, default sel.
    Shared by the session: tests must not write to it (copy it with `writable_reference_db`)."""
    path = tmp_path_factory.mktemp("reference_db") / "wpc.duckdb"
    reference.build(path, REFERENCE_DIR, builtin_presets(), "sel")
    return path


@pytest.fixture
def writable_reference_db(reference_db, tmp_path) -> Path:
    """A private copy of `reference_db` a test may write to."""
    path = tmp_path / "wpc.duckdb"
    shutil.copy(reference_db, path)
    return path


@pytest.fixture
def tiny_db(tmp_path) -> Path:
    """A database built from the hand-made Toyshire reference folder (preset `toy`, default)."""
    folder = write_tiny_reference(tmp_path / "reference")
    path = tmp_path / "tiny.duckdb"
    reference.build(path, folder, [toy_preset()], "toy")
    return path


DEMO_END = "2025-09-30"  # the demo year's last day; tests judge "today" as the day after


@pytest.fixture(scope="session")
def demo_db(reference_db, tmp_path_factory) -> Path:
    """The real reference database with each preset's synthetic demo year (ending DEMO_END)
    loaded through ingest, as `wpc init --demo` does. Shared: tests must not write to it."""
    import datetime as dt

    from wpc import demo
    from wpc.config import load_settings

    path = tmp_path_factory.mktemp("demo_db") / "wpc.duckdb"
    shutil.copy(reference_db, path)
    settings = load_settings(db_path=path)
    for preset in ("sel", "mse", "hw"):
        demo.load_demo(settings, preset, path, end_date=dt.date.fromisoformat(DEMO_END))
    return path


@pytest.fixture(scope="session")
def chart_renderer():
    """The process's one headless Chromium for chart images (wpc.export.charts.shared), shared
    by every test that draws a chart, closed at the end of the session."""
    from wpc.export import charts

    renderer = charts.shared()
    yield renderer
    renderer.close()


@pytest.fixture(autouse=True)
def _scope_tables_not_shared():
    """The app keeps measures' scope tables between connections (wpc.measures.shared), keyed on
    the database's state; tests that write rows directly, not through ingest, could change a
    database within one file-timestamp tick, so sharing is off unless a test turns it on."""
    from wpc.measures import shared

    shared.disable()
    yield
    shared.disable()


# Both stores ------------------------------------------------------------------------------------
# The store-dependent tests (measures, ingest, report, export) run on the embedded file and on a
# DuckLake whose catalog is a real PostgreSQL started here: a module asks for `store_kind` (or a
# fixture below built on it) and each of its tests runs once per store.

STORE_KINDS = ("duckdb", "ducklake")


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server in a temporary folder for the session's lakes (tests/fixtures/lake.py)."""
    from tests.fixtures import lake

    server = lake.PostgresServer().start()
    lake.set_server(server)
    yield server
    lake.set_server(None)
    server.stop()


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request) -> str:
    """'duckdb' or 'ducklake': the tests of a module that uses it run on each store."""
    if request.param == "ducklake":
        request.getfixturevalue("postgres")
    return request.param


@pytest.fixture(scope="session")
def reference_lake(postgres, tmp_path_factory):
    """A DuckLake built from the shipped real reference data like `reference_db` (tests must not
    write to it: clone it with `writable_store`)."""
    lake = postgres.new_lake(tmp_path_factory.mktemp("reference_lake") / "data")
    reference.build(lake, REFERENCE_DIR, builtin_presets(), "sel")
    return lake


@pytest.fixture
def writable_store(store_kind, reference_db, tmp_path, request):
    """A private copy of the real reference database on each store: a file, or a lake."""
    if store_kind == "duckdb":
        path = tmp_path / "wpc.duckdb"
        shutil.copy(reference_db, path)
        return path
    return request.getfixturevalue("postgres").clone(request.getfixturevalue("reference_lake"), tmp_path / "lake")


@pytest.fixture(scope="session")
def demo_lake(postgres, reference_lake, tmp_path_factory):
    """`demo_db` on a DuckLake: the reference lake with each preset's demo year loaded through ingest."""
    import datetime as dt

    from wpc import demo
    from wpc.config import load_settings

    lake = postgres.clone(reference_lake, tmp_path_factory.mktemp("demo_lake") / "data")
    settings = load_settings(salt_path=postgres.salt)
    for preset in ("sel", "mse", "hw"):
        demo.load_demo(settings, preset, lake, end_date=dt.date.fromisoformat(DEMO_END))
    return lake


@pytest.fixture
def demo_store(store_kind, demo_db, request):
    """The demo database on each store (shared: tests must not write to it)."""
    return demo_db if store_kind == "duckdb" else request.getfixturevalue("demo_lake")
