"""`wpc ingest`, `wpc template` and `wpc demo` as the README's command line table defines them: exit codes
0 (all stored), 3 (some quarantined) and 2 (refused, nothing written), --json, --dry-run
and kind inference."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from tests.fixtures.ingest_files import base_activities_db  # noqa: F401 (the `db` fixture)
from tests.fixtures.ingest_files import BASE_ACTIVITIES, counts, snapshot, write, wpc
from wpc.ingest import standard

def test_exit_0_when_every_row_is_stored(writable_reference_db, tmp_path):
    result = wpc("ingest", write(tmp_path / "a.csv", BASE_ACTIVITIES), "--db", writable_reference_db)
    assert result.exit_code == 0, result.output
    assert "a.csv (activities): 3 rows read; stored 3, quarantined 0." in result.output
    assert counts(writable_reference_db)["activities"] == 3


def test_exit_3_and_json_rejects_when_some_rows_are_quarantined(db, tmp_path):
    path = write(tmp_path / "p.csv", "activity_id,age,sex\nACT-1,40,F\nACT-1,forty,F\nNOPE,40,Q\n")
    result = wpc("ingest", path, "--db", db, "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {
        "stored": 1,
        "quarantined": 2,
        "rejects": [
            {"line": 3, "column": "age", "value": "forty", "reason": "not an age in whole years (e.g. 34)"},
            {
                "line": 4,
                "column": "activity_id",
                "value": "NOPE",
                "reason": "no activity with this activity_id has been uploaded: upload the activities file first",
            },
            {
                "line": 4,
                "column": "sex",
                "value": "Q",
                "reason": "'Q' is not recognised: use female or male (or leave blank)",
            },
        ],
    }
    assert counts(db)["participants"] == 1


def test_exit_2_when_the_file_is_refused_and_nothing_is_written(db, tmp_path):
    before = snapshot(db)
    path = write(tmp_path / "bad.csv", "activity_id,title\nX,Y\n")
    result = wpc("ingest", path, "--db", db, "--kind", "activities")
    assert result.exit_code == 2
    assert "missing required column(s) for activities: start_date, place" in result.stderr
    assert "Nothing was written." in result.stderr
    assert snapshot(db) == before
    as_json = wpc("ingest", path, "--db", db, "--kind", "activities", "--json")
    assert as_json.exit_code == 2
    assert (
        json.loads(as_json.stdout)["stored"] == 0
        and "start_date, place" in json.loads(as_json.stdout)["error"]
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "there is no file"),
        ("sheet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old-style Excel (.xls)"),
        ("report.pdf", b"%PDF-1.7\n...", "is a PDF"),
        ("binary.csv", b"\x00\x01\x02\x03" * 50, "holds binary data"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_exit_2(db, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = wpc("ingest", path, "--db", db)
    assert result.exit_code == 2
    assert message in result.stderr


def test_no_database_exits_2(tmp_path):
    result = wpc("ingest", write(tmp_path / "a.csv", BASE_ACTIVITIES), "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2
    assert "no database at" in result.stderr


def test_dry_run_reports_but_writes_nothing(db, tmp_path):
    before = snapshot(db)
    path = write(tmp_path / "p.csv", "activity_id,age\nACT-1,40\nACT-1,200\n")
    result = wpc("ingest", path, "--db", db, "--dry-run", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["stored"] == 1 and json.loads(result.stdout)["dry_run"] is True
    text = wpc("ingest", path, "--db", db, "--dry-run")
    assert (
        "would store 1, would quarantine 1" in text.output and "Dry run: nothing was written." in text.output
    )
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "kind, text",
    [
        ("activities", "Activity ID,Title,Start date,Place\nK-1,T,01/06/2025,Lambeth\n"),
        ("participants", "activity_id,postcode,ethnicity\nACT-1,SE1 7EH,Indian\n"),
        ("returns", "activity_id,dimension,category,count\nACT-1,sex,female,3\n"),
        ("insights", "insight_id,summary\nK-1,Something said\n"),
    ],
)
def test_kind_is_worked_out_from_the_columns(db, tmp_path, kind, text):
    result = wpc("ingest", write(tmp_path / "f.csv", text), "--db", db)
    assert result.exit_code == 0, result.output
    assert f"f.csv ({kind}): 1 rows read; stored 1" in result.output


def test_a_file_of_no_clear_kind_must_be_named(db, tmp_path):
    result = wpc("ingest", write(tmp_path / "f.csv", "activity_id,place\nACT-1,Lambeth\n"), "--db", db)
    assert result.exit_code == 2
    assert "cannot tell which kind of file f.csv is from its columns" in result.stderr
    assert "--kind" in result.stderr


def test_rejects_file_can_be_fixed_and_uploaded_to_zero_quarantined(db, tmp_path):
    path = write(
        tmp_path / "p.csv",
        "activity_id,participant_ref,age,sex\nACT-1,A,40,F\nACT-1,B,-4,F\nACT-9,C,30,=cmd|' /C calc'!A0\n",
    )
    rejects = tmp_path / "rejects.csv"
    first = wpc("ingest", path, "--db", db, "--rejects", rejects)
    assert first.exit_code == 3
    assert f"are in {rejects}" in first.output
    content = rejects.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["upload_line"] for r in table] == ["3", "4"]
    assert table[1]["sex"] == "'=cmd|' /C calc'!A0"  # a formula is never written live
    assert table[0]["problems"] == "age: not an age in whole years (e.g. 34)"
    table[0]["age"] = "4"
    table[1]["activity_id"], table[1]["sex"] = "ACT-2", "female"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    second = wpc("ingest", fixed, "--db", db, "--json")
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout) == {"stored": 2, "quarantined": 0, "rejects": []}
    assert counts(db)["participants"] == 3


@pytest.mark.parametrize("kind", standard.KINDS)
def test_template_csv_lists_every_column_with_an_example(kind):
    result = wpc("template", kind)
    assert result.exit_code == 0
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == [spec.name for spec in standard.fields(kind)]
    assert len(table) == 2 and table[1][0].startswith("EXAMPLE-")


def test_template_xlsx_is_written_to_a_file(tmp_path):
    out = tmp_path / "t.xlsx"
    result = wpc("template", "participants", "--format", "xlsx", "--out", out)
    assert result.exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["participants", "Notes"]


def test_demo_writes_the_four_standard_files(reference_db, tmp_path):
    result = wpc(
        "demo",
        "--preset",
        "hw",
        "--seed",
        "3",
        "--end",
        "2025-06-30",
        "--out",
        tmp_path / "demo",
        "--db",
        reference_db,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == [
        "demo-hw-activities.csv",
        "demo-hw-insights.csv",
        "demo-hw-participants.csv",
        "demo-hw-returns.csv",
    ]
    bad = wpc("demo", "--preset", "nowhere", "--out", tmp_path / "x", "--db", reference_db)
    assert bad.exit_code == 2 and "preset 'nowhere' is not registered" in bad.stderr


def test_a_database_not_built_by_wpc_exits_2(tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    result = wpc("ingest", write(tmp_path / "a.csv", BASE_ACTIVITIES), "--db", other)
    assert result.exit_code == 2
    assert "is not a wpc database" in result.stderr


def test_a_damaged_workbook_exits_2(db, tmp_path):
    from tests.fixtures.ingest_files import xlsx_bytes

    workbook = xlsx_bytes({"s": [["activity_id", "title", "start_date", "place"], ["A", "B", "01/06/2025", "Lambeth"]]})
    source = zipfile.ZipFile(io.BytesIO(workbook))
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='3'><c r='A3'><v>1")  # cut off mid-sheet
            target.writestr(item, data)
    result = wpc("ingest", path, "--db", db)
    assert result.exit_code == 2
    assert "damaged.xlsx" in result.stderr and "Nothing was written." in result.stderr
