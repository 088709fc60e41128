"""Read an uploaded file into a table of text cells, or refuse it whole with a clear message.

CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, or Windows-1252 as
Excel writes it; comma, semicolon or tab separated (sniffed from the header line).
XLSX: the first sheet by default, read with openpyxl in read-only mode: cells give the
value Excel saved, formulas are never evaluated and external links never followed;
a formula cell with no saved value is reported as a problem for its row.

Every cell comes back as stripped text ("" when empty), with the row's line in the file
(header = line 1). Wholly empty rows are skipped: they are not rows of data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)

# Leading characters a spreadsheet would run as a formula; wpc's own CSV exports protect
# them with an apostrophe (wpc.export.tables), which is taken off again when read back.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_MAGIC_REFUSALS = (
    (b"\xd0\xcf\x11\xe0", "is an old-style Excel (.xls) or other Office file: save it as .xlsx or CSV"),
    (b"%PDF", "is a PDF, not a CSV or XLSX file"),
    (b"\x89PNG", "is an image, not a CSV or XLSX file"),
    (b"\xff\xd8\xff", "is an image, not a CSV or XLSX file"),
    (b"GIF8", "is an image, not a CSV or XLSX file"),
    (b"\x1f\x8b", "is a compressed (gzip) file: unpack it first"),
)


class FileRefused(ValueError):
    """The whole file cannot be read; nothing is written. The message says what is wrong."""


@dataclass
class Sheet:
    """A file read as text. `frame` has one column per header cell, named by its folded name."""

    file_name: str
    sha256: str
    format: str  # csv | xlsx
    frame: pd.DataFrame  # text cells, "" when empty; index 0..n-1
    lines: np.ndarray  # the line (spreadsheet row) of each frame row
    labels: dict[str, str]  # folded column name -> header as written
    letters: dict[str, str]  # folded column name -> spreadsheet column letter
    cell_problems: pd.DataFrame = field(default_factory=lambda: _no_problems())
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series([], dtype="int64"),
            "column": pd.Series([], dtype="object"),
            "reason": pd.Series([], dtype="object"),
        }
    )


def fold(label: str) -> str:
    """A column name folded for matching: ignoring case, spaces and punctuation."""
    # e.g. "Activity ID", "activity id" and "ACTIVITY_ID" are all activity_id
    return re.sub(r"[^a-z0-9]+", "_", str(label).strip().lower()).strip("_")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_file(path: Path | str, max_mb: int, sheet: str | None = None) -> Sheet:
    path = Path(path)
    if not path.exists():
        raise FileRefused(f"there is no file {path}")
    if path.is_dir():
        raise FileRefused(f"{path} is a folder, not a file")
    size = path.stat().st_size
    _check_size(path.name, size, max_mb)
    return read_bytes(path.read_bytes(), path.name, max_mb, sheet)


def read_bytes(data: bytes, file_name: str, max_mb: int, sheet: str | None = None) -> Sheet:
    """Read CSV or XLSX content (told apart by content, not by the name's extension)."""
    _check_size(file_name, len(data), max_mb)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRefused(f"{file_name} is empty")
    sha256 = hashlib.sha256(data).hexdigest()
    for magic, message in _MAGIC_REFUSALS:
        if data.startswith(magic):
            raise FileRefused(f"{file_name} {message}")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, file_name, sha256, max_mb, sheet)
    return _read_csv(data, file_name, sha256)


def _check_size(file_name: str, size: int, max_mb: int) -> None:
    if size > max_mb * 1024 * 1024:
        raise FileRefused(
            f"{file_name} is {size / 1024 / 1024:,.1f} MB, over the {max_mb} MB limit "
            "(setting max_upload_mb): split it into smaller files"
        )


