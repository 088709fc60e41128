"""Uploads that survive hostile and huge files and keep nothing they should not: real files
(CSV with CRLF and LF endings, Windows-1252, workbooks made with openpyxl with hidden and
chart sheets, a device, a pipe) through the real `wpc ingest` and the real ingest path,
each test accounting for every row read (stored, quarantined or refused)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from bench.ingest_limits import run
from tests.fixtures.ingest_files import base_activities_db  # noqa: F401 (the `db` fixture)
from tests.fixtures.ingest_files import counts, ingest, rows, settings_for, snapshot, write, wpc
from wpc.access import AccessRules
from wpc.config import ROOT
from wpc import db as db_module
from wpc.access import Access
from wpc.ingest import load, read, standard, uploads
from wpc.views import upload as upload_view
from wpc.ingest.read import FileRefused

def accounted(db_path, outcome) -> None:
    """Every row read is stored or quarantined, and the database's upload record says so."""
    assert outcome.stored + outcome.quarantined == outcome.rows_read
    if outcome.upload_id is not None:
        assert rows(
            db_path,
            "select rows_read, rows_stored, rows_quarantined, (select count(*) from quarantine q "
            "where q.upload_id = uploads.upload_id) from uploads where upload_id = $id",
            {"id": outcome.upload_id},
        ) == [(outcome.rows_read, outcome.stored, outcome.quarantined, outcome.quarantined)]


def wpc_process(*args, timeout=60) -> subprocess.CompletedProcess:
    """`wpc ARGS` in a process of its own, its memory capped at 2 GB (a file read whole by
    mistake fails there, not on the machine)."""

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "wpc", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap)


# Only regular files ---------------------------------------------------------------------------


def test_a_device_is_refused_with_exit_2_and_nothing_written(db):
    before = snapshot(db)
    result = wpc_process("ingest", "/dev/zero", "--db", db, "--kind", "participants")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "/dev/zero is a device, not a file: wpc reads only regular CSV or XLSX files" in result.stderr
    assert "Traceback" not in result.stderr and "Nothing was written." in result.stderr
    assert snapshot(db) == before


def test_a_pipe_is_refused_at_once_and_never_waited_on(db, tmp_path):
    fifo = tmp_path / "participants.csv"
    os.mkfifo(fifo)
    before = snapshot(db)
    started = time.monotonic()
    result = wpc_process("ingest", fifo, "--db", db, timeout=60)  # nothing ever writes to it
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"{fifo} is a pipe, not a file" in result.stderr
    assert time.monotonic() - started < 30
    assert snapshot(db) == before


def test_reading_stops_at_the_size_limit_whatever_stat_says(tmp_path, monkeypatch):
    path = tmp_path / "growing.csv"
    path.write_bytes(b"activity_id\n" + b"ACT-1\n" * 700_000)  # 4.2 MB on disk
    passes = []  # bytes used by each pass through the file
    real_read = read.Source.blocks

    def counting(self):
        passes.append(0)
        for block in real_read(self):
            passes[-1] += len(block)
            yield block

    monkeypatch.setattr(read.Source, "blocks", counting)
    monkeypatch.setattr(read, "_file_status", lambda fd: _small(os.fstat(fd)))  # "stat says 10 bytes"
    with pytest.raises(FileRefused, match="goes on past the 1 MB limit"):
        list(read.open_table(path, 1).chunks())
    assert passes and max(passes) <= 1024 * 1024  # nothing past the limit was used


class _small:
    def __init__(self, real):
        self.st_mode, self.st_size = real.st_mode, 10


# Columns outside the standard ------------------------------------------------------------------


