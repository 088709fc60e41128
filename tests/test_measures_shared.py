"""Scope tables kept between connections (wpc.measures.shared), as the app does: the same
numbers as building them afresh, no second scan of participants for the same scope, and
nothing kept is ever used once the database has changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import wpc.db
from bench import generate
from wpc import db
from wpc.config import load_settings
from wpc.ingest import load
from wpc.measures import Scope, build_report, coverage, kept, shared

TODAY = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def nothing_kept_on_disk(monkeypatch):
    """These tests count the scope tables each connection builds: protection kept beside the
    database (wpc.measures.kept, tested on its own) would save some of those builds."""
    monkeypatch.setattr(kept, "ENABLED", False)


@pytest.fixture
def toy(tiny_db, tmp_path):
    """Toyshire with generated engagement loaded through ingest, and a second file kept back."""
    made = generate.generate(tiny_db, tmp_path / "files", activity_count=30, participant_rows=2000,
                             rows_per_file=2000, extra_rows=300, seed=5)
    settings = load_settings(db_path=tiny_db)
    for path in (made.activities, *made.participants):
        load.ingest(path, tiny_db, settings)
    return tiny_db, made.extra, settings


@pytest.fixture
def built(monkeypatch):
    """The scope tables each connection builds (rather than registers); int_scope_rows is the
    scan of participants."""
    seen: list[str] = []
    execute = wpc.db.execute

    def recording(con, name, **params):
        if name.startswith("intermediate/"):
            seen.append(name.split("/")[1])
        return execute(con, name, **params)

    monkeypatch.setattr(wpc.db, "execute", recording)
    return seen


def report(db_path, place=None, disclosure="suppress") -> str:
    with db.reading(db_path) as con:
        return json.dumps(build_report(con, Scope(preset="toy", place=place, today=TODAY), disclosure),
                          sort_keys=True)


def test_off_unless_enabled(toy, built):
    db_path, _extra, _settings = toy
    report(db_path)
    report(db_path)
    assert shared.kept() == 0
    # each report scans once for its scope and once for the whole ICS's families of counts
    # (disclosure control), on a cursor of its own
    assert built.count("int_scope_rows") == 4


def test_kept_tables_give_the_same_report_without_a_second_scan(toy, built):
    db_path, _extra, _settings = toy
    afresh = report(db_path, "Northtown")
    shared.enable()
    first = report(db_path, "Northtown")
    # afresh and the first shared run, each for the place and for its ICS's families of counts
    assert built.count("int_scope_rows") == 4
    built.clear()
    again = report(db_path, "Northtown")
    assert built == []  # every scope table registered from the first connection's
    assert afresh == first == again
    # a measure on its own, as a page asks for it, also reuses them
    with db.reading(db_path) as con:
        covered = coverage(con, Scope(preset="toy", place="Northtown", today=TODAY))
    assert built == []
    assert covered["core20_lsoas"] == json.loads(afresh)["coverage"]["core20_lsoas"]


def test_another_scope_builds_its_own(toy, built):
    db_path, _extra, _settings = toy
    shared.enable()
    northtown = report(db_path, "Northtown")
    southtown = report(db_path, "Southtown")
    assert built.count("int_scope_rows") == 3  # each place, and their ICS (for its families) once
    assert northtown != southtown
    shared.disable()
    assert report(db_path, "Southtown") == southtown


def test_an_upload_makes_kept_tables_unreachable(toy, built):
    db_path, extra, settings = toy
    shared.enable()
    before = json.loads(report(db_path, disclosure="off"))
    outcome = load.ingest(extra, db_path, settings)
    assert outcome.stored == 300
    built.clear()
    after = json.loads(report(db_path, disclosure="off"))
    assert "int_scope_rows" in built
    assert after["participants"]["total"] > before["participants"]["total"]
    protected = json.loads(report(db_path))
    shared.disable()
    assert json.loads(report(db_path, disclosure="off")) == after
    assert json.loads(report(db_path)) == protected


def test_kept_tables_stay_within_the_budget(toy):
    db_path, _extra, _settings = toy
    shared.enable(max_mb=0)
    report(db_path)
    assert shared.kept() == 0
