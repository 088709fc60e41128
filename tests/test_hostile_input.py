"""Hostile and malformed files thrown at the real ingest, into a real database.

Property-based (hypothesis): random bytes, generated tables with nasty cells in every
encoding, separator and line ending wpc reads, the same damaged at random, and workbooks.
Whatever comes in, ingest either refuses the file whole with a clear message and writes
nothing, or stores and quarantines rows so that stored + quarantined = rows read, with the
database changed by exactly that upload and nothing else. For generated tables the rows
read are also counted independently, from the rows written.

Then the named attacks, one test each: zip bombs (honest and lying), XML entity bombs,
truncated workbooks, a million columns, a million cells on a line, huge cells, control
characters, duplicate headers, mixed encodings, formulas, and a quote built to make the
scrubbing patterns backtrack.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context, event
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.fixtures import hostile_files
from tests.fixtures.fingerprints import table_fingerprints
from tests.fixtures.ingest_files import ENGAGEMENT_TABLES, load_base_activities, settings_for
from wpc.export.tables import to_csv_bytes
from wpc.ingest import load, privacy, standard
from wpc.ingest.read import FileRefused

# Bounded and repeatable in CI: fixed examples (derandomize), no example database, and a
# deadline far above a normal example (~0.1 s) that still catches anything pathological.
# WPC_HOSTILE_EXAMPLES=2000 runs a longer search locally.
EXAMPLES = int(os.environ.get("WPC_HOSTILE_EXAMPLES", "40"))
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

KIND_TABLE = {"activities": "activities", "participants": "participants", "returns": "returns", "insights": "insights"}
BLANK = " \t\r\n\u00a0"  # what the reader trims from every cell

NASTY = (
    "", " ", "\u00a0", "prefer not to say", "#N/A", "#REF!", "=1+1", '=HYPERLINK("http://x.example","go")',
    "+44 20 7946 0958", "-2+3", "@SUM(A1:A9)", "jo@example.org", "SE1 7EH", "943 476 5919",
    "\x1b[31mred", "\u202eevil", "line one\nline two", '"', 'a "quoted" word', "a,b", "a;b", "a\tb", "é",
    "😀", "x" * 400, "y" * 11_000, "1e308", "NaN", "-1", "31/02/2025", "0", "9" * 30, "ACT-1", "act-1 ",
    "Lambeth", "Nowhere", "EXAMPLE-ACT-1", "'=1+1", "\r", "Ã©", "\ufeff", "\x0b",
)
VALID = {
    "activity_id": ("ACT-1", "ACT-2", "ACT-3", "H-1", "H-2"),
    "insight_id": ("I-1", "I-2", "I-3"),
    "title": ("Listening event", "Diabetes survey"),
    "start_date": ("2025-05-01", "01/06/2025", "14/03/2025"),
    "end_date": ("2025-05-02", "30/06/2025"),
    "date": ("2025-05-01",),
    "place": ("Lambeth", "southwark", "Thurrock", "E09000022", "Mid Essex"),
    "organisation": ("Healthwatch Lambeth",),
    "programme": ("Maternity", "Diabetes"),
    "method": ("survey", "focus group", "door-knocking"),
    "ladder_rung": ("3", "Co-design"),
    "cycle_stage": ("1", "Feed back"),
    "target_groups": ("core20", "core20; ethnic_minority"),
    "clinical_areas": ("maternity",),
    "participants_total": ("48",),
    "cost_gbp": ("£1,250.00", "99.99"),
    "participant_ref": ("P-1", "P-2", "p-1"),
    "postcode": ("SE1 7EH", "SW9 8JH", "ZZ99 9ZZ"),
    "lsoa_code": ("E01003013",),
    "age": ("34", "85", "7"),
    "age_band": ("25-34", "85+"),
    "sex": ("female", "M"),
    "ethnicity": ("Indian", "White: English, Welsh, Scottish, Northern Irish or British"),
    "disability": ("Yes", "no"),
    "dimension": ("sex", "imd_quintile", "ethnicity"),
    "category": ("female", "1", "Indian"),
    "count": ("3", "12"),
    "summary": ("Evening clinics wanted",),
    "quote": ("I saw a different midwife every time.",),
    "themes": ("access; evenings",),
    "status": ("open", "acted on"),
}
JUNK_HEADERS = ("notes", "Activity ID", "", "=cmd|' /C calc'!A0", "SE1 7EH", "é", "participant_ref")


@pytest.fixture(scope="module")
def base_db(reference_db, tmp_path_factory):
    """A real database with three activities: each example uploads into a fresh copy of it.
    In memory-backed /dev/shm where there is one: a commit's fsync there costs nothing."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="wpc-hostile-", dir=shm))
    else:
        folder = tmp_path_factory.mktemp("hostile")
    path = folder / "base.duckdb"
    shutil.copy(reference_db, path)
    load_base_activities(path, folder)
    yield path
    if folder.parent == shm:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def hostile_db(base_db):
    """A copy of `base_db` the named attacks share (each checks only what its own upload changed)."""
    path = base_db.with_name("named.duckdb")
    shutil.copy(base_db, path)
    return path


