"""Protection kept on disk beside the database (wpc.measures.kept): a later report (a new process,
another day) reads its ICS's protected families instead of working them out again, says exactly
what a report worked out afresh says, and nothing kept outlives the data it describes."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager

import pyarrow as pa
import pytest

from tests.conftest import DEMO_END
from tests.fixtures.ingest_files import upload_in_lambeth
from wpc import db
from wpc.config import ROOT
from wpc.measures import build_report, families, kept
from wpc.measures.scope import Scope

DAY_AFTER = dt.date.fromisoformat(DEMO_END) + dt.timedelta(days=1)


@pytest.fixture
def path(demo_db, tmp_path):
    copy = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture
def builds(monkeypatch):
    """The families worked out (built and protected) rather than read, in order."""
    calls = []
    work_out = families._protect_now

    def counted(con, memo, ics, kind, dimension, family_name):
        calls.append(family_name)
        return work_out(con, memo, ics, kind, dimension, family_name)

    families.clear()
    monkeypatch.setattr(families, "_protect_now", counted)
    yield calls
    families.clear()


@contextmanager
def statements():
    """The SQL files run meanwhile (wpc.db.execute), in order."""
    ran = []
    execute = db.execute

    def recording(con, name, **params):
        ran.append(name)
        return execute(con, name, **params)

    db.execute = recording
    try:
        yield ran
    finally:
        db.execute = execute


def report(path, place="Lambeth", today=DAY_AFTER, disclosure="suppress", baseline=None,
           kept_report=False) -> str:
    """The report as a new process makes it: nothing remembered in memory, and (unless
    `kept_report`) made from what is kept rather than read whole."""
    families.clear()
    if not kept_report:
        kept.forget_reports(path)
    with db.reading(path) as con:
        scope = Scope.parse("sel", place=place, today=today)
        return json.dumps(build_report(con, scope, disclosure, baseline), sort_keys=True, default=str)


def afresh(path, **options) -> str:
    kept.forget(path)
    return report(path, **options)


def kept_files(path) -> list:
    return sorted(p for p in db.kept_folder(path).rglob("*") if p.is_file())


@pytest.mark.parametrize("disclosure", ["suppress", "publish"])
def test_a_later_report_reads_the_kept_protection_and_says_the_same(path, builds, disclosure):
    first = afresh(path, disclosure=disclosure)
    assert "area" in builds and "ethnicity+ethnicity_group" in builds
    assert kept_files(path)

    builds.clear()
    with statements() as ran:
        again = report(path, disclosure=disclosure)
    assert builds == []  # every family read from disk
    # and the place's tables of counts; its people's rows are scanned again, never kept
    assert "intermediate/int_scope_dimension_counts" not in ran and "intermediate/int_scope_homes" not in ran
    assert "intermediate/int_scope_participants" in ran
    assert again == first
    # another place of the same ICS reads the same families
    assert report(path, place="Southwark", disclosure=disclosure) == afresh(path, place="Southwark",
                                                                            disclosure=disclosure)


def test_protection_kept_one_day_serves_the_next_and_fatigue_follows_the_day(path, builds):
    later = DAY_AFTER + dt.timedelta(days=45)
    first = afresh(path)
    builds.clear()
    next_day = report(path, today=later)
    assert builds == []  # the families count the period's people: the day does not change them
    assert next_day == afresh(path, today=later)
    # the fatigue window moved with the day (so a table kept for the first day was not reused)
    assert json.loads(next_day)["fatigue"]["window_end"] != json.loads(first)["fatigue"]["window_end"]
    assert json.loads(next_day)["fatigue"] != json.loads(first)["fatigue"]


def test_an_upload_deletes_what_was_kept_and_the_next_report_counts_it(path, tmp_path, builds):
    before = afresh(path)
    before_exactly = report(path, disclosure="off")
    assert kept_files(path)
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 12).stored == 12
    assert not db.kept_folder(path).exists()  # the write deleted it: it described the data as it was

    builds.clear()
    after = report(path)
    assert "area" in builds  # worked out again
    assert after != before  # the total moved by 12, more than cell-key changes (up to 5 each way) can hide
    assert (json.loads(report(path, disclosure="off"))["participants"]["total"]
            == json.loads(before_exactly)["participants"]["total"] + 12)
    assert after == afresh(path)


def test_an_unreadable_kept_file_is_worked_out_again(path, builds):
    first = afresh(path)
    for file in kept_files(path):
        file.write_bytes(b"not what was kept")
    builds.clear()
    assert report(path) == first
    assert "area" in builds


def test_kept_files_are_the_owners_only_and_only_for_the_data_as_it_is(path):
    afresh(path)
    files = kept_files(path)
    assert files and all(os.stat(f).st_mode & 0o077 == 0 for f in files)
    assert len(list(db.kept_folder(path).iterdir())) == 1  # one state of the data

    # what a process kept for another state of the data is deleted when anything is kept again
    kept.forget(path)
    stale = db.kept_folder(path) / "an-earlier-state"
    stale.mkdir(parents=True)
    (stale / "family.npz").write_bytes(b"old counts")
    report(path)
    assert not stale.exists() and kept_files(path)

    # a process whose data changed while it worked keeps nothing
    with db.reading(path) as con:
        where, version = db.state_of(con)
    kept.forget(path)
    kept.save((where, (0, 0)), "key", {})
    assert not kept_files(path)


def test_wpc_report_in_two_processes_says_the_same(path):
    command = [sys.executable, "-m", "wpc.cli", "report", "--db", str(path), "--preset", "sel",
               "--place", "Lambeth", "--today", DAY_AFTER.isoformat(), "--json"]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert kept_files(path)
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(second) == json.loads(first)
    kept.forget(path)
    third = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(third) == json.loads(first)


def test_what_another_version_of_wpc_kept_is_not_read(path, builds, monkeypatch):
    first = afresh(path)
    builds.clear()
    monkeypatch.setattr(kept, "code_digest", lambda: "another version of wpc")
    assert report(path) == first
    assert "area" in builds  # worked out again, under this version's own folder


def test_at_most_max_mb_is_kept_the_oldest_going_first(path, monkeypatch):
    afresh(path)
    before = kept_files(path)
    assert len(before) > 1
    # the next thing kept is the newest: only it fits
    newest = pa.table({"n": list(range(100))})
    with db.reading(path) as con:
        state = kept.state(con)
    kept.save_table(state, "key", "newest", newest)  # room for everything yet
    (file,) = set(kept_files(path)) - set(before)
    monkeypatch.setattr(kept, "MAX_MB", file.stat().st_size / 1024 / 1024)  # room for it alone
    kept.save_table(state, "key", "newest", newest)  # written again, so the newest
    assert kept_files(path) == [file] and kept.load_table(state, "key", "newest").equals(newest)


ONE_BY_ONE = [("participants", {}), ("core20", {}), ("reach", {"dimension": "ethnicity"}), ("reach_all", {}),
              ("coverage", {}), ("cold_spots", {}), ("area_rates", {"level": "msoa"}), ("gradient", {}),
              ("area_breakdown", {"level": "district"}), ("fatigue", {}), ("fatigue_neighbourhoods", {}),
              ("repeat_participants", {}), ("ladder", {}), ("cycle", {}), ("feedback", {}), ("cost", {}),
              ("what_works", {}), ("quality", {}), ("ics_wide", {}), ("partners", {}), ("reach_trend", {})]


@pytest.mark.parametrize("name, options", ONE_BY_ONE, ids=[name for name, _ in ONE_BY_ONE])
def test_each_measure_on_a_connection_of_its_own_reads_what_was_kept_and_says_the_same(path, name, options):
    """As a page asks for its measures: one per short connection, in any order, so a table read
    from disk must come with every table a measure reads beside it."""
    from wpc import measures

    scope = Scope.parse("sel", place="Lambeth", today=DAY_AFTER)

    def measure() -> str:
        families.clear()
        with db.reading(path) as con:
            return repr(getattr(measures, name)(con, scope, **options))

    kept.forget(path)
    expected = measure()  # worked out with nothing kept
    kept.forget(path)
    report(path)  # every table and family of the scope kept, by another process as it were
    assert kept_files(path)
    assert measure() == expected


def test_a_connection_that_may_write_neither_reads_nor_keeps(path):
    """Its data can change under it (and what it kept would be deleted at its commit)."""
    expected = afresh(path)
    kept.forget(path)
    families.clear()
    with db.writing(path) as con:
        assert kept.state(con) is None
        made = json.dumps(build_report(con, Scope.parse("sel", place="Lambeth", today=DAY_AFTER)),
                          sort_keys=True, default=str)
        assert not kept_files(path)
        con.execute("rollback")
        con.execute("begin transaction")
    assert made == expected


# A whole protected report is kept too: asked again on the same data, day and mode, it is read.

@pytest.mark.parametrize("disclosure", ["suppress", "publish"])
def test_the_same_report_asked_again_is_read_whole_and_is_the_same(path, builds, disclosure):
    first = afresh(path, disclosure=disclosure)
    with db.reading(path) as con:
        made = build_report(con, Scope.parse("sel", place="Lambeth", today=DAY_AFTER), disclosure)
    builds.clear()
    with statements() as ran:
        families.clear()
        with db.reading(path) as con:
            again = build_report(con, Scope.parse("sel", place="Lambeth", today=DAY_AFTER), disclosure)
    assert ran == [] and builds == []  # read whole: no SQL file run, no family built
    assert again == made  # the same dict, value for value and type for type
    assert json.dumps(again, sort_keys=True, default=str) == first


def test_a_report_is_read_only_for_its_own_scope_day_mode_and_baseline(path):
    """Each of these differs from the first report, so serving the first's would be caught."""
    first = afresh(path)
    baseline = Scope.parse("sel", place="Lambeth", date_from="2024-04-01", date_to="2024-09-30")
    others = [{"place": "Southwark"}, {"today": DAY_AFTER + dt.timedelta(days=45)},
              {"disclosure": "publish"}, {"baseline": baseline}]
    for options in others:
        kept_one = report(path, kept_report=True, **options)  # with the first report kept beside it
        assert kept_one != first
        assert kept_one == afresh(path, **options)
        afresh(path)  # the first report kept again for the next


def test_a_report_with_disclosure_control_off_is_never_kept(path):
    afresh(path, disclosure="off")
    assert not [f for f in kept_files(path) if f.suffix == ".json"]
    with statements() as ran:
        report(path, disclosure="off", kept_report=True)
    assert "intermediate/int_scope_participants" in ran  # worked out again


def test_an_upload_deletes_the_kept_report_and_the_next_one_counts_it(path, tmp_path):
    before = afresh(path, disclosure="publish")
    assert [f for f in kept_files(path) if f.suffix == ".json"]
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 12).stored == 12
    after = report(path, disclosure="publish", kept_report=True)
    # 12 more people in Lambeth: more than cell-key changes (up to 5 each way) can hide
    assert json.loads(after)["participants"]["total"] > json.loads(before)["participants"]["total"]
    assert after == afresh(path, disclosure="publish")


def test_an_unreadable_kept_report_is_worked_out_again(path):
    first = afresh(path)
    (file,) = [f for f in kept_files(path) if f.suffix == ".json"]
    for damage in (b"{not json", b"[1, 2]", b""):
        file.write_bytes(damage)
        with statements() as ran:
            assert report(path, kept_report=True) == first
        assert "intermediate/int_scope_participants" in ran