# CSV --------------------------------------------------------------------------------------


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (BOM optional), UTF-16 (BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise FileRefused(f"{file_name} starts like UTF-16 text but cannot be read as it") from exc
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{file_name} is not a CSV or XLSX file (it holds binary data)")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"{file_name} is not text in UTF-8 or Windows-1252 (byte {exc.start:,} cannot be read): "
            "save it from Excel as 'CSV UTF-8'"
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (outside quotes)."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, file_name: str, sha256: str) -> Sheet:
    text, encoding = decode(data, file_name)
    if not text.strip():
        raise FileRefused(f"{file_name} is empty")
    delimiter = sniff_delimiter(text)
    rows = _parse_fast(text, delimiter) or _parse_exact(text, delimiter)
    del text  # the parsed columns are all that is needed from here
    header, columns, lines, problems = rows
    sheet = _assemble(file_name, sha256, "csv", header, columns, lines, problems)
    named = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    sheet.notes.insert(0, f"Read as CSV: {encoding} text, {named}-separated.")
    return sheet


def _parse_fast(text: str, delimiter: str):
    """pyarrow's parser, for the usual file: every row has as many cells as the header and no
    cell spans lines (so a row's line is its position). Returns None for any other file."""
    irregular = []

    def note_irregular(row) -> str:
        irregular.append(row)
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=note_irregular,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=_all_text(text, delimiter),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if irregular:
        return None
    columns = [table.column(i) for i in range(table.num_columns)]
    for column in columns:
        for newline in ("\n", "\r"):
            if pa_compute.any(pa_compute.match_substring(column, newline)).as_py():
                return None
    header = [c[0].as_py() for c in columns]
    body = [c.slice(1) for c in columns]
    lines = np.arange(2, table.num_rows + 1, dtype="int64")
    return header, body, lines, []


def _all_text(text: str, delimiter: str) -> dict:
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter), [])
    return {f"f{i}": pa.string() for i in range(max(len(first), 1) + 64)}


def _parse_exact(text: str, delimiter: str):
    """Python's csv module: slower, but knows where each row starts, and copes with rows that
    have too few cells (the rest read as empty) or too many (the row is quarantined)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise FileRefused(f"the header line cannot be read as CSV: {exc}") from exc
    width = len(header)
    rows, lines, problems = [], [], []
    start = reader.line_num + 1
    try:
        for row in reader:
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problems.append(
                    (
                        len(rows),
                        None,
                        f"this row has {len(row)} cells but the header has {width}: "
                        "a cell may hold an unquoted separator",
                    )
                )
            rows.append(row[:width] + [""] * (width - len(row)))
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(f"line {start} cannot be read as CSV: {exc}") from exc
    columns = [pa.array([row[i] for row in rows], type=pa.string()) for i in range(width)]
    return header, columns, np.array(lines, dtype="int64"), problems


# XLSX -------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, file_name: str, sha256: str, max_mb: int, sheet_name: str | None) -> Sheet:
    import openpyxl  # imported here: CSV-only runs need not load it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRefused(f"{file_name} looks like a zip file but is damaged") from exc
    if "xl/workbook.xml" not in names:
        raise FileRefused(
            f"{file_name} is a zip file but not an Excel workbook (.xlsx): save it as .xlsx or CSV"
        )
    if unpacked > 10 * max_mb * 1024 * 1024:
        raise FileRefused(f"{file_name} unpacks to {unpacked / 1024 / 1024:,.0f} MB, more than wpc will read")
    try:
        values_book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        formula_book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileRefused(f"{file_name} cannot be read as an Excel workbook: {exc}") from exc
    try:
        sheets = values_book.sheetnames
        if sheet_name is None:
            chosen = sheets[0]
        elif sheet_name in sheets:
            chosen = sheet_name
        else:
            raise FileRefused(f"{file_name} has no sheet {sheet_name!r}; its sheets are: {', '.join(sheets)}")
        values = values_book[chosen].iter_rows(values_only=True)
        formulas = formula_book[chosen].iter_rows(values_only=True)
        header_values = next(values, None)
        next(formulas, None)
        if header_values is None:
            raise FileRefused(f"sheet {chosen!r} of {file_name} is empty")
        header = [_cell_text(v) for v in header_values]
        while header and header[-1] == "":
            header.pop()
        width = len(header)
        cells: list[list[str]] = [[] for _ in range(width)]
        lines, problems = [], []
        formula_cells = 0
        for number, (row, formula_row) in enumerate(zip(values, formulas), start=2):
            row = list(row[:width]) + [None] * (width - len(row))
            texts = [_cell_text(v) for v in row]
            if not any(texts) and not any(_is_formula(f) for f in formula_row[:width]):
                continue
            index = len(lines)
            for i, formula in enumerate(formula_row[:width]):
                if _is_formula(formula):
                    formula_cells += 1
                    if row[i] is None:
                        problems.append(
                            (
                                index,
                                i,
                                f"this cell holds a formula ({str(formula)[:60]}) with no "
                                "saved result; type the value itself",
                            )
                        )
            for i, text in enumerate(texts):
                cells[i].append(text)
            lines.append(number)
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet fails part way, with whatever openpyxl raises
        raise FileRefused(f"{file_name} cannot be read as an Excel workbook: {exc}") from exc
    finally:
        values_book.close()
        formula_book.close()
    columns = [pa.array(c, type=pa.string()) for c in cells]
    result = _assemble(file_name, sha256, "xlsx", header, columns, np.array(lines, dtype="int64"), problems)
    result.notes.insert(
        0,
        f"Read as XLSX: sheet {chosen!r}"
        + (f" (the first of {len(sheets)}; the others were not read)." if len(sheets) > 1 else "."),
    )
    if formula_cells:
        result.notes.append(
            f"{formula_cells:,} cell(s) held formulas: the values Excel saved for them were used "
            "(formulas are never run)."
        )
    return result


def sheet_names(data: bytes) -> list[str]:
    """The sheets of an XLSX file, in order ([] for anything that is not a readable workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return []
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    except Exception:  # not a workbook: read_bytes will say why
        return []
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    )


