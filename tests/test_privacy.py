"""Privacy (SECURITY.md): after the demo and the hostile corpus are ingested, no text anywhere in
the database holds a full UK postcode, an e-mail address, a UK phone number or an NHS number;
participant refs are stored only as salted hashes, the salt only outside the database; and
every export that exists applies disclosure control.

The detectors here are written independently of the scrubbing in wpc.ingest.privacy, and
more carefully (real postcode areas, NHS numbers with their modulus 11 check digit, numbers
not part of longer codes or decimals), so that LSOA codes, hashes, ids and the coordinates of
the boundary files are not taken for personal identifiers. `ref_postcode_lsoa` is left out of
the scan: it is the published ONS/OS postcode lookup (reference data, every postcode in the
three ICSs, no person attached), which ingest needs to map postcodes to neighbourhoods.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import stat
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from tests.fixtures import hostile_files
from tests.fixtures.ingest_files import ingest, load_base_activities, settings_for
from wpc import db as database
from wpc.config import ROOT
from wpc.export.tables import to_csv_bytes
from wpc.ingest import load, privacy
from wpc.ingest.read import FileRefused
from wpc.measures import Scope, build_report
from wpc.views.report import render_text

# Detectors ---------------------------------------------------------------------------------

POSTCODE_AREAS = set(
    ["AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"]
)
# Outward code (area letters, district) then inward code: a digit and two letters (never C I K M O V).
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2})[0-9][A-Za-z0-9]?[ ._/-]{0,3}[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])"
)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits not inside a longer code, a hex hash or a decimal (so coordinates are not phone numbers).
PHONE = re.compile(r"(?<![\w.])(?:\+44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s().-]{0,2}\d){8,10}(?![\w]|\.\d)")
NHS = re.compile(r"(?<![\w.])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w]|\.\d)")


def plain(text: str) -> str:
    """Text as a reader sees it: compatibility forms folded, invisible characters dropped, every
    space a plain space (written here, apart from the scrubber's own normalising)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn"))
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)


def nhs_number(text: str) -> bool:
    digits = [int(c) for c in text if c.isdigit()]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    return len(digits) == 10 and (0 if check == 11 else check) == digits[9]


def uk_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    national = digits[2:] if text.lstrip().startswith("+44") else digits[1:]
    return len(national) in (9, 10) and national[0] != "0"


def identifiers_in(text: str) -> list[tuple[str, str]]:
    text = plain(text)
    found = [("postcode", m.group()) for m in POSTCODE.finditer(text) if m.group(1).upper() in POSTCODE_AREAS]
    found += [("e-mail address", m.group()) for m in EMAIL.finditer(text)]
    found += [("phone number", m.group()) for m in PHONE.finditer(text) if uk_phone(m.group())]
    found += [("NHS number", m.group()) for m in NHS.finditer(text) if nhs_number(m.group())]
    return found


@pytest.mark.parametrize("text, kinds", [
    ("I live at SE1 7EH", ["postcode"]), ("sw98jh", ["postcode"]), ("M1 1AE.", ["postcode"]),
    ("jo.bloggs@example.org", ["e-mail address"]), ("call 07700 900123", ["phone number"]),
    ("+44 20 7946 0958", ["phone number"]), ("(020) 7946 0000", ["phone number"]),
    ("NHS 943 476 5919", ["NHS number"]), ("9434765919", ["NHS number", "phone number"][:1]),
    ("E01003013", []), ("E02000001 Lewisham 012A", []), ("ACT-0001234567", []), ("2025-06-01", []),
    ("a3f09434765919bc" * 4, []), ("[-0.1234567890,51.4812345678]", []), ("9434765918", []),
    ("SE1 7", []), ("QQ1 1AA", []), ("£1,250.00", []), ("ethnic_minority;core20", []),
    ("SE1\u00a07EH", ["postcode"]), ("SE1-7EH", ["postcode"]), ("020.7946.0958", ["phone number"]),
    ("+44-20-7946-0958", ["phone number"]), ("jo@exam\u200bple.org", ["e-mail address"]),
    ("2025-06-01 12:30", []), ("07700.900.123", ["phone number"]),
])
def test_the_detectors_find_identifiers_and_not_codes(text, kinds):
    assert sorted({kind for kind, _ in identifiers_in(text)}) == sorted(kinds)