def test_columns_outside_the_standard_are_never_read_stored_or_a_reason_to_quarantine(db, tmp_path):
    text = (
        "activity_id,full_name,age,address,date_of_birth,sex\r\n"
        "ACT-1,Jo\x07 Bloggs,34,\"12 Acacia Avenue\r\nLondon\",14/02/1990,F\r\n"
        "ACT-2,Sam\x1b Smith,51,1 High Street,01/01/1973,M\r\n"
        "ACT-2,Al Jones,forty,9 Low Road,02/03/1980,M\r\n"
        ",Only a Name,,,,\r\n"
    )
    path = write(tmp_path / "people.csv", text)
    outcome = ingest(db, path, kind="participants")
    accounted(db, outcome)
    # The control characters in full_name quarantine nothing; the row without an age does.
    assert (outcome.rows_read, outcome.stored, outcome.quarantined) == (3, 2, 1)
    assert "Columns not in the participants standard were ignored and not kept: full_name, address, " \
           "date_of_birth." in outcome.notes
    assert "1 row(s) held values only in columns that are not read: they were skipped." in outcome.notes
    everything = repr(snapshot(db))
    for personal in ("Bloggs", "Smith", "Al Jones", "Acacia", "High Street", "Low Road", "14/02/1990",
                     "1973", "1980", "Only a Name"):
        assert personal not in everything
    assert rows(db, "select line, row_json from quarantine") == [(5, '{"activity_id":"ACT-2","age":"forty","sex":"M"}')]
    assert list(outcome.rejected.columns) == ["upload_line", "problems", "activity_id", "age", "sex"]


# The scrubber --------------------------------------------------------------------------------

HOSTILE_IDENTIFIERS = {
    "postcode with a non-breaking space": "SE1\u00a07EH",
    "postcode with two spaces": "SE1  7EH",
    "postcode with a hyphen": "SE1-7EH",
    "postcode with no space, lower case": "se17eh",
    "phone with dots": "020.7946.0958",
    "international phone with dashes": "+44-20-7946-0958",
    "mobile with dots": "07700.900.123",
    "mobile with non-breaking spaces": "07700\u00a0900\u00a0123",
    "e-mail with a zero-width space": "jo.bloggs@exam\u200bple.org",
    "e-mail with a soft hyphen": "sam\u00adsmith@nhs.net",
}


def test_identifiers_are_removed_however_they_are_typed_and_counted(db, tmp_path):
    lines = ["activity_id,title,start_date,place,organisation,you_said,we_did"]
    for i, text in enumerate(HOSTILE_IDENTIFIERS.values()):
        lines.append(f"H-{i},Drop-in {text},01/06/2025,Lambeth,Friends of {text},Ring {text} please,Wrote to {text}")
    path = write(tmp_path / "activities.csv", "\n".join(lines) + "\n", newline="\r\n")
    outcome = ingest(db, path)
    accounted(db, outcome)
    assert (outcome.stored, outcome.quarantined) == (len(HOSTILE_IDENTIFIERS), 0)
    stored = rows(db, "select title, organisation, you_said, we_did from activities where activity_id like 'H-%'")
    everything = " ".join(cell for row in stored for cell in row)
    for text in HOSTILE_IDENTIFIERS.values():
        assert text not in everything
    for digits in ("7946", "0958", "900", "123", "bloggs", "smith", "7EH", "7eh"):
        assert digits not in everything.lower().replace("[", "")
    assert everything.count("removed]") == 4 * len(HOSTILE_IDENTIFIERS)
    assert rows(db, "select identifiers_removed, identifiers_note from uploads where upload_id = $id",
                {"id": outcome.upload_id}) == [(40, "8 e-mail addresses, 16 phone numbers, 16 postcodes")]


# Numbers ---------------------------------------------------------------------------------------


def test_numbers_in_another_convention_are_quarantined_saying_what_to_write(db, tmp_path):
    text = (
        "activity_id,title,start_date,place,cost_gbp,participants_total\n"
        "N-1,UK,01/06/2025,Lambeth,\"£1,250.50\",\"1,200\"\n"
        "N-2,Decimal comma,01/06/2025,Lambeth,\"1.250,50\",12\n"
        "N-3,Dotted thousands,01/06/2025,Lambeth,250,1.000\n"
        "N-4,Comma decimals,01/06/2025,Lambeth,\"99,5\",3\n"
    )
    outcome = ingest(db, write(tmp_path / "costs.csv", text.encode("cp1252").decode("cp1252")))
    accounted(db, outcome)
    assert (outcome.stored, outcome.quarantined) == (1, 3)
    assert rows(db, "select activity_id, cost_gbp, participants_total from activities where activity_id like 'N-%'") \
        == [("N-1", Decimal("1250.50"), 1200)]
    said = {(p.line, p.column): p.reason for p in outcome.problems.itertuples()}
    assert said[(3, "cost_gbp")] == ("1.250,50 is written with a decimal comma: write 1,250.50 (a dot before "
                                     "the decimals, commas only between thousands)")
    assert said[(4, "participants_total")] == (
        "1.000 could mean 1 or 1,000 (some countries put a dot between thousands): write 1,000 or 1"
    )
    assert "write 99.5" in said[(5, "cost_gbp")]


