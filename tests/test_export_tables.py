"""Tables as files: CSV and XLSX are formula-safe and keep numbers as numbers; slide text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from wpc.export.tables import as_text, for_download, to_csv_bytes, to_xlsx_bytes

HOSTILE = ['=HYPERLINK("http://evil.example/x","click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1", "-1",
           "\t=1+2", "\r=1+2", "\x01=1+2"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Title": [*HOSTILE, "Maternity listening event"],
        "Participants": [12, "*", 0, 35, 5, 10, 15, 20],
        "Share": [0.25, None, 0.0, 0.5, 0.125, 0.1, 0.2, 0.3],
    })


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe():
    text = to_csv_bytes(hostile_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Title", "Participants", "Share"]
    titles = [r[0] for r in rows[1:]]
    assert titles[:6] == ["'" + t for t in HOSTILE[:6]]
    assert titles[7] == "Maternity listening event"
    # numbers are not touched: a negative number is a number, not text
    assert [r[1] for r in rows[1:]] == ["12", "*", "0", "35", "5", "10", "15", "20"]


def test_xlsx_has_no_formula_and_the_same_apostrophes_and_numbers_stay_numbers():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(hostile_frame(), notes=["=1+1 note", "ok"])))
    sheet = book["Table"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    titles = [sheet.cell(row=r, column=1).value for r in range(2, 10)]
    assert titles[:6] == ["'" + t for t in HOSTILE[:6]]
    # the control character is removed before neutralising, so it cannot uncover a formula
    assert titles[6] == "'=1+2"
    assert titles[7] == "Maternity listening event"
    counts = [sheet.cell(row=r, column=2).value for r in range(2, 10)]
    assert counts == [12, "*", 0, 35, 5, 10, 15, 20]
    assert sheet.cell(row=2, column=2).data_type == "n"
    about = [row[0].value for row in book["About"].iter_rows()]
    assert about == ["About this file", "'=1+1 note", "ok"]


def test_xlsx_from_several_tables_has_a_sheet_each_with_valid_names():
    frames = {"Reach: ethnic group [5]": pd.DataFrame({"a": [1]}), "x" * 40: pd.DataFrame({"b": [2]})}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frames)))
    assert book.sheetnames == ["Reach  ethnic group  5", "x" * 31]


def test_shares_go_into_files_as_percentages_named_so():
    frame = pd.DataFrame({"Area": ["A"], "Share of participants": [0.2468], "Participants": [50]})
    out = for_download(frame, ("Share of participants",))
    assert list(out.columns) == ["Area", "Share of participants (%)", "Participants"]
    assert out.iloc[0, 1] == 24.7


def test_slide_text_writes_counts_shares_and_gaps_as_people_read_them():
    frame = pd.DataFrame({
        "Category": ["White", "Black"], "Participants": [4530, "*"], "Share": [0.6131, None],
        "Gap (points)": [6.3, None], "IMD rank": [5890, 12],
    })
    text = as_text(frame, percent_columns=("Share",), one_decimal_columns=("Gap (points)",))
    assert text.to_numpy().tolist() == [["White", "4,530", "61.3%", "6.3", "5,890"],
                                        ["Black", "*", "–", "–", "12"]]
