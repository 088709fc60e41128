"""Read an uploaded file into a table of text cells, or refuse it whole with a clear message.

CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, or Windows-1252 as
Excel writes it; comma, semicolon or tab separated (sniffed from the header line).
XLSX: the first sheet by default, read with openpyxl in read-only mode: cells give the
value Excel saved, formulas are never evaluated and external links never followed;
a formula cell with no saved value is reported as a problem for its row.

Every cell comes back as stripped text ("" when empty), with the row's line in the file
(header = line 1). Wholly empty rows are skipped: they are not rows of data.

Hostile files are refused before they can use much time or memory: more than
MAX_COLUMNS columns, a line of more than MAX_CELLS_PER_LINE cells, and a workbook whose
parts would unpack to far more than real spreadsheets do (a "zip bomb"). A cell holding a
control character (other than tab and line breaks) is a problem for its row, which is
quarantined: such characters are never text a person typed.
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


# Limits for files that are not tables of engagement data (see the module docstring).
MAX_COLUMNS = 1_000  # the standard has at most 20; survey exports have a few hundred
MAX_CELLS_PER_LINE = 16_384  # Excel's own column limit
MAX_CELL_CHARACTERS = 131_072  # Python's csv limit; Excel's own is 32,767
# A workbook part may unpack to at most this many times its packed size once it is larger
# than ZIP_RATIO_FROM bytes (real sheets unpack 5-20 times; zip bombs about 1,000 times).
ZIP_RATIO_LIMIT = 100
ZIP_RATIO_FROM = 10 * 1024 * 1024
# Control characters are never typed text (tab, line feed and carriage return aside).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


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
    return _decode_lines(data.removeprefix(b"\xef\xbb\xbf"), file_name)


def _decode_lines(data: bytes, file_name: str) -> tuple[str, str]:
    """Windows-1252, except lines that are valid UTF-8 with accented letters: files pasted
    together from two sources mix the two, and each line is read as it was written."""
    texts, utf8_lines = [], 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            texts.append(line.decode("ascii"))
            continue
        try:
            texts.append(line.decode("utf-8"))
            utf8_lines += 1
            continue
        except UnicodeDecodeError:
            pass
        try:
            texts.append(line.decode("cp1252"))
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"{file_name} is not text in UTF-8 or Windows-1252 (line {number:,} holds byte "
                f"0x{line[exc.start]:02X}, which neither can read): save it from Excel as 'CSV UTF-8'"
            ) from exc
    encoding = "Windows-1252"
    if utf8_lines:
        encoding = f"mixed UTF-8 ({utf8_lines:,} line{'s' if utf8_lines > 1 else ''}) and Windows-1252"
    return "\n".join(texts), encoding


def first_line(text: str) -> str:
    """The header line, whichever line ending the file uses (old Macs end lines with CR alone)."""
    return re.split(r"\r\n|\n|\r", text, maxsplit=1)[0]


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (outside quotes)."""
    first = first_line(text)
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, file_name: str, sha256: str) -> Sheet:
    text, encoding = decode(data, file_name)
    if not text.strip():
        raise FileRefused(f"{file_name} is empty")
    delimiter = sniff_delimiter(text)
    columns = first_line(text).count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise FileRefused(
            f"{file_name} has {columns:,} columns in its header line; wpc reads files of up to "
            f"{MAX_COLUMNS:,} columns (the data standard has at most 20): delete the columns it does not need"
        )
    rows = _parse_fast(text, delimiter) or _parse_exact(text, delimiter, file_name)
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
    try:
        first = next(csv.reader(io.StringIO(first_line(text), newline=""), delimiter=delimiter), [])
    except csv.Error:
        first = []
    return {f"f{i}": pa.string() for i in range(max(len(first), 1) + 64)}