# Workbooks -------------------------------------------------------------------------------------


def _workbook(path, sheets):
    """A workbook made with openpyxl: (title, rows, state) in order; rows None makes a chart sheet."""
    book = Workbook()
    book.remove(book.active)
    data_sheet = None
    for title, sheet_rows, state in sheets:
        if sheet_rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
        sheet.sheet_state = state
        data_sheet = data_sheet or sheet
    for index, (title, sheet_rows, _state) in enumerate(sheets):
        if sheet_rows is None:
            chart = BarChart()
            chart.add_data(Reference(data_sheet, min_col=1, min_row=1, max_row=2))
            book.create_chartsheet(title, index).add_chart(chart)
    book.save(path)
    return path


ACTIVITIES = [["activity_id", "title", "start_date", "place"], ["V-1", "From the visible sheet", "01/06/2025", "Lambeth"],
              ["V-2", "Also visible", "02/06/2025", "Lambeth"]]
OLD = [["activity_id", "title", "start_date", "place"], ["OLD-1", "An old tab", "01/01/2020", "Lambeth"]]


def test_a_workbook_is_read_from_its_first_visible_worksheet(db, tmp_path):
    path = _workbook(tmp_path / "log.xlsx", [("Chart", None, "visible"), ("Old", OLD, "hidden"),
                                             ("Older", OLD, "veryHidden"), ("Log", ACTIVITIES, "visible"),
                                             ("Notes", [["x"]], "visible")])
    outcome = ingest(db, path)
    accounted(db, outcome)
    assert (outcome.rows_read, outcome.stored) == (2, 2)
    assert rows(db, "select activity_id from activities where activity_id in ('V-1', 'V-2', 'OLD-1') order by 1") == [
        ("V-1",), ("V-2",)]
    assert outcome.notes[0] == (
        "Read as XLSX: sheet 'Log', the first visible worksheet (skipped: 'Chart' (a chart sheet), 'Old' "
        "(hidden), 'Older' (very hidden)); the other 4 sheets were not read."
    )
    assert read.sheet_names(path.read_bytes()) == ["Log", "Notes"]  # the Upload page's sheet picker


