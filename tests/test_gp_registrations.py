"""PCNs below place: `wpc init --gp-registrations FILE` reads NHS England's "patients registered
at a GP practice" by LSOA (gp-reg-pat-prac-lsoa-all.csv) and assigns each LSOA to the PCN with
most of its registered patients (wpc.gp_registrations).

tests/fixtures/gp-reg-pat-prac-lsoa-all.csv is a small hand-made file in the published format,
for Toyshire's practices (tests/fixtures/tiny_reference.py: T00001 and T00003 in NORTH PCN
U00001, T00002 in EAST PCN U00002). Worked out by hand from its ALL rows:

| LSOA      | NORTH PCN (U00001)        | EAST PCN (U00002) | assigned        |
|-----------|---------------------------|-------------------|-----------------|
| E01900001 | 500                       | 300               | U00001 500/800  |
| E01900002 | 200 + 100 = 300           | 700               | U00002 700/1000 |
| E01900003 | 400                       | 400               | U00001 (tie: the lower code) 400/800 |
| E01900004 |                           | 600               | U00002 600/600  |
| E01900005 | practice T09999 is not in the map: no PCN |   |                 |
| E01900007 | 50                        |                   | U00001 50/50    |

Left out: 30 patients with no LSOA (NO2021) and 20 in E01000001 (not a Toyshire LSOA): 50;
800 at T09999. The MALE and FEMALE rows are not counted again.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from tests.engagement_rows import build_toy_db, measure, write
from tests.fixtures.tiny_reference import toy_preset, write_tiny_reference
from wpc import reference
from wpc.cli import app
from wpc.config import ROOT
from wpc.gp_registrations import GpRegistrationsError
from wpc.measures import Scope, area_breakdown

FILE = ROOT / "tests" / "fixtures" / "gp-reg-pat-prac-lsoa-all.csv"
HAND = [
    ("E01900001", "U00001", "NORTH PCN", 500, 800),
    ("E01900002", "U00002", "EAST PCN", 700, 1000),
    ("E01900003", "U00001", "NORTH PCN", 400, 800),
    ("E01900004", "U00002", "EAST PCN", 600, 600),
    ("E01900007", "U00001", "NORTH PCN", 50, 50),
]


def pcns(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * from ref_lsoa_pcn order by lsoa21cd").fetchall()
    finally:
        con.close()


@pytest.fixture
def toy_reference(tmp_path):
    return write_tiny_reference(tmp_path / "reference")


def test_each_lsoa_goes_to_the_pcn_with_most_of_its_patients(tmp_path, toy_reference):
    path = tmp_path / "toy.duckdb"
    summary = reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=FILE)
    assert pcns(path) == HAND
    assert summary.pcns == {"lsoas": 5, "pcns": 2, "patients": 4100, "patients_without_lsoa": 50,
                            "patients_practice_unknown": 800, "extract_date": "01OCT2025"}


def test_a_rebuild_without_the_file_keeps_the_pcns_and_one_with_it_replaces_them(tmp_path, toy_reference):
    path = tmp_path / "toy.duckdb"
    reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=FILE)
    reference.build(path, toy_reference, [toy_preset()], "toy")
    assert pcns(path) == HAND
    other = tmp_path / "other.csv"
    other.write_text("PRACTICE_CODE,LSOA_CODE,Number of Patients\nT00002,E01900001,9\n", encoding="utf-8")
    reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=other)
    assert pcns(path) == [("E01900001", "U00002", "EAST PCN", 9, 9)]


def test_a_file_that_is_not_the_published_format_is_refused_and_nothing_changes(tmp_path, toy_reference):
    path = tmp_path / "toy.duckdb"
    reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=FILE)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("practice,area,count\nT00001,E01900001,5\n", encoding="utf-8")
    with pytest.raises(GpRegistrationsError, match="no PRACTICE_CODE, LSOA_CODE, NUMBER_OF_PATIENTS column"):
        reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=wrong)
    assert pcns(path) == HAND


def test_reach_by_pcn(tmp_path, toy_reference):
    """Northtown's LSOAs 1-6: NORTH PCN has 1 and 3, EAST PCN 2 and 4, 5 and 6 have none."""
    path = build_toy_db(tmp_path)
    reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=FILE)

    def fill(e):
        e.activity("A1", "Northtown", "2025-06-01")
        for lsoa, n in {"E01900001": 10, "E01900002": 20, "E01900003": 30, "E01900004": 8, "E01900005": 12}.items():
            e.people("A1", n, lsoa21cd=lsoa)
    write(path, fill)
    rows = measure(path, area_breakdown, scope=Scope.parse("toy", "Northtown"), level="pcn", disclosure="off")
    got = [(r.area_code, r.area_name, r.population, r.participants) for r in rows.itertuples()]
    # residents (tiny_reference): 1,000 + 1,500 = 2,500; 1,200 + 1,300 = 2,500; 1,100 + 900 = 2,000
    assert got == [("U00001", "NORTH PCN", 2500, 40), ("U00002", "EAST PCN", 2500, 28),
                   ("none", "Not assigned to a PCN", 2000, 12)]
    assert rows["engaged_share"].tolist() == pytest.approx([40 / 80, 28 / 80, 12 / 80])
    assert rows["rate_per_1000"].tolist() == pytest.approx([16.0, 11.2, 6.0])