def _guarded_lines(text: str, delimiter: str, file_name: str):
    """The file's lines, refusing one with more cells than any spreadsheet has before the csv
    module holds them all in memory."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.count(delimiter) >= MAX_CELLS_PER_LINE:
            raise FileRefused(
                f"line {number:,} of {file_name} has more than {MAX_CELLS_PER_LINE:,} cells, more than "
                "any spreadsheet holds: this is not a table wpc can read"
            )
        yield line


def _parse_exact(text: str, delimiter: str, file_name: str = "the file"):
    """Python's csv module: slower, but knows where each row starts, and copes with rows that
    have too few cells (the rest read as empty) or too many (the row is quarantined)."""
    reader = csv.reader(_guarded_lines(text, delimiter, file_name), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise FileRefused(f"the header line of {file_name} cannot be read as CSV: {exc}") from exc
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
        if "field larger than field limit" in str(exc):
            raise FileRefused(
                f"line {start:,} of {file_name} has a cell of more than {MAX_CELL_CHARACTERS:,} "
                "characters (a spreadsheet cell holds at most 32,767): check the file"
            ) from exc
        raise FileRefused(f"line {start:,} cannot be read as CSV: {exc}") from exc
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
    _check_unpacking(archive, file_name, unpacked, max_mb)
    try:
        values_book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        formula_book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileRefused(f"{file_name} cannot be read as an Excel workbook: {_first_line(exc)}") from exc
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
        if width > MAX_COLUMNS:
            raise FileRefused(
                f"sheet {chosen!r} of {file_name} has {width:,} columns; wpc reads sheets of up to "
                f"{MAX_COLUMNS:,} columns (the data standard has at most 20): delete the columns it does not need"
            )
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
        raise FileRefused(f"{file_name} cannot be read as an Excel workbook: {_first_line(exc)}") from exc
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


def _check_unpacking(archive: zipfile.ZipFile, file_name: str, unpacked: int, max_mb: int) -> None:
    """Refuse a workbook that would unpack to far more than its size (a "zip bomb") before any
    of it is unpacked. The sizes checked are those the zip declares; Python's zipfile never
    unpacks a part beyond its declared size (a part that lies fails its checksum)."""
    if unpacked > 10 * max_mb * 1024 * 1024:
        raise FileRefused(
            f"{file_name} would unpack to {unpacked / 1024 / 1024:,.0f} MB, more than wpc will read "
            f"(10 times the {max_mb} MB upload limit)"
        )
    for info in archive.infolist():
        packed = max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_RATIO_LIMIT * packed:
            raise FileRefused(
                f"{file_name} is not a workbook wpc will open: its part {info.filename} would unpack "
                f"from {packed / 1024:,.0f} KB to {info.file_size / 1024 / 1024:,.0f} MB "
                f"({info.file_size // packed:,} times), which real spreadsheets never do (a 'zip bomb')"
            )


def _first_line(exc: BaseException) -> str:
    """What went wrong, in one line; XML entity definitions (refused by defusedxml, which
    openpyxl uses) named as such rather than as openpyxl's "invalid XML"."""
    cause = exc
    while cause is not None:
        if type(cause).__module__.startswith("defusedxml"):
            return "it defines XML entities, which spreadsheets never need and wpc does not read (an 'XML bomb')"
        if isinstance(cause, zipfile.BadZipFile):
            return f"it is damaged ({cause})"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sheet_names(data: bytes) -> list[str]:
    """The sheets of an XLSX file, in order ([] for anything that is not a readable workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return []
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_unpacking(archive, "upload", sum(i.file_size for i in archive.infolist()), 1 << 20)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    except Exception:  # not a workbook, or one wpc will not open: read_bytes will say why
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
    if max(len(h) for h in header) > MAX_CELL_CHARACTERS:
        raise FileRefused(f"the header of {file_name} has a column name of more than {MAX_CELL_CHARACTERS:,} characters")
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
        _check_cell_lengths(column, file_name, lines)
        problems = problems + _control_characters(column, i)
        frame_columns[name] = _clean(column.to_pandas())
    frame = pd.DataFrame(frame_columns)
    blank = np.ones(len(frame), dtype=bool)
    for name in folded:
        blank &= (frame[name] == "").to_numpy()
    named = [(row, folded[c] if c is not None else None, reason) for row, c, reason in problems]
    cell_problems = pd.DataFrame(named, columns=["row", "column", "reason"]).astype({"row": "int64"})
    # A row with a problem is not blank, even if its named cells are (cells beyond the header).
    blank[cell_problems["row"].to_numpy(dtype="int64")] = False
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


def _check_cell_lengths(column: pa.ChunkedArray, file_name: str, lines: np.ndarray) -> None:
    """Refuse a file with a cell longer than MAX_CELL_CHARACTERS, as the exact CSV parser does."""
    lengths = pa_compute.utf8_length(column)
    if len(column) and pa_compute.max(lengths).as_py() > MAX_CELL_CHARACTERS:
        row = int(np.argmax(lengths.to_numpy(zero_copy_only=False) > MAX_CELL_CHARACTERS))
        where = "the header" if row >= len(lines) else f"line {lines[row]:,}"
        raise FileRefused(
            f"{where} of {file_name} has a cell of more than {MAX_CELL_CHARACTERS:,} characters "
            "(a spreadsheet cell holds at most 32,767): check the file"
        )


def _control_characters(column: pa.ChunkedArray, index: int) -> list[tuple]:
    """A problem for each cell holding a control character (found in Arrow: whole columns at once)."""
    found = pa_compute.match_substring_regex(column, CONTROL_CHARACTERS)
    if not pa_compute.any(found).as_py():
        return []
    rows = np.flatnonzero(found.to_numpy(zero_copy_only=False))
    problems = []
    for row in rows:
        character = re.search(CONTROL_CHARACTERS, column[int(row)].as_py()).group()
        problems.append(
            (int(row), index, f"this cell holds a control character (U+{ord(character):04X}), which is "
             "not text: delete it")
        )
    return problems


def _clean(column: pd.Series) -> pd.Series:
    """Trim spaces (non-breaking ones too) and remove the apostrophe wpc's exports put before a formula."""
    column = column.str.strip(" \t\r\n\u00a0")
    protected = column.str.startswith("'") & column.str.slice(1, 2).isin(list(FORMULA_STARTS))
    if protected.any():
        column = column.where(~protected, column.str.slice(1))
    return column
