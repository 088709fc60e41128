"""Read an uploaded file as a table of text cells, a chunk of rows at a time, or refuse it
whole with a clear message.

`open_table(source, ...)` opens a file (a path or bytes) and reads its header; the caller
then decides which columns it wants (the standard's) and `Table.chunks(keep)` reads the
rows in chunks of at most CHUNK_ROWS, keeping only those columns: cells of any other
column are never kept, never checked and never stored. Memory is bounded by a chunk, not
by the file.

Only regular files are read (a device, a pipe or a socket is refused before anything is
read from it), and reading stops at the size limit whatever the file system says of the
file's size.

CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, or Windows-1252 as
Excel writes it (a line that is valid UTF-8 with accented letters is read as UTF-8: files
pasted together from two sources mix the two); comma, semicolon or tab separated (sniffed
from the header line); lines ended by CRLF, LF or CR alone.
XLSX: the first visible worksheet unless another is named (hidden, very hidden and chart
sheets are skipped), read with openpyxl in read-only mode: cells give the value Excel
saved, formulas are never evaluated and external links never followed; a formula cell
with no saved value is reported as a problem for its row.

Every cell comes back as stripped text ("" when empty), with the row's line in the file
(header = line 1). Rows empty in every column read are skipped: they are not rows of data.

Hostile files are refused before they can use much time or memory: more than MAX_COLUMNS
columns, a line of more than MAX_CELLS_PER_LINE cells or MAX_LINE_BYTES bytes, a cell of
more than MAX_CELL_CHARACTERS, and a workbook whose parts would unpack to far more than
real spreadsheets do (a "zip bomb"). A cell read holding a control character (other than
tab and line breaks) is a problem for its row, which is quarantined: such characters are
never text a person typed.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
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
MAX_LINE_BYTES = 16 * 1024 * 1024  # a line longer than this is not a row of a table
# A workbook part may unpack to at most this many times its packed size once it is larger
# than ZIP_RATIO_FROM bytes (real sheets unpack 5-20 times; zip bombs about 1,000 times).
ZIP_RATIO_LIMIT = 100
ZIP_RATIO_FROM = 10 * 1024 * 1024
# Control characters are never typed text (tab, line feed and carriage return aside).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
BLANK = " \t\r\n\u00a0"  # trimmed from every cell

CHUNK_ROWS = 25_000  # rows checked at a time
CHUNK_CHARACTERS = 32 * 1024 * 1024  # ...or fewer, when rows are long
BLOCK_BYTES = 1024 * 1024  # bytes read from the file at a time

csv.field_size_limit(MAX_CELL_CHARACTERS)


class FileRefused(ValueError):
    """The whole file cannot be read; nothing is written. The message says what is wrong."""


@dataclass
class Sheet:
    """A chunk of a file read as text. `frame` has one column per column kept, named by its
    folded name; `offset` is the position of its first row among the file's rows."""

    file_name: str
    sha256: str
    format: str  # csv | xlsx
    frame: pd.DataFrame  # text cells, "" when empty; index 0..n-1
    lines: np.ndarray  # the line (spreadsheet row) of each frame row
    labels: dict[str, str]  # folded column name -> header as written
    letters: dict[str, str]  # folded column name -> spreadsheet column letter
    cell_problems: pd.DataFrame = field(default_factory=lambda: no_problems())
    notes: list[str] = field(default_factory=list)
    offset: int = 0

    @property
    def rows(self) -> int:
        return len(self.frame)


def no_problems() -> pd.DataFrame:
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


# The source: a regular file or bytes, read no further than the size limit -----------------


def _too_big(file_name: str, size: int | None, max_mb: int) -> FileRefused:
    """Over the limit: `size` when known, None when reading went past the limit."""
    said = f"is {size / 1024 / 1024:,.1f} MB, over" if size is not None else "goes on past"
    return FileRefused(
        f"{file_name} {said} the {max_mb} MB limit (setting max_upload_mb): split it into smaller files"
    )


