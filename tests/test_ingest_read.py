"""Reading files as text: encodings, separators, line numbers, headers and refusals."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.fixtures.ingest_files import xlsx_bytes
from wpc.ingest import read
from wpc.ingest.read import FileRefused, read_bytes


def cells(sheet) -> list[list[str]]:
    return sheet.frame.astype(object).values.tolist()


@pytest.mark.parametrize(
    "data, encoding_note",
    [
        ("a,b\nCafé,£5\n".encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + "a,b\nCafé,£5\n".encode("utf-8"), "UTF-8"),
        ("a,b\r\nCafé,£5\r\n".encode("cp1252"), "Windows-1252"),
        ("a\tb\nCafé\t£5\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_encodings(data, encoding_note):
    sheet = read_bytes(data, "f.csv", 10)
    assert cells(sheet) == [["Café", "£5"]]
    assert sheet.notes[0].startswith(f"Read as CSV: {encoding_note} text")


@pytest.mark.parametrize(
    "text, named", [("a;b\n1,5;2\n", "semicolon"), ('a,b\n"1;5",2\n', "comma"), ("a\tb\n1,5\t2\n", "tab")]
)
def test_separators(text, named):
    sheet = read_bytes(text.encode(), "f.csv", 10)
    assert cells(sheet) == [["1,5" if named != "comma" else "1;5", "2"]]
    assert f"{named}-separated" in sheet.notes[0]


def test_column_names_fold_case_spaces_and_punctuation():
    sheet = read_bytes(b" Activity ID ,START-DATE,Cost (GBP),,Title\nA,B,C,D,E\n", "f.csv", 10)
    assert list(sheet.frame.columns) == ["activity_id", "start_date", "cost_gbp", "column_D", "title"]
    assert sheet.labels["activity_id"] == "Activity ID" and sheet.letters["title"] == "E"


def test_line_numbers_skip_blank_rows_and_follow_cells_that_span_lines():
    text = 'a,b\n1,x\n\n,\n2,"two\nlines"\n3,y\n'
    for newline in ("\n", "\r\n", "\r"):
        sheet = read_bytes(text.replace("\n", newline).encode(), "f.csv", 10)
        assert cells(sheet) == [["1", "x"], ["2", f"two{newline}lines"], ["3", "y"]]
        assert list(sheet.lines) == [2, 5, 7]


def test_chunks_keep_only_the_columns_asked_for_and_count_rows_across_chunks(monkeypatch):
    monkeypatch.setattr(read, "CHUNK_ROWS", 2)
    table = read.open_table(b"id,secret,n\n1,a,x\n\n2,b,y\n3,c,z\n4,,\n", 10, file_name="f.csv")
    chunks = list(table.chunks(keep=["id", "n"]))
    # records of two lines each: the empty line is a record, skipped once read
    assert [list(c.frame.columns) for c in chunks] == [["id", "n"]] * 3
    assert [c.offset for c in chunks] == [0, 1, 3]
    assert [list(c.lines) for c in chunks] == [[2], [4, 5], [6]]
    assert table.rows_read == 4


def test_apostrophe_protecting_a_formula_is_removed():
    sheet = read_bytes("a,b,c\n'=SUM(A1),'-,'plain\n".encode(), "f.csv", 10)
    assert cells(sheet) == [["=SUM(A1)", "-", "'plain"]]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty"),
        (b"PK\x03\x04" + b"\0" * 50, "looks like a zip file but is damaged"),
        (b"\x1f\x8b\x08\x00", r"compressed \(gzip\)"),
        (b"\xff\xd8\xff\xe0", "is an image"),
        (b"a,b\n\xff\xfe\x00x\n", "binary data"),
    ],
)
def test_unreadable_files_are_refused(data, message):
    with pytest.raises(FileRefused, match=message):
        read_bytes(data, "f", 10)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileRefused, match="is a zip file but not an Excel workbook"):
        read_bytes(out.getvalue(), "f.xlsx", 10)


def test_size_limit():
    with pytest.raises(FileRefused, match="over the 1 MB limit"):
        read_bytes(b"a\n" + b"x\n" * 600_000, "f.csv", 1)


def test_xlsx_values_are_read_as_text_like_a_csv():
    from datetime import date, datetime

    workbook = xlsx_bytes(
        {
            "s": [
                ["when", "n", "f", "b", "t"],
                [date(2025, 3, 1), 34.0, 2.5, True, datetime(2025, 3, 1, 9, 30)],
            ]
        }
    )
    sheet = read_bytes(workbook, "f.xlsx", 10)
    assert cells(sheet) == [["2025-03-01", "34", "2.5", "TRUE", "2025-03-01 09:30:00"]]
    assert sheet.notes == ["Read as XLSX: sheet 's'."]