def test_init_imports_the_file_from_the_command_line(tmp_path, reference_db):
    """On the real reference data: two Redditch LSOAs registered with a Redditch practice's PCN."""
    path = tmp_path / "wpc.duckdb"
    shutil.copy(reference_db, path)
    real = tmp_path / "gp-reg-pat-prac-lsoa-all.csv"
    real.write_text(
        "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,01OCT2025,M81001,ST STEPHEN'S MEDICAL PARTNERSHIP,E01032224,ALL,900\n"
        "GP_PRAC_PAT_LIST,01OCT2025,M81004,RIVERSIDE SURGERY,E01032224,ALL,100\n"
        "GP_PRAC_PAT_LIST,01OCT2025,M81004,RIVERSIDE SURGERY,E01032225,ALL,700\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "--db", str(path), "--gp-registrations", str(real)])
    assert result.exit_code == 0, result.output
    assert "GP registrations: 2 LSOAs assigned to 2 PCNs from 1,700 registered patients" in result.output
    assert pcns(path) == [
        ("E01032224", "U96198", "REDDITCH & BROMSGROVE KINGFISHER PCN", 900, 1000),
        ("E01032225", "U21359", "SOUTH WORCS VALE OF EVESHAM HEALTH PCN", 700, 700),
    ]
    bad = CliRunner().invoke(app, ["init", "--db", str(path), "--gp-registrations", str(tmp_path / "none.csv")])
    assert bad.exit_code == 2 and "GP registrations file not found" in bad.output




def test_the_page_says_how_to_see_pcns_and_when_the_import_does_not_cover_the_place(tmp_path, toy_reference):
    """Before any import: how to import. After importing a file with Northtown's E01900001 only:
    Northtown has PCNs; Southtown has none, and says the import does not cover it."""
    from wpc.views import geography as geography_view

    path = build_toy_db(tmp_path)
    write(path, lambda e: (e.activity("A1", "Northtown", "2025-06-01"), e.people("A1", 10, lsoa21cd="E01900007")))
    south, north = Scope.parse("toy", "Southtown"), Scope.parse("toy", "Northtown")
    assert measure(path, geography_view.build, scope=south).pcn_note.startswith("Reach by primary care network needs")
    one = tmp_path / "one.csv"
    one.write_text("PRACTICE_CODE,LSOA_CODE,Number of Patients\nT00002,E01900001,9\n", encoding="utf-8")
    reference.build(path, toy_reference, [toy_preset()], "toy", gp_registrations=one)
    view = measure(path, geography_view.build, scope=south)
    assert "pcn" not in [level.level for level in view.levels]
    assert view.pcn_note == ("None of Southtown's neighbourhoods is in the GP registrations imported: import a "
                             "file that covers its practices with `wpc init --gp-registrations FILE` to see its "
                             "primary care networks.")
    view = measure(path, geography_view.build, scope=north)
    assert view.levels[-1].level == "pcn" and view.pcn_note is None
