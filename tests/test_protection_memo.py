"""Complementary suppression is kept by a digest of the family it protects
(wpc.measures.families._completed): the same family is not solved twice, a changed family is
solved again, and an upload to one ICS leaves another ICS's protection as it was, unsolved."""

import shutil

import numpy as np
import pytest

from tests.conftest import DEMO_END
from tests.fixtures.ingest_files import upload_in_lambeth
from wpc import db
from wpc.measures import audit, families, kept
from wpc.measures.families import _Builder
from wpc.measures.prepare import resolved_scope
from wpc.measures.scope import Scope

THRESHOLD = 7


def _family(values: dict[str, int]) -> families.Family:
    b = _Builder("area")
    for i, (cell, value) in enumerate(values.items()):
        atom = b.atom(value, key=i + 1)
        b.add(cell, atom)
        b.add("total", atom)
    b.equation("total", list(values))
    return b.build()


@pytest.fixture
def solves(monkeypatch):
    """The names of the families `audit.complete` is asked to solve, in order."""
    calls = []

    def counted(family, *args, **kwargs):
        calls.append(family.name)
        return audit.complete(family, *args, **kwargs)

    families.clear()
    monkeypatch.setattr(families, "complete", counted, raising=True)
    yield calls
    families.clear()


def test_the_same_family_is_solved_once_and_a_changed_one_again(solves):
    first = families.protect_family(_family({"a": 3, "b": 20, "c": 30}), THRESHOLD)
    again = families.protect_family(_family({"a": 3, "b": 20, "c": 30}), THRESHOLD)
    assert solves == ["area"]
    assert np.array_equal(first.hidden, again.hidden)
    assert first.hidden.sum() == 2  # the 3 and its cheapest sibling, the 20

    changed = families.protect_family(_family({"a": 3, "b": 20, "c": 5}), THRESHOLD)
    assert solves == ["area", "area"]
    direct = audit.complete(_family({"a": 3, "b": 20, "c": 5}), THRESHOLD,
                            never_hide=np.array([False] * 4))
    assert np.array_equal(changed.hidden, direct)

    # more cells asked hidden (a linked family's) is another question
    also = np.array([False, True, False, False])
    families.protect_family(_family({"a": 3, "b": 20, "c": 30}), THRESHOLD, also_hidden=also)
    assert solves == ["area"] * 3


def test_a_kept_answer_cannot_be_changed_by_its_reader(solves):
    first = families.protect_family(_family({"a": 3, "b": 20, "c": 30}), THRESHOLD)
    first.hidden[:] = False
    again = families.protect_family(_family({"a": 3, "b": 20, "c": 30}), THRESHOLD)
    assert again.hidden.sum() == 2


def _protected(path, preset: str) -> dict[str, np.ndarray]:
    with db.reading(path) as con:
        resolved = resolved_scope(con, Scope.parse(preset, today=DEMO_END))
        return {kind: families.get(con, resolved, kind).hidden.copy() for kind in families.LINKED}


def test_an_upload_to_one_ics_leaves_another_ics_unsolved(demo_db, tmp_path, solves):
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    before = {preset: _protected(path, preset) for preset in ("sel", "mse")}
    assert len(solves) >= 6  # three linked families each

    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 12).stored == 12

    solves.clear()
    after_mse = _protected(path, "mse")
    assert solves == []  # nothing of Mid and South Essex changed: every answer was kept
    assert all(np.array_equal(after_mse[k], before["mse"][k]) for k in families.LINKED)
    after_sel = _protected(path, "sel")
    assert "area" in solves  # South East London's participant counts changed: solved again

    # what was kept is what solving afresh gives
    families.clear()
    kept.forget(path)  # nor read from disk
    solves.clear()
    assert all(np.array_equal(_protected(path, "sel")[k], after_sel[k]) for k in families.LINKED)
    assert "area" in solves


def test_sessions_asking_at_once_wait_for_one_build(demo_db, monkeypatch):
    """Pages of several sessions asking for the same ICS's families at the same moment (as after
    an upload) get one build between them, not one each."""
    import threading

    from wpc.measures import shared

    shared.enable()
    families.clear()
    kept.forget(demo_db)  # built afresh, not read from what another test kept beside the database
    builds = []
    both = threading.Event()
    build_area = families.BUILDERS["area"]

    def counted(cursor, resolved):
        builds.append(resolved.preset.id)
        if len(builds) == 2:
            both.set()
        both.wait(timeout=3)  # a second build, if any, starts while this one runs
        return build_area(cursor, resolved)

    monkeypatch.setitem(families.BUILDERS, "area", counted)
    results = {}

    def session(name):
        with db.reading(demo_db) as con:
            resolved = resolved_scope(con, Scope.parse("hw", today=DEMO_END))
            results[name] = families.get(con, resolved, "area")

    threads = [threading.Thread(target=session, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert builds == ["hw"]
    assert results["a"] is results["b"]
    families.clear()