def fresh_copy(base_db):
    """A fresh copy of the base database, so that every example starts from the same state."""
    path = base_db.with_name("example.duckdb")
    shutil.copy(base_db, path)
    return path


def count(outcome: str) -> None:
    """Tally what happened to each example (shown by --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(outcome)


def attempt(db, data: bytes, kind: str | None, expected_rows: int | None = None, name: str = "upload.csv"):
    """Ingest `data` and check the contract: a clear refusal that wrote nothing, or every row read
    stored or quarantined and the database changed by this upload alone."""
    before = table_fingerprints(db, ENGAGEMENT_TABLES)
    path = db.parent / name
    path.write_bytes(data)
    try:
        outcome = load.ingest(path, db, settings_for(db), kind=kind)
    except FileRefused as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message and len(message) < 3000, message
        assert table_fingerprints(db, ENGAGEMENT_TABLES) == before, "a refused file changed the database"
        count("refused")
        if os.environ.get("WPC_HOSTILE_SHOW_REFUSALS"):
            print("REFUSED", message[:160])
        return None
    after = table_fingerprints(db, ENGAGEMENT_TABLES)
    if outcome.earlier:  # the same content again (named attacks only): nothing changes
        assert after == before
        return outcome
    count("stored some" if outcome.stored else "all quarantined")
    assert outcome.stored + outcome.quarantined == outcome.rows_read
    if expected_rows is not None:
        assert outcome.rows_read == expected_rows
    table = KIND_TABLE[outcome.kind]
    con = duckdb.connect(str(db), read_only=True)
    try:
        audit = con.execute(
            "select kind, rows_read, rows_stored, rows_quarantined from uploads where upload_id = $id",
            {"id": outcome.upload_id},
        ).fetchall()
        stored = con.execute(f"select count(*) from {table} where upload_id = $id", {"id": outcome.upload_id}).fetchall()
        quarantined = con.execute(
            "select count(distinct line) from quarantine where upload_id = $id", {"id": outcome.upload_id}
        ).fetchall()
    finally:
        con.close()
    assert audit == [(outcome.kind, outcome.rows_read, outcome.stored, outcome.quarantined)]
    assert stored[0][0] == outcome.stored
    assert quarantined[0][0] == outcome.quarantined
    untouched = set(ENGAGEMENT_TABLES) - {table, "quarantine", "uploads"}
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    assert after["uploads"][0] == before["uploads"][0] + 1
    return outcome


# Strategies ----------------------------------------------------------------------------------


def cells_for(name: str):
    """Mostly values the standard accepts (so rows get deep into the checks), else nasty or random."""
    valid = st.sampled_from(VALID.get(name, ("x",)))
    # Random text without NUL, which hypothesis favours and which refuses the whole file
    # (test_nul_bytes has its own test).
    text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=24)
    return st.one_of(valid, valid, valid, st.sampled_from(NASTY), text)


@st.composite
def tables(draw, max_rows: int = 8):
    """(kind, header, rows): a header from the kind's standard (required columns first, then
    others; now and then junk or a repeated column) and at least one row of cells that are
    valid, nasty or random, some rows short or long."""
    kind = draw(st.sampled_from(standard.KINDS))
    names = [f.name for f in standard.fields(kind)]
    required = standard.required_columns(kind)
    optional = [n for n in names if n not in required]
    header = required + (draw(st.lists(st.sampled_from(optional), unique=True, max_size=6)) if optional else [])
    if draw(st.integers(0, 9)) == 0:
        header += draw(st.lists(st.sampled_from(JUNK_HEADERS), min_size=1, max_size=2))
    width = len(header)
    row = st.tuples(*[cells_for(name) for name in header]).map(list)
    ragged = st.lists(cells_for(""), min_size=0, max_size=width + 2)
    rows = draw(st.lists(st.one_of(row, row, row, ragged), min_size=1, max_size=max_rows))
    return kind, header, rows


def _data_rows(rows, width: int | None = None) -> int:
    """Rows holding anything but blanks (within `width` cells): what the reader counts."""
    return sum(any(str(c).strip(BLANK) for c in row[:width]) for row in rows)


@st.composite
def csv_files(draw):
    kind, header, rows = draw(tables())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "mixed"]))
    # Written with CRLF, so that a cell holding either line-break character is quoted, then
    # ended with the chosen line ending.
    lines = [
        hostile_files.csv_bytes([row], delimiter, "\r\n").decode().removesuffix("\r\n") + newline
        for row in [header, *rows]
    ]
    if encoding == "mixed":  # lines alternately UTF-8 and Windows-1252, as files pasted together are
        data = b"".join(
            line.encode("utf-8" if i % 2 else "cp1252", errors="replace") for i, line in enumerate(lines)
        )
    else:
        data = "".join(lines).encode(encoding, errors="replace")
    named_kind = draw(st.sampled_from([kind, kind, None]))
    return named_kind, data, _data_rows(rows)


@st.composite
def damaged(draw, files):
    """A file from `files` cut short, with bytes changed, added or removed."""
    kind, data, _rows = draw(files)
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "cut":
            del data[at:]
        elif op == "flip" and data:
            data[at] = draw(st.integers(1, 255))
        elif op == "insert":  # NUL aside (a NUL near the start refuses the file as binary at once)
            data[at:at] = draw(st.binary(min_size=1, max_size=16)).replace(b"\x00", b"\x01")
        else:
            del data[at:at + draw(st.integers(1, 64))]
    return kind, bytes(data)


@st.composite
def xlsx_files(draw):
    kind, header, rows = draw(tables(max_rows=6))
    clean = lambda cell: ILLEGAL_CHARACTERS_RE.sub("", str(cell))
    header = [clean(c) for c in header]
    rows = [[clean(c) for c in row] for row in rows]
    data = hostile_files.workbook_bytes([header, *rows])
    width = len(header)
    while width and not header[width - 1].strip(BLANK):
        width -= 1
    return kind, data, _data_rows(rows, width)


# Properties -----------------------------------------------------------------------------------


@HOSTILE
@given(data=st.binary(max_size=2048), kind=st.sampled_from([None, *standard.KINDS]))
def test_random_bytes(base_db, data, kind):
    attempt(fresh_copy(base_db), data, kind)


@HOSTILE
@given(file=csv_files())
def test_generated_csv_files(base_db, file):
    kind, data, rows = file
    attempt(fresh_copy(base_db), data, kind, expected_rows=rows)


@settings(HOSTILE, max_examples=max(EXAMPLES * 3 // 4, 1))
@given(file=damaged(csv_files()))
def test_damaged_csv_files(base_db, file):
    kind, data = file
    attempt(fresh_copy(base_db), data, kind)


@settings(HOSTILE, max_examples=max(EXAMPLES // 2, 1))
@given(file=xlsx_files())
def test_generated_workbooks(base_db, file):
    kind, data, rows = file
    attempt(fresh_copy(base_db), data, kind, expected_rows=rows, name="upload.xlsx")


@settings(HOSTILE, max_examples=max(EXAMPLES // 2, 1))
@given(file=damaged(xlsx_files().map(lambda f: (f[0], f[1], None))))
def test_damaged_workbooks(base_db, file):
    kind, data = file
    attempt(fresh_copy(base_db), data, kind, name="upload.xlsx")


# Named attacks --------------------------------------------------------------------------------


@contextmanager
def traced_peak():
    """The peak of memory Python allocates inside the block, in MB."""
    tracemalloc.start()
    peak = {}
    try:
        yield peak
    finally:
        peak["mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()


def refused(db, data: bytes, kind: str | None, name: str = "upload.csv") -> str:
    before = table_fingerprints(db, ENGAGEMENT_TABLES)
    path = db.parent / name
    path.write_bytes(data)
    with pytest.raises(FileRefused) as caught:
        load.ingest(path, db, settings_for(db), kind=kind)
    assert table_fingerprints(db, ENGAGEMENT_TABLES) == before
    return str(caught.value)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(hostile_db):
    bomb = hostile_files.zip_bomb_xlsx(unpacked_mb=200)
    assert len(bomb) < 2 * 1024 * 1024  # a small file...
    with traced_peak() as peak:
        message = refused(hostile_db, bomb, "activities", "bomb.xlsx")
    assert "zip bomb" in message and "xl/worksheets/sheet1.xml" in message
    assert peak["mb"] < 50  # ...refused without unpacking its 200 MB


def test_a_zip_bomb_that_lies_about_its_size_is_refused_unpacking_no_more_than_it_claims(hostile_db):
    with traced_peak() as peak:
        message = refused(hostile_db, hostile_files.lying_zip_bomb_xlsx(200), "activities", "lying.xlsx")
    assert "damaged" in message and "CRC" in message
    assert peak["mb"] < 50


def test_xml_entity_bombs_are_refused(hostile_db):
    message = refused(hostile_db, hostile_files.billion_laughs_xlsx(), "activities", "laughs.xlsx")
    assert "XML entities" in message


def test_truncated_workbooks_are_refused(hostile_db):
    whole = hostile_files.workbook_bytes(
        [["activity_id", "title", "start_date", "place"]] + [[f"T-{i}", "t", "2025-05-01", "Lambeth"] for i in range(50)]
    )
    for cut in (4, 30, len(whole) // 3, len(whole) // 2, len(whole) - 100, len(whole) - 1):
        message = refused(hostile_db, whole[:cut], "activities", "cut.xlsx")
        assert "damaged" in message or "cannot be read" in message


def test_a_million_columns_are_refused_at_once(hostile_db):
    data = ("activity_id" + "," * 1_000_000 + "\nA-1\n").encode()
    with traced_peak() as peak:
        message = refused(hostile_db, data, "activities")
    assert "1,000,001 columns" in message and "up to 1,000" in message
    assert peak["mb"] < 60  # the 1 MB header line is counted, never split into a million cells


def test_a_line_of_a_million_cells_is_refused(hostile_db):
    data = ("activity_id,title,start_date,place\n" + "B-1," + "," * 1_000_000 + "\n").encode()
    message = refused(hostile_db, data, "activities")
    assert "line 2" in message and "16,384 cells" in message


@pytest.mark.parametrize("irregular", [False, True], ids=["regular file", "irregular file"])
def test_a_huge_cell_is_refused_by_either_parser(hostile_db, irregular):
    tail = "\nB-2,t,2025-05-01,Lambeth,extra,cells" if irregular else ""
    data = ("activity_id,title,start_date,place\nB-1," + "y" * 200_000 + ",2025-05-01,Lambeth" + tail).encode()
    message = refused(hostile_db, data, "activities")
    assert "line 2" in message and "more than 131,072 characters" in message


def test_control_characters_quarantine_their_row(hostile_db):
    data = (
        b"activity_id,title,start_date,place\n"
        b"C-1,\x1b[31mred,2025-05-01,Lambeth\nC-2,bell\x07,2025-05-01,Lambeth\nC-3,fine,2025-05-01,Lambeth\n"
    )
    outcome = attempt(hostile_db, data, "activities", expected_rows=3)
    assert (outcome.stored, outcome.quarantined) == (1, 2)
    reasons = list(outcome.problems["reason"])
    assert "control character (U+001B)" in reasons[0] and "control character (U+0007)" in reasons[1]


def test_nul_bytes(hostile_db):
    row = b"N-1,t\x00x,2025-05-01,Lambeth\n"
    early = refused(hostile_db, b"activity_id,title,start_date,place\n" + row, "activities")
    assert "binary data" in early  # a NUL near the start: not a text file at all
    late = b"activity_id,title,start_date,place\n" + b"\n" * 70_000 + row
    outcome = attempt(hostile_db, late, "activities", expected_rows=1)
    assert outcome.quarantined == 1 and "control character (U+0000)" in outcome.problems["reason"].iloc[0]


def test_duplicate_headers_are_refused_naming_both_columns(hostile_db):
    data = b"activity_id,title,Activity ID,start_date,place\nD-1,t,D-2,2025-05-01,Lambeth\n"
    message = refused(hostile_db, data, "activities")
    assert "'activity_id' (column A) and 'Activity ID' (column C)" in message


def test_mixed_encodings_read_each_line_as_written(hostile_db):
    data = (
        b"activity_id,title,start_date,place\n"
        + "M-1,Café (UTF-8),2025-05-01,Lambeth\n".encode()
        + "M-2,Café (Windows-1252) £5,2025-05-01,Lambeth\n".encode("cp1252")
    )
    outcome = attempt(hostile_db, data, "activities", expected_rows=2)
    assert outcome.stored == 2
    assert "Read as CSV: mixed UTF-8 (1 line) and Windows-1252 text, comma-separated." in outcome.notes
    con = duckdb.connect(str(hostile_db), read_only=True)
    titles = con.execute("select title from activities where activity_id like 'M-%' order by 1").fetchall()
    con.close()
    assert titles == [("Café (UTF-8)",), ("Café (Windows-1252) £5",)]


def test_old_mac_line_endings(hostile_db):
    outcome = attempt(hostile_db, b"activity_id,title,start_date,place\rR-1,t,2025-05-01,Lambeth\r", "activities", 1)
    assert outcome.stored == 1


def test_formulas_are_stored_as_text_and_exported_harmless(hostile_db):
    data = (
        b"activity_id,title,start_date,place,organisation\n"
        b'F-1,"=HYPERLINK(""http://x.example"",""go"")",2025-05-01,Lambeth,+cmd|\' /C calc\'!A0\n'
        b"F-2,@SUM(A1:A9),not a date,Lambeth,-2+3\n"
    )
    outcome = attempt(hostile_db, data, "activities", expected_rows=2)
    assert (outcome.stored, outcome.quarantined) == (1, 1)
    con = duckdb.connect(str(hostile_db), read_only=True)
    stored = con.execute("select title, organisation from activities where activity_id = 'F-1'").fetchall()
    con.close()
    assert stored == [('=HYPERLINK("http://x.example","go")', "+cmd|' /C calc'!A0")]  # text, never run
    rejects = to_csv_bytes(outcome.rejected).decode("utf-8-sig")
    assert "'@SUM(A1:A9)" in rejects and "'-2+3" in rejects
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in rejects.splitlines() for cell in line.split(","))


def test_cells_beyond_the_header_quarantine_their_row_even_if_the_rest_is_blank(hostile_db):
    data = b"activity_id,title,start_date,place\nE-1,t,2025-05-01,Lambeth\n,,,,stray note\n"
    outcome = attempt(hostile_db, data, "activities", expected_rows=2)
    assert (outcome.stored, outcome.quarantined) == (1, 1)
    assert "this row has 5 cells but the header has 4" in outcome.problems["reason"].iloc[0]


def test_scrubbing_takes_time_in_proportion_to_the_text():
    # One 1 MB "word" with no @: the e-mail pattern used to retry from every letter (minutes).
    def too_slow(*_):
        raise TimeoutError("scrubbing a 1 MB quote took over 20 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        texts, notes = privacy.scrub(pd.Series(["q" * 1_000_000, "a" * 500_000 + "@" + "b" * 500_000]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert list(notes) == ["", ""] and texts[0] == "q" * 1_000_000

