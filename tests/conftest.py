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