def test_a_named_sheet_is_read_from_the_command_line(db, tmp_path):
    path = _workbook(tmp_path / "log.xlsx", [("Old", OLD, "hidden"), ("Log", ACTIVITIES, "visible")])
    result = wpc("ingest", path, "--db", db, "--sheet", "Old", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 1
    assert rows(db, "select activity_id from activities where activity_id = 'OLD-1'") == [("OLD-1",)]
    chart = _workbook(tmp_path / "chart.xlsx", [("Chart", None, "visible"), ("Log", ACTIVITIES, "visible")])
    refused = wpc("ingest", chart, "--db", db, "--sheet", "Chart")
    assert refused.exit_code == 2
    assert "sheet 'Chart' of chart.xlsx is a chart sheet, which holds no table to read" in refused.stderr


def test_a_workbook_with_no_readable_worksheet_is_refused_plainly(db, tmp_path):
    before = snapshot(db)
    path = _workbook(tmp_path / "hidden.xlsx", [("Chart", None, "visible"), ("Old", OLD, "hidden")])
    result = wpc("ingest", path, "--db", db, "--kind", "activities")
    assert result.exit_code == 2
    assert ("hidden.xlsx has no visible worksheet to read (its sheets: 'Chart' (a chart sheet), 'Old' (hidden)): "
            "unhide the sheet with your data, or name it (wpc ingest --sheet NAME)") in result.stderr
    assert snapshot(db) == before


# Re-saved files and repeated rows --------------------------------------------------------------

PEOPLE = [
    ("ACT-1", "SE1 7EH", "34", "F", "Indian", "14/03/2025"),
    ("ACT-1", "SW9 8JH", "61", "M", "White British", "14/03/2025"),
    ("ACT-2", "", "19", "Female", "Prefer not to say", "01/04/2025"),
    ("ACT-2", "M1 1AE", "45", "male", "A", "01/04/2025"),
]


def test_the_same_rows_saved_again_another_way_are_recognised_and_nothing_is_stored(db, tmp_path):
    header = "activity_id,postcode,age,sex,ethnicity"
    first = write(tmp_path / "monitoring.csv", header + "\n" + "\n".join(",".join(p[:5]) for p in PEOPLE) + "\n",
                  newline="\r\n")
    stored = ingest(db, first)
    accounted(db, stored)
    assert stored.stored == 4
    before = snapshot(db)
    # Re-saved: LF endings, Windows-1252, every cell quoted, columns in another order, and the
    # same values written another way (F for female, the postcode without its space).
    again = "ethnicity,sex,age,postcode,activity_id\n" + "".join(
        f'"{e}","{ {"F": "female", "M": "Male"}.get(s, s) }","{a}","{p.replace(" ", "")}","{i}"\n'
        for i, p, a, s, e, _d in PEOPLE
    )
    resaved = tmp_path / "monitoring (2).csv"
    resaved.write_bytes(again.encode("cp1252"))
    outcome = ingest(db, resaved)
    assert outcome.earlier["upload_id"] == stored.upload_id
    assert (outcome.stored, outcome.quarantined, outcome.upload_id) == (0, 0, None)
    assert f"The rows of this file are the same as those of upload {stored.upload_id} (monitoring.csv" in outcome.notes[-1]
    assert snapshot(db) == before


def test_rows_without_refs_repeating_stored_rows_need_allow_repeats(db, tmp_path):
    header = "activity_id,postcode,age,sex,ethnicity\n"
    first = write(tmp_path / "first.csv", header + "".join(",".join(p[:5]) + "\n" for p in PEOPLE[:3]))
    ingest(db, first)
    before = snapshot(db)
    overlap = write(tmp_path / "second.csv", header + "".join(",".join(p[:5]) + "\n" for p in PEOPLE[1:]),
                    newline="\r\n")
    refused = wpc("ingest", overlap, "--db", db)
    assert refused.exit_code == 2
    assert "2 row(s) without a participant_ref repeat rows already stored by upload 2" in refused.stderr
    assert "--allow-repeats" in refused.stderr and "Nothing was written." in refused.stderr
    assert snapshot(db) == before
    dry = wpc("ingest", overlap, "--db", db, "--dry-run")
    assert dry.exit_code == 0 and "2 row(s) without a participant_ref repeat rows already stored" in dry.output
    allowed = wpc("ingest", overlap, "--db", db, "--allow-repeats", "--json")
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["stored"] == 3
    assert counts(db)["participants"] == 6


# No existence oracle -------------------------------------------------------------------------

TOY = {"toy": ["Northtown", "Southtown"]}
RULES = AccessRules.from_toml('[users."north@northtown.gov.uk"]\ntoy = ["Northtown"]\n'
                              '[users."ics@toyshire.nhs.uk"]\ntoy = ["*"]\n')


def test_an_id_of_another_place_gets_the_message_of_an_id_that_does_not_exist(tiny_db, tmp_path):
    whole, north = RULES.for_user("ics@toyshire.nhs.uk", TOY), RULES.for_user("north@northtown.gov.uk", TOY)
    acts = write(tmp_path / "a.csv", "activity_id,title,start_date,place\nN-1,Cafe,2025-03-02,Northtown\n"
                                     "S-1,Fair,2025-03-01,Southtown\n")
    load.commit(load.prepare(acts, tiny_db, settings_for(tiny_db), access=whole), tiny_db, source="upload")
    for kind, text in (
        ("participants", "activity_id,age\nZZ-9,30\nS-1,31\ns-1,32\nN-1,33\n"),
        ("returns", "activity_id,dimension,category,count\nZZ-9,sex,female,3\nS-1,sex,female,3\n"
                    "s-1,sex,female,3\nN-1,sex,female,3\n"),
        ("insights", "insight_id,activity_id,place,summary\nI-1,ZZ-9,Northtown,a\nI-2,S-1,Northtown,b\n"
                     "I-3,s-1,Northtown,c\nI-4,N-1,Northtown,d\n"),
    ):
        path = write(tmp_path / f"{kind}.csv", text)
        prepared = load.prepare(path, tiny_db, settings_for(tiny_db), kind=kind, access=north)
        said = [(int(p.line), p.column, p.reason) for p in prepared.problems.itertuples()]
        assert (prepared.rows_read, prepared.stored, prepared.quarantined) == (4, 1, 3)
        assert [line for line, _c, _r in said] == [2, 3, 4]
        assert len({(c, r) for _line, c, r in said}) == 1, said  # one message for all three
        assert "did you mean" not in said[0][2] and "Southtown" not in said[0][2]
        prepared.discard()


# Bounded memory and a compact quarantine ---------------------------------------------------------


def _peak_mb(db, path) -> float:
    """The peak resident memory of a real `wpc ingest --dry-run` of the file (its own high-water
    mark, read as it runs: a parent's rusage would count the test process's memory too)."""
    done = run([sys.executable, "-m", "wpc", "ingest", str(path), "--db", str(db), "--dry-run", "--kind",
                "participants"])
    assert done["code"] == 3, done["stderr"][-2000:]
    return done["peak_mb"]


def test_peak_memory_does_not_grow_with_the_file(db, tmp_path):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text("activity_id,age\n" + "NOPE,x\n" * 100_000)
    large.write_text("activity_id,age\n" + "NOPE,x\n" * 600_000)
    small_mb, large_mb = _peak_mb(db, small), _peak_mb(db, large)
    assert 100 < small_mb < 400  # the process's own memory (Python, pandas, pyarrow, DuckDB), measured
    assert large_mb - small_mb < 60, f"peak memory grew from {small_mb:.0f} to {large_mb:.0f} MB for six times the rows"


def test_the_quarantine_keeps_each_row_once_with_its_reasons_as_codes(db, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "CHUNK_ROWS", 1_000)  # several chunks
    path = write(tmp_path / "failing.csv", "activity_id,age,sex\n" + "".join(
        f"NOPE-{i % 7},x,{'F' if i % 2 else 'Q'}\n" for i in range(5_000)))
    outcome = ingest(db, path)
    accounted(db, outcome)
    assert (outcome.stored, outcome.quarantined, outcome.problem_count) == (0, 5_000, 12_500)
    assert rows(db, "select count(*), count(distinct line), sum(len(problems)) from quarantine "
                    "where upload_id = $id", {"id": outcome.upload_id}) == [(5_000, 5_000, 12_500)]
    assert rows(db, "select count(*) from quarantine_reasons where upload_id = $id", {"id": outcome.upload_id}) \
        == [(3,)]  # no activity, not an age, 'Q' is not a sex: three reasons, stored once each
    # Nothing is lost: every rejected row, with every problem, is in the rejects file.
    rejected = outcome.rejected
    assert len(rejected) == 5_000 and list(rejected["upload_line"]) == list(range(2, 5_002))
    assert rejected["problems"].iloc[0] == (
        "activity_id: no activity with this activity_id has been uploaded: upload the activities file "
        "first; age: not an age in whole years (e.g. 34); sex: 'Q' is not recognised: use female or male "
        "(or leave blank)")


def test_an_earlier_uploads_quarantined_rows_can_be_downloaded_from_the_stored_quarantine(db, tmp_path, monkeypatch):
    """Long after an upload, its rejects file is made again from the quarantine alone: every
    quarantined row, its line and problems as the rejects file made at upload time has them, its
    cells as the quarantine keeps them (postcode cut to its sector, ref withheld), formula-safe."""
    monkeypatch.setattr(read, "CHUNK_ROWS", 1_000)  # several chunks
    path = write(tmp_path / "mixed.csv", "activity_id,participant_ref,postcode,age,sex,ethnicity\n" + "".join(
        f"{'ACT-1' if i % 3 else 'NOPE'},P-{i},SE1 7EH,{'x' if i % 5 == 0 else 34},{'F' if i % 2 else 'Q'},"
        f"{'=1+1' if i == 7 else 'Indian'}\n" for i in range(2_500)))
    outcome = ingest(db, path)
    accounted(db, outcome)
    at_upload = outcome.rejected
    assert outcome.quarantined == len(at_upload) > 1_000
    with db_module.reading(db) as con:
        stored = uploads.quarantined_rows(con, outcome.upload_id, "participants")
        csv_bytes = upload_view.earlier_rejects(con, outcome.upload_id, Access(user=None, every_upload=True))
    assert list(stored["upload_line"]) == list(at_upload["upload_line"])
    assert list(stored["problems"]) == list(at_upload["problems"])
    for column in ("activity_id", "age", "sex", "ethnicity"):
        assert list(stored[column]) == list(at_upload[column]), column
    assert set(stored["postcode"]) == {"SE1 7"} and stored["participant_ref"].isna().all()
    assert list(stored.columns[:2]) == ["upload_line", "problems"]
    assert set(stored.columns[2:]) == {spec.name for spec in standard.fields("participants")}
    text = csv_bytes.decode("utf-8-sig")
    assert "'=1+1" in text and ",=1+1" not in text  # formula-safe
    assert len(text.strip().split("\r\n")) == outcome.quarantined + 1


def test_another_persons_upload_is_not_downloadable_by_someone_who_sees_only_their_own(db, tmp_path):
    path = write(tmp_path / "bad.csv", "activity_id,age\nNOPE,34\n")
    outcome = load.commit(load.prepare(path, db, settings_for(db)), db, source="upload", uploaded_by="a@nhs.net")
    assert outcome.quarantined == 1
    own = Access(user="a@nhs.net")
    other = Access(user="b@nhs.net")
    with db_module.reading(db) as con:
        assert upload_view.recent(con, own).with_rejects.keys() == {outcome.upload_id}
        assert upload_view.recent(con, other).with_rejects == {}
        assert b"NOPE" in upload_view.earlier_rejects(con, outcome.upload_id, own)
        with pytest.raises(PermissionError, match="not one of the uploads you can see"):
            upload_view.earlier_rejects(con, outcome.upload_id, other)


def test_a_check_in_progress_holds_the_database_for_no_one(db, tmp_path, monkeypatch):
    """While one person's large file is being checked (between its chunks), others read and store.
    A check lets go of its read connection between chunks once it has held it HOLD_SECONDS (two
    seconds of checking); here at every chunk, so that the pause below is between two holds."""
    monkeypatch.setattr(read, "CHUNK_ROWS", 100)
    monkeypatch.setattr(load._ShortReads, "HOLD_SECONDS", 0.0)
    big = write(tmp_path / "big.csv", "activity_id,age\n" + "ACT-1,40\n" * 1_000)
    checking, release = threading.Event(), threading.Event()
    real_write = load.Staging.write
    written = []

    def slow_write(self, name, table):  # between two chunks: the fifth is checked, the sixth not yet
        written.append(name)
        if written.count("participants") == 5 and name == "participants":
            checking.set()
            release.wait(60)
        return real_write(self, name, table)

    monkeypatch.setattr(load.Staging, "write", slow_write)
    result = {}
    worker = threading.Thread(target=lambda: result.update(prepared=load.prepare(big, db, settings_for(db))))
    worker.start()
    try:
        assert checking.wait(60)
        other = write(tmp_path / "other.csv", "activity_id,title,start_date,place\nO-1,Other,01/06/2025,Lambeth\n")
        started = time.monotonic()
        stored = load.commit(load.prepare(other, db, settings_for(db)), db, source="upload", wait_seconds=5)
        assert stored.stored == 1 and time.monotonic() - started < 5
    finally:
        release.set()
        worker.join(60)
    prepared = result["prepared"]
    assert (prepared.rows_read, prepared.stored) == (1_000, 1_000)
    with pytest.raises(load.StaleCheck):  # checked against a database that has changed since
        load.commit(prepared, db)