def scan(db_path, skip=("ref_postcode_lsoa",)) -> tuple[int, list[tuple]]:
    """(text values read, identifiers found as (table, column, kind, match)) over every text column
    (lists included) of every table but `skip`."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where data_type like 'VARCHAR%' order by 1, 2"
        ).fetchall()
        seen, found = 0, []
        for table, column in columns:
            if table in skip:
                continue
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from "{table}" where "{column}" is not null'
            ).fetchall()
            seen += len(values)
            for (value,) in values:
                found += [(table, column, kind, match) for kind, match in identifiers_in(value)]
        return seen, found
    finally:
        con.close()


# The database after the demo and the hostile corpus ---------------------------------------------


@pytest.fixture(scope="module")
def scanned_db(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    path = folder / "wpc.duckdb"
    shutil.copy(demo_db, path)
    load_base_activities(path, folder)
    corpus = hostile_files.identifiers_in_every_column()
    for name, content, kind in corpus:
        outcome = ingest(path, hostile_files_path(folder, name, content), kind=kind)
        assert outcome.stored > 0 and outcome.quarantined > 0  # both paths were taken
    for name, content, kind in named_hostile_files():
        try:
            ingest(path, hostile_files_path(folder, name, content), kind=kind)
        except FileRefused:
            pass
    return path, corpus


def hostile_files_path(folder, name, content):
    path = folder / name
    path.write_bytes(content)
    return path


def named_hostile_files():
    formula = b'activity_id,title,start_date,place\nF-1,"=HYPERLINK(""mailto:jo@example.org"")",2025-05-01,Lambeth\n'
    control = b"activity_id,title,start_date,place\nC-1,ring 07700 900123\x07,2025-05-01,Lambeth\n"
    mixed = b"activity_id,title,start_date,place\n" + "M-1,Café SE1 7EH,2025-05-01,Lambeth\n".encode() + (
        "M-2,Café 943 476 5919,2025-05-01,Lambeth\n".encode("cp1252"))
    return [("formula.csv", formula, "activities"), ("control.csv", control, "activities"),
            ("mixed.csv", mixed, "activities"), ("bomb.xlsx", hostile_files.zip_bomb_xlsx(20), "activities")]


def test_the_corpus_is_full_of_identifiers_the_detectors_see(scanned_db):
    _path, corpus = scanned_db
    kinds = {kind for name, content, _kind in corpus if name.endswith(".csv")
             for kind, _ in identifiers_in(content.decode())}
    assert kinds == {"postcode", "e-mail address", "phone number", "NHS number"}
    assert {name[-4:] for name, _c, _k in corpus} == {".csv", "xlsx"}
    for typed in hostile_files.IDENTIFIERS:  # every way of typing them is seen
        assert identifiers_in(typed), typed


def test_no_name_address_or_date_of_birth_anywhere_in_the_database(scanned_db):
    path, _corpus = scanned_db
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where table_name <> 'ref_postcode_lsoa'"
        ).fetchall()
        text = "\n".join(
            str(v) for table, column in columns
            for (v,) in con.execute(f'select distinct cast("{column}" as varchar) from "{table}"').fetchall()
            if v is not None
        )
    finally:
        con.close()
    personal = hostile_files.NAMES + hostile_files.ADDRESSES + hostile_files.BIRTH_DATES + (
        "Acacia Avenue", "Tower Road")  # surnames alone are in the reference data (wards such as Smithills)
    assert [p for p in personal if p in text] == []
    assert "Joanna" not in text and "full_name" not in text and "date_of_birth" not in text


def test_no_personal_identifier_anywhere_in_the_database(scanned_db):
    path, _corpus = scanned_db
    seen, found = scan(path)
    assert seen > 100_000  # demo, hostile rows, quarantine, uploads, reference names and boundaries
    assert found == []


def test_the_scan_would_see_an_identifier_that_got_in(scanned_db, tmp_path):
    leaky = tmp_path / "leaky.duckdb"
    shutil.copy(scanned_db[0], leaky)
    con = duckdb.connect(str(leaky))
    con.execute("update insights set action_taken = 'Rang her on 07700 900123' where insight_id = 'PII-0'")
    con.close()
    assert scan(leaky)[1] == [("insights", "action_taken", "phone number", "07700 900123")]


def test_scrubbing_leaves_a_note_of_what_was_removed(scanned_db):
    con = duckdb.connect(str(scanned_db[0]), read_only=True)
    notes = dict(con.execute("select insight_id, scrub_note from insights where insight_id like 'PII-%'").fetchall())
    con.close()
    assert notes["PII-0"] == (
        "removed from programme: 1 e-mail address; themes: 1 e-mail address; summary: 1 e-mail address; "
        "quote: 1 e-mail address; source_title: 1 e-mail address; action_taken: 1 e-mail address"
    )
    assert all(note for note in notes.values())


# Participant refs and the salt -------------------------------------------------------------------


def test_refs_are_kept_only_as_salted_hashes_and_the_salt_only_outside(scanned_db):
    path, corpus = scanned_db
    salt_file = settings_for(path).salt_file(path)
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    salt = salt_file.read_text().strip()
    refs = set()
    for name, content, kind in corpus:
        if kind == "participants" and name.endswith(".csv"):
            frame = pd.read_csv(pd.io.common.BytesIO(content), dtype=str, keep_default_na=False)
            refs |= {r.strip().upper() for r in frame["participant_ref"] if r.strip()}
    assert refs
    con = duckdb.connect(str(path), read_only=True)
    try:
        texts = con.execute(
            "select table_name, column_name from information_schema.columns where data_type like 'VARCHAR%'"
        ).fetchall()
        for table, column in texts:
            if table == "ref_postcode_lsoa":  # the published lookup holds every postcode (refs here are postcodes too)
                continue
            values = {str(v).upper() for (v,) in con.execute(f'select distinct cast("{column}" as varchar) from "{table}"').fetchall() if v}
            assert not values & refs, (table, column)
            assert not any(salt.upper() in v for v in values), (table, column)
        hashes = con.execute("select distinct participant_hash from participants where participant_hash is not null").fetchall()
    finally:
        con.close()
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for (h,) in hashes)
    # The corpus's stored participants (refs that are identifiers) are there, hashed with this salt.
    expected = set(privacy.hash_refs(pd.Series(hostile_files.IDENTIFIERS), bytes.fromhex(salt)))
    assert expected <= {h for (h,) in hashes}


def test_a_salt_file_others_can_read_is_made_private_again(tmp_path):
    salt_file = tmp_path / "wpc.duckdb.salt"
    first = privacy.load_salt(salt_file)
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    salt_file.chmod(0o644)  # as a careless copy or restore leaves it
    assert privacy.load_salt(salt_file) == first
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600


# Disclosure control on every export there is ----------------------------------------------------

PEOPLE = {"engaged", "total", "known_area", "out_of_area", "unknown_home", "unknown", "unmapped_postcodes",
          "invalid_postcodes"}


def people_counts(report, path=()):
    """(key path, value) of every count of people in a report."""
    if isinstance(report, dict):
        for key, value in report.items():
            yield from people_counts(value, (*path, key))
    elif isinstance(report, list):
        for value in report:
            yield from people_counts(value, path)
    elif path and (path[-1] in PEOPLE or "participants" in path[-1] or "engaged" in path[-1]):
        if not isinstance(report, bool) and (isinstance(report, int) or report == "*"):
            yield ".".join(path), report


@pytest.mark.parametrize("mode", ["suppress", "publish"])
def test_wpc_report_shows_no_small_count_of_people(demo_db, mode):
    # Door-knocking in Lambeth: a narrow scope with many small counts.
    args = [sys.executable, "-m", "wpc", "report", "--db", str(demo_db), "--place", "Lambeth",
            "--method", "door-knocking", "--today", "2025-10-01"]
    args += ["--publish"] if mode == "publish" else []
    result = subprocess.run([*args, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    counts = list(people_counts(report))
    assert len(counts) > 50 and any(value == "*" for _, value in counts)  # small counts were there
    for where, value in counts:
        assert value == "*" or value == 0 or value > 7, where
        if mode == "publish" and value != "*":
            assert value % 5 == 0, where
    text = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    assert text == render_text(report)  # the text is written from the same protected numbers
    with database.reading(demo_db) as con:
        direct = build_report(con, Scope.parse("sel", "Lambeth", method="door-knocking", today="2025-10-01"), mode)
    assert json.loads(json.dumps(direct, default=str)) == report


def test_the_rejects_file_is_the_uploaders_own_rows_made_formula_safe(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)
    text = (
        "activity_id,participant_ref,postcode,age\n"
        "ACT-1,=cmd|' /C calc'!A0,SE1 7EH,240\n"
        "ACT-1,P-2,SW9 8JH,34\n"
    )
    path = tmp_path / "p.csv"
    path.write_text(text)
    outcome = load.ingest(path, writable_reference_db, settings_for(writable_reference_db))
    rejects = to_csv_bytes(outcome.rejected).decode("utf-8-sig").splitlines()
    assert rejects == [
        "upload_line,problems,activity_id,participant_ref,postcode,age",
        "2,age: age 240 is not between 0 and 120,ACT-1,'=cmd|' /C calc'!A0,SE1 7EH,240",
    ]  # only the file's own quarantined row, as typed, for its uploader to fix: no hash, no other data