class Source:
    """The bytes of an upload, read in blocks no further than the size limit, hashed as read.
    A path must name a regular file: it is opened without waiting (a pipe with no writer would
    otherwise hang) and checked on the open file, so it cannot be swapped for a device after
    the check."""

    def __init__(self, source: Path | str | bytes, file_name: str | None, max_mb: int):
        self.limit = max_mb * 1024 * 1024
        self.max_mb = max_mb
        self.data: bytes | None = None
        self.path: Path | None = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            self.data = bytes(source)
            self.file_name = file_name or "upload"
            if len(self.data) > self.limit:
                raise _too_big(self.file_name, len(self.data), max_mb)
        else:
            self.path = Path(source)
            self.file_name = file_name or self.path.name
            _check_regular(self.path)
        self.sha256 = ""

    def open(self):
        """A binary file object for the content (a fresh one each time)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        try:
            handle = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            raise FileRefused(f"{self.path} cannot be opened: {exc.strerror}") from exc
        try:
            mode = _file_status(handle).st_mode
            if not stat.S_ISREG(mode):
                raise FileRefused(_not_regular(self.path, mode))
            os.set_blocking(handle, True)
            size = _file_status(handle).st_size
            if size > self.limit:
                raise _too_big(self.file_name, size, self.max_mb)
        except BaseException:
            os.close(handle)
            raise
        return os.fdopen(handle, "rb")

    def blocks(self) -> Iterator[bytes]:
        """The content in blocks, hashed as read; FileRefused past the size limit."""
        digest = hashlib.sha256()
        read = 0
        with self.open() as handle:
            while block := handle.read(min(BLOCK_BYTES, self.limit + 1 - read)):
                read += len(block)
                if read > self.limit:  # one byte past the limit is enough to know
                    raise _too_big(self.file_name, None, self.max_mb)
                digest.update(block)
                yield block
        self.sha256 = digest.hexdigest()

    def head(self, size: int = 65536) -> bytes:
        with self.open() as handle:
            return handle.read(size)


def _file_status(handle: int) -> os.stat_result:
    """What the file system says of an open file (its type, and a size that may not be true)."""
    return os.fstat(handle)


def _not_regular(path: Path, mode: int) -> str:
    what = (
        "a folder" if stat.S_ISDIR(mode)
        else "a pipe" if stat.S_ISFIFO(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"{path} is {what}, not a file: wpc reads only regular CSV or XLSX files"


def _check_regular(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileRefused(f"there is no file {path}") from None
    except OSError as exc:
        raise FileRefused(f"{path} cannot be read: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        raise FileRefused(_not_regular(path, mode))


# Opening a table --------------------------------------------------------------------------


@dataclass
class Table:
    """A file opened for reading: its header, and its rows read chunk by chunk."""

    source: Source
    format: str
    header: list[str]  # the header cells as written
    labels: dict[str, str]
    letters: dict[str, str]
    _reader: object  # the format's row reader
    rows_read: int = 0
    skipped: int = 0  # rows with values only in columns not read

    @property
    def file_name(self) -> str:
        return self.source.file_name

    @property
    def sha256(self) -> str:
        return self.source.sha256

    @property
    def notes(self) -> list[str]:
        """How the file was read (encoding, separator, sheet); complete once every chunk is read."""
        return self._reader.notes

    def chunks(self, keep: list[str] | None = None) -> Iterator[Sheet]:
        """The rows, CHUNK_ROWS at a time, with only the columns `keep` (folded names; all if None)."""
        names = list(self.labels)
        keep = names if keep is None else [n for n in names if n in keep]
        positions = [names.index(n) for n in keep]
        offset = 0
        for lines, columns, problems in self._reader.rows(len(names)):
            sheet = self._sheet(keep, positions, lines, columns, problems, offset)
            if sheet is None:
                continue
            offset += sheet.rows
            self.rows_read = offset
            yield sheet
        if offset == 0 and not self.skipped:
            raise FileRefused(f"{self.file_name} has a header row but no rows of data")

    def _sheet(self, keep, positions, lines, columns, problems, offset) -> Sheet | None:
        """A Sheet of the columns kept, from every column of a chunk as Arrow text arrays."""
        n = len(lines)
        arrays = {name: _clean(columns[position]) for name, position in zip(keep, positions)}
        blank = np.ones(n, dtype=bool)
        for array in arrays.values():
            blank &= pa_compute.equal(array, "").to_numpy(zero_copy_only=False)
        found = []
        for row, column, reason in problems:
            if column is None or column in positions:
                found.append((row, None if column is None else keep[positions.index(column)], reason))
        for name, array in arrays.items():
            found += _control_characters(array, name)
        # A row with a problem is not blank (cells out of place beyond the header, a formula).
        for row, _column, _reason in found:
            blank[row] = False
        lines = np.asarray(lines, dtype="int64")
        if blank.any():
            # Rows blank in the columns read but not in others: skipped, and counted as such.
            others = np.zeros(n, dtype=bool)
            for position, column in enumerate(columns):
                if position not in positions:
                    others |= ~pa_compute.equal(pa_compute.utf8_trim(column, BLANK), "").to_numpy(zero_copy_only=False)
            self.skipped += int((blank & others).sum())
        if blank.all():
            return None
        keep_rows = ~blank
        if blank.any():
            renumber = np.cumsum(keep_rows) - 1
            found = [(int(renumber[r]), c, reason) for r, c, reason in found if keep_rows[r]]
            arrays = {name: array.filter(pa.array(keep_rows)) for name, array in arrays.items()}
            lines = lines[keep_rows]
        if not len(lines):
            return None
        frame = pd.DataFrame({name: array.to_pandas() for name, array in arrays.items()}, index=range(len(lines)))
        if not keep:
            frame = pd.DataFrame(index=range(len(lines)))
        cell_problems = pd.DataFrame(found, columns=["row", "column", "reason"]).astype({"row": "int64"})
        return Sheet(
            file_name=self.file_name,
            sha256="",
            format=self.format,
            frame=frame,
            lines=lines,
            labels={n: self.labels[n] for n in keep},
            letters={n: self.letters[n] for n in keep},
            cell_problems=cell_problems,
            offset=offset,
        )


def open_table(
    source: Path | str | bytes, max_mb: int, sheet: str | None = None, file_name: str | None = None
) -> Table:
    """Open a CSV or XLSX file (told apart by content, not by the name's extension) and read
    its header; FileRefused if it cannot be read as a table."""
    opened = Source(source, file_name, max_mb)
    head = opened.head()
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRefused(f"{opened.file_name} is empty")
    for magic, message in _MAGIC_REFUSALS:
        if head.startswith(magic):
            raise FileRefused(f"{opened.file_name} {message}")
    if head.startswith(b"PK\x03\x04"):
        reader = _XlsxReader(opened, sheet)
        fmt = "xlsx"
    else:
        reader = _CsvReader(opened, head)
        fmt = "csv"
    header = reader.header()
    labels, letters = _header_names(opened.file_name, header)
    return Table(opened, fmt, header, labels, letters, reader)


def _header_names(file_name: str, header: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    header = [str(h).strip(BLANK) for h in header]
    if not any(header):
        raise FileRefused(f"{file_name} has no column names in its first row")
    labels, letters = {}, {}
    for i, label in enumerate(header):
        name = fold(label) or f"column_{column_letter(i)}"
        base, n = name, 2
        while name in labels:
            name, n = f"{base}__{n}", n + 1
        labels[name] = label
        letters[name] = column_letter(i)
    return labels, letters


def read_file(path: Path | str, max_mb: int, sheet: str | None = None) -> Sheet:
    """A whole (small) file read at once with every column: for tests and tools."""
    return _whole(open_table(path, max_mb, sheet))


def read_bytes(data: bytes, file_name: str, max_mb: int, sheet: str | None = None) -> Sheet:
    return _whole(open_table(data, max_mb, sheet, file_name))


def _whole(table: Table) -> Sheet:
    chunks = list(table.chunks())
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    problems = [c.cell_problems.assign(row=c.cell_problems["row"] + c.offset) for c in chunks]
    return Sheet(
        file_name=table.file_name,
        sha256=table.sha256,
        format=table.format,
        frame=frame,
        lines=np.concatenate([c.lines for c in chunks]),
        labels=table.labels,
        letters=table.letters,
        cell_problems=pd.concat(problems, ignore_index=True) if problems else no_problems(),
        notes=list(table.notes),
    )


# CSV --------------------------------------------------------------------------------------


class _Decoder:
    """Bytes to text, a block at a time: UTF-16 (with its BOM), UTF-8 (BOM optional), else
    Windows-1252 line by line, a line that is valid UTF-8 being read as UTF-8."""

    def __init__(self, file_name: str, head: bytes):
        self.file_name = file_name
        self.utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        if not self.utf16 and b"\x00" in head:
            raise FileRefused(f"{file_name} is not a CSV or XLSX file (it holds binary data)")
        self.incremental = codecs.getincrementaldecoder("utf-16")() if self.utf16 else None
        self.utf8_lines = 0
        self.cp1252_lines = 0
        self.lines_before = 0
        self.first = True

    @property
    def encoding(self) -> str:
        if self.utf16:
            return "UTF-16"
        if not self.cp1252_lines:
            return "UTF-8"
        if self.utf8_lines:
            return f"mixed UTF-8 ({self.utf8_lines:,} line{'s' if self.utf8_lines > 1 else ''}) and Windows-1252"
        return "Windows-1252"

    def texts(self, blocks: Iterator[bytes]) -> Iterator[str]:
        if self.utf16:
            try:
                for block in blocks:
                    yield self.incremental.decode(block)
                yield self.incremental.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise FileRefused(f"{self.file_name} starts like UTF-16 text but cannot be read as it") from exc
            return
        rest = b""
        for block in blocks:
            data = rest + block
            cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1))
            if cut < 0:
                if len(data) > MAX_LINE_BYTES:
                    raise FileRefused(
                        f"line {self.lines_before + 1:,} of {self.file_name} is longer than "
                        f"{MAX_LINE_BYTES // 1024 // 1024} MB: this is not a table wpc can read"
                    )
                rest = data
                continue
            rest = data[cut + 1:]
            yield self._decode(data[: cut + 1])
        if rest:
            yield self._decode(rest)

    def _decode(self, data: bytes) -> str:
        if self.first:
            data = data.removeprefix(b"\xef\xbb\xbf")
            self.first = False
        lines_here = data.count(b"\n")
        try:
            text = data.decode("utf-8")
            if not data.isascii():
                self.utf8_lines += sum(1 for line in data.split(b"\n") if not line.isascii())
        except UnicodeDecodeError:
            text = self._decode_lines(data)
        self.lines_before += lines_here
        return text

    def _decode_lines(self, data: bytes) -> str:
        texts = []
        for number, line in enumerate(data.split(b"\n"), start=self.lines_before + 1):
            if line.isascii():
                texts.append(line.decode("ascii"))
                continue
            try:
                texts.append(line.decode("utf-8"))
                self.utf8_lines += 1
                continue
            except UnicodeDecodeError:
                pass
            try:
                texts.append(line.decode("cp1252"))
                self.cp1252_lines += 1
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"{self.file_name} is not text in UTF-8 or Windows-1252 (line {number:,} holds byte "
                    f"0x{line[exc.start]:02X}, which neither can read): save it from Excel as 'CSV UTF-8'"
                ) from exc
        return "\n".join(texts)


class _Stream(io.RawIOBase):
    """A readable binary stream over an iterator of byte strings (for pyarrow's CSV reader)."""

    def __init__(self, pieces: Iterator[bytes]):
        self.pieces = pieces
        self.rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.rest:
            piece = next(self.pieces, None)
            if piece is None:
                return 0
            self.rest = piece
        size = min(len(buffer), len(self.rest))
        buffer[:size] = self.rest[:size]
        self.rest = self.rest[size:]
        return size


def _lines(texts: Iterator[str]) -> Iterator[str]:
    """Text pieces split into lines ending CRLF, LF or CR (kept), whatever the pieces' ends."""
    carry = ""
    for piece in texts:
        if not piece:
            continue
        lines = list(io.StringIO(carry + piece, newline=""))
        carry = lines.pop() if lines and not lines[-1].endswith("\n") else ""
        if len(carry) > MAX_LINE_BYTES:
            raise FileRefused(
                f"a line is longer than {MAX_LINE_BYTES // 1024 // 1024} MB: this is not a table wpc can read"
            )
        yield from lines
    if carry:
        yield carry


def sniff_delimiter(first: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _CsvReader:
    def __init__(self, source: Source, head: bytes):
        self.source = source
        self.decoder = _Decoder(source.file_name, head)
        self.notes: list[str] = []
        self.lines = _lines(self.decoder.texts(source.blocks()))
        self.line_number = 0

    def header(self) -> list[str]:
        file_name = self.source.file_name
        first = ""
        for first in self.lines:
            self.line_number += 1
            break
        if not first.strip():
            raise FileRefused(f"{file_name} is empty")
        self.delimiter = sniff_delimiter(first)
        columns = first.count(self.delimiter) + 1
        if columns > MAX_COLUMNS:
            raise FileRefused(
                f"{file_name} has {columns:,} columns in its header line; wpc reads files of up to "
                f"{MAX_COLUMNS:,} columns (the data standard has at most 20): delete the columns it does not need"
            )
        try:
            header = next(csv.reader([first], delimiter=self.delimiter), [])
        except csv.Error as exc:
            raise FileRefused(f"the header line of {file_name} cannot be read as CSV: {exc}") from exc
        named = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        self._named = named
        return header

    def _guarded(self) -> Iterator[str]:
        for line in self.lines:
            self.line_number += 1
            self.characters += len(line)
            if len(line) >= MAX_CELLS_PER_LINE and line.count(self.delimiter) >= MAX_CELLS_PER_LINE:
                raise FileRefused(
                    f"line {self.line_number:,} of {self.source.file_name} has more than {MAX_CELLS_PER_LINE:,} "
                    "cells, more than any spreadsheet holds: this is not a table wpc can read"
                )
            yield line

    def rows(self, width: int):
        """(lines, columns, problems) per chunk. A regular file (every record one line, as many
        cells as the header, no blank lines: most files) is parsed by pyarrow; any other by
        Python's csv module, which knows where each record starts."""
        if self._regular(width):
            yield from self._fast_rows(width)
        else:
            yield from self._exact_rows(width)
        self.notes.insert(0, f"Read as CSV: {self.decoder.encoding} text, {self._named}-separated.")

    def _arrow_batches(self, width: int, irregular: list | None = None):
        """The records after the header as pyarrow reads them, a block at a time, from the text as
        decoded (so every encoding wpc reads reaches pyarrow as UTF-8)."""
        decoder = _Decoder(self.source.file_name, self.source.head())
        texts = decoder.texts(self.source.blocks())
        self.counted = {"lines": 0, "ends_open": False}

        def encoded():
            for text in texts:
                if not text:
                    continue
                self.counted["lines"] += text.count("\n") + text.count("\r") - text.count("\r\n")
                self.counted["ends_open"] = not text.endswith(("\n", "\r"))
                yield text.encode("utf-8")

        def note(row) -> str:
            if irregular is not None:
                irregular.append(row)
            return "skip"

        names = [f"c{i}" for i in range(width)]
        reader = pa_csv.open_csv(
            _Stream(encoded()),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(
                delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=True,
                invalid_row_handler=note,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        self.decoder = decoder
        return reader

    def _regular(self, width: int) -> bool:
        """Whether pyarrow reads the file as the csv module would, with each record on a line of
        its own: read once through, keeping nothing."""
        irregular: list = []
        rows = 0
        try:
            for batch in self._arrow_batches(width, irregular):
                rows += batch.num_rows
                for column in batch.columns:
                    if len(column) and (
                        pa_compute.any(pa_compute.match_substring_regex(column, "[\r\n]")).as_py()
                        or pa_compute.max(pa_compute.utf8_length(column)).as_py() > MAX_CELL_CHARACTERS
                    ):
                        return False
                if irregular:
                    return False
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return False
        lines = self.counted["lines"] + self.counted["ends_open"]
        return rows + 1 == lines

    def _fast_rows(self, width: int):
        line = 2
        for batch in self._arrow_batches(width):
            for start in range(0, batch.num_rows, CHUNK_ROWS):
                part = batch.slice(start, CHUNK_ROWS)
                yield np.arange(line, line + part.num_rows), list(part.columns), []
                line += part.num_rows

    def _exact_rows(self, width: int):
        """(lines, columns, problems) per chunk: rows padded or cut to `width` cells; a row with
        cells beyond the header that are not blank is a problem for its row."""
        reader = csv.reader(self._guarded(), delimiter=self.delimiter)
        file_name = self.source.file_name
        lines, rows, problems = [], [], []
        self.characters = 0
        start = self.line_number + 1
        try:
            for row in reader:
                if len(row) != width:
                    if len(row) > width and any(cell.strip(BLANK) for cell in row[width:]):
                        problems.append(
                            (len(rows), None, f"this row has {len(row)} cells but the header has {width}: "
                             "a cell may hold an unquoted separator")
                        )
                    row = row[:width] + [""] * (width - len(row))
                rows.append(row)
                lines.append(start)
                start = self.line_number + 1
                if len(rows) >= CHUNK_ROWS or self.characters >= CHUNK_CHARACTERS:
                    yield lines, _columns(rows, width), problems
                    lines, rows, problems = [], [], []
                    self.characters = 0
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileRefused(
                    f"line {start:,} of {file_name} has a cell of more than {MAX_CELL_CHARACTERS:,} "
                    "characters (a spreadsheet cell holds at most 32,767): check the file"
                ) from exc
            raise FileRefused(f"line {start:,} cannot be read as CSV: {exc}") from exc
        if rows:
            yield lines, _columns(rows, width), problems


# XLSX -------------------------------------------------------------------------------------


def _check_workbook(source: Source) -> None:
    with source.open() as handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names:
                    raise FileRefused(
                        f"{source.file_name} is a zip file but not an Excel workbook (.xlsx): save it as .xlsx or CSV"
                    )
                unpacked = sum(i.file_size for i in archive.infolist())
                _check_unpacking(archive, source.file_name, unpacked, source.max_mb)
        except zipfile.BadZipFile as exc:
            raise FileRefused(f"{source.file_name} looks like a zip file but is damaged") from exc


def _load_workbook(source: Source, data_only: bool, handles: list):
    import openpyxl  # imported here: CSV-only runs need not load it

    handle = source.open()
    handles.append(handle)
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileRefused(f"{source.file_name} cannot be read as an Excel workbook: {_first_line(exc)}") from exc


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # visible | hidden | veryHidden | chart

    @property
    def readable(self) -> bool:
        return self.state == "visible"


def workbook_sheets(book) -> list[SheetInfo]:
    """Every sheet of an open workbook, in order, with whether it is visible, hidden or a chart."""
    worksheets = {ws.title: ws for ws in book.worksheets}
    found = []
    for name in book.sheetnames:
        if name in worksheets:
            found.append(SheetInfo(name, getattr(worksheets[name], "sheet_state", "visible") or "visible"))
        else:
            found.append(SheetInfo(name, "chart"))
    return found


def _describe_sheets(sheets: list[SheetInfo]) -> str:
    said = {"hidden": "hidden", "veryHidden": "very hidden", "chart": "a chart sheet"}
    return ", ".join(f"{s.name!r}" + (f" ({said[s.state]})" if s.state in said else "") for s in sheets)


def choose_sheet(file_name: str, sheets: list[SheetInfo], wanted: str | None) -> SheetInfo:
    """The sheet to read: the one named, else the first visible worksheet."""
    if wanted is not None:
        named = next((s for s in sheets if s.name == wanted), None)
        if named is None:
            raise FileRefused(f"{file_name} has no sheet {wanted!r}; its sheets are: {_describe_sheets(sheets)}")
        if named.state == "chart":
            raise FileRefused(f"sheet {wanted!r} of {file_name} is a chart sheet, which holds no table to read")
        return named
    visible = [s for s in sheets if s.readable]
    if not visible:
        raise FileRefused(
            f"{file_name} has no visible worksheet to read (its sheets: {_describe_sheets(sheets)}): "
            "unhide the sheet with your data, or name it (wpc ingest --sheet NAME)"
        )
    return visible[0]


class _XlsxReader:
    def __init__(self, source: Source, sheet: str | None):
        self.source = source
        self.wanted = sheet
        self.notes: list[str] = []

    def header(self) -> list[str]:
        # The file's hash is taken first: reading its blocks also enforces the size limit.
        for _ in self.source.blocks():
            pass
        file_name = self.source.file_name
        _check_workbook(self.source)
        self.handles = []
        try:
            self.values_book = _load_workbook(self.source, True, self.handles)
            self.formula_book = _load_workbook(self.source, False, self.handles)
        except FileRefused:
            self.close()
            raise
        try:
            sheets = workbook_sheets(self.values_book)
            chosen = choose_sheet(file_name, sheets, self.wanted)
            self.values = self.values_book[chosen.name].iter_rows(values_only=True)
            self.formulas = self.formula_book[chosen.name].iter_rows(values_only=True)
            header_values = next(self.values, None)
            next(self.formulas, None)
        except FileRefused:
            self.close()
            raise
        except Exception as exc:  # a damaged sheet fails part way, with whatever openpyxl raises
            self.close()
            raise FileRefused(f"{file_name} cannot be read as an Excel workbook: {_first_line(exc)}") from exc
        if header_values is None:
            self.close()
            raise FileRefused(f"sheet {chosen.name!r} of {file_name} is empty")
        header = [_cell_text(v) for v in header_values]
        while header and header[-1] == "":
            header.pop()
        if len(header) > MAX_COLUMNS:
            self.close()
            raise FileRefused(
                f"sheet {chosen.name!r} of {file_name} has {len(header):,} columns; wpc reads sheets of up to "
                f"{MAX_COLUMNS:,} columns (the data standard has at most 20): delete the columns it does not need"
            )
        skipped = [s for s in sheets[: sheets.index(chosen)] if not s.readable] if self.wanted is None else []
        note = f"Read as XLSX: sheet {chosen.name!r}"
        if chosen.state != "visible":
            note += f" ({'very hidden' if chosen.state == 'veryHidden' else 'hidden'}, named with --sheet)"
        if skipped:
            note += f", the first visible worksheet (skipped: {_describe_sheets(skipped)})"
        others = len(sheets) - 1
        note += f"; the other {others} sheet{'s were' if others > 1 else ' was'} not read." if others else "."
        self.notes.append(note)
        self.chosen = chosen
        return header

    def close(self) -> None:
        for book in (getattr(self, "values_book", None), getattr(self, "formula_book", None)):
            if book is not None:
                book.close()
        for handle in getattr(self, "handles", []):
            handle.close()

    def rows(self, width: int):
        lines, rows, problems, characters = [], [], [], 0
        formula_cells = 0
        try:
            for number, (row, formula_row) in enumerate(zip(self.values, self.formulas), start=2):
                row = list(row[:width]) + [None] * (width - len(row))
                texts = [_cell_text(v) for v in row]
                formulas = [i for i, f in enumerate(formula_row[:width]) if _is_formula(f)]
                if not any(texts) and not formulas:
                    continue
                for i in formulas:
                    formula_cells += 1
                    if row[i] is None:
                        problems.append(
                            (len(rows), i, f"this cell holds a formula ({str(formula_row[i])[:60]}) with no "
                             "saved result; type the value itself")
                        )
                rows.append(texts)
                lines.append(number)
                characters += sum(map(len, texts))
                if len(rows) >= CHUNK_ROWS or characters >= CHUNK_CHARACTERS:
                    yield lines, _columns(rows, width), problems
                    lines, rows, problems, characters = [], [], [], 0
            if rows:
                yield lines, _columns(rows, width), problems
        except FileRefused:
            raise
        except Exception as exc:  # a damaged sheet fails part way, with whatever openpyxl raises
            raise FileRefused(
                f"{self.source.file_name} cannot be read as an Excel workbook: {_first_line(exc)}"
            ) from exc
        finally:
            self.close()
        if formula_cells:
            self.notes.append(
                f"{formula_cells:,} cell(s) held formulas: the values Excel saved for them were used "
                "(formulas are never run)."
            )


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


def sheet_choices(data: bytes) -> list[SheetInfo]:
    """The sheets of an XLSX file, in order ([] for anything that is not a readable workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return []
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_unpacking(archive, "upload", sum(i.file_size for i in archive.infolist()), 1 << 20)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    except Exception:  # not a workbook, or one wpc will not open: open_table will say why
        return []
    try:
        return workbook_sheets(book)
    finally:
        book.close()


def sheet_names(data: bytes) -> list[str]:
    """The worksheets of an XLSX file a person may choose from: the visible ones, in order."""
    return [s.name for s in sheet_choices(data) if s.readable]


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


# Cells ------------------------------------------------------------------------------------


def _columns(rows: list[list[str]], width: int) -> list[pa.Array]:
    """Rows of `width` text cells as one Arrow array per column."""
    return [pa.array(cells, type=pa.string()) for cells in zip(*rows)] if rows else \
        [pa.array([], type=pa.string()) for _ in range(width)]


def _control_characters(column: pa.Array, name: str) -> list[tuple]:
    """A problem for each cell holding a control character (found in Arrow: whole columns at once)."""
    found = pa_compute.match_substring_regex(column, CONTROL_CHARACTERS)
    if not pa_compute.any(found).as_py():
        return []
    problems = []
    for row in np.flatnonzero(found.to_numpy(zero_copy_only=False)):
        character = re.search(CONTROL_CHARACTERS, column[int(row)].as_py()).group()
        problems.append(
            (int(row), name, f"this cell holds a control character (U+{ord(character):04X}), which is "
             "not text: delete it")
        )
    return problems


def _clean(column: pa.Array) -> pa.Array:
    """Trim spaces (non-breaking ones too) and remove the apostrophe wpc's exports put before a formula."""
    column = pa_compute.utf8_trim(column, BLANK)
    if not pa_compute.any(pa_compute.starts_with(column, "'")).as_py():
        return column
    return pa_compute.replace_substring_regex(column, r"^'([=+\-@\t\r])", r"\1")