def _cell_text(value) -> str:
    """A cell's value as the text a CSV of it would hold (dates as ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    return str(value)


# Both formats -----------------------------------------------------------------------------


def _assemble(file_name, sha256, fmt, header, columns, lines, problems) -> Sheet:
    header = [str(h).strip() for h in header]
    if not any(header):
        raise FileRefused(f"{file_name} has no column names in its first row")
    folded, labels, letters, frame_columns = [], {}, {}, {}
    for i, label in enumerate(header):
        name = fold(label) or f"column_{column_letter(i)}"
        base, n = name, 2
        while name in labels:
            name, n = f"{base}__{n}", n + 1
        folded.append(name)
        labels[name] = label
        letters[name] = column_letter(i)
        column = columns[i] if isinstance(columns[i], pa.ChunkedArray) else pa.chunked_array([columns[i]])
        frame_columns[name] = _clean(column.to_pandas())
    frame = pd.DataFrame(frame_columns)
    blank = np.ones(len(frame), dtype=bool)
    for name in folded:
        blank &= (frame[name] == "").to_numpy()
    cell_problems = pd.DataFrame(problems, columns=["row", "column", "reason"])
    cell_problems["column"] = [folded[c] if c is not None else None for c in cell_problems["column"]]
    if blank.any():
        keep = ~blank
        renumber = np.cumsum(keep) - 1
        cell_problems = (
            cell_problems[keep[cell_problems["row"].to_numpy(dtype="int64")]]
            if len(cell_problems)
            else cell_problems
        )
        cell_problems["row"] = renumber[cell_problems["row"].to_numpy(dtype="int64")]
        frame = frame[keep].reset_index(drop=True)
        lines = lines[keep]
    if frame.empty:
        raise FileRefused(f"{file_name} has a header row but no rows of data")
    cell_problems = cell_problems.astype({"row": "int64"}).reset_index(drop=True)
    return Sheet(
        file_name=file_name,
        sha256=sha256,
        format=fmt,
        frame=frame,
        lines=lines,
        labels=labels,
        letters=letters,
        cell_problems=cell_problems,
    )


def _clean(column: pd.Series) -> pd.Series:
    """Trim spaces (non-breaking ones too) and remove the apostrophe wpc's exports put before a formula."""
    column = column.str.strip(" \t\r\n\u00a0")
    protected = column.str.startswith("'") & column.str.slice(1, 2).isin(list(FORMULA_STARTS))
    if protected.any():
        column = column.where(~protected, column.str.slice(1))
    return column
