"""Tables as files people open in a spreadsheet (CSV, XLSX), and as text for slides.

CSV is written formula-safe (SECURITY.md): a cell starting with = + - @, a tab or a carriage
return would be run as a formula by Excel, so it gets a leading apostrophe, which Excel
shows as text and wpc's own reader removes again. UTF-8 with a byte-order mark, so that
Excel shows £ and accented letters correctly. XLSX gets the same apostrophe and stores every
such cell as text, so a workbook holds no formula at all.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula made plain text."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("str")
        risky = values.notna() & text.str.startswith(FORMULA_STARTS)
        if risky.any():
            safe[column] = values.astype(object).where(~risky, "'" + text)
    safe.columns = [
        ("'" + c) if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in safe.columns
    ]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as formula-safe CSV bytes (UTF-8 with BOM, no index)."""
    # CRLF ends rows as Excel does, and makes the writer quote any cell holding a line break.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def for_download(frame: pd.DataFrame, percent_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table as it goes into a file: share columns (0-1 fractions on screen, shown as %) become
    percentages to one decimal with ' (%)' in their name, so a spreadsheet reads them as shown."""
    out = frame.copy()
    renamed = {}
    for column in percent_columns:
        if column in out.columns:
            out[column] = (pd.to_numeric(out[column], errors="coerce") * 100).round(1)
            renamed[column] = f"{column} (%)"
    return out.rename(columns=renamed)


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of []:*?/\\ ."""
    base = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _as_text_cell(value):
    """Lists (e.g. target groups) joined with '; ', and text without the control characters a
    workbook cannot hold."""
    if isinstance(value, (list, tuple)) or (hasattr(value, "ndim") and getattr(value, "ndim", 0) == 1):
        value = "; ".join(str(v) for v in value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _without_control_characters(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells a workbook can hold, made before neutralising, so that neither '\x01=1+1' (once
    the \x01 is gone) nor a list whose first item starts with = can turn into a formula."""
    clean = frame.copy()
    for column in clean.columns:
        values = clean[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            clean[column] = values.map(_as_text_cell)
    clean.columns = [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in clean.columns]
    return clean


def _cell_value(value):
    """A value as openpyxl writes it; missing values left empty."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def to_xlsx_bytes(tables: pd.DataFrame | dict[str, pd.DataFrame], notes: list[str] | None = None) -> bytes:
    """One table (or several: sheet name -> frame) as an Excel workbook, formula-safe exactly
    as CSV is: text starting with = + - @, a tab or a carriage return gets a leading
    apostrophe, and every text cell is stored as text, never as a formula. `notes` (e.g. the
    scope and the disclosure statement) go on a last sheet called About."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    sheets = {"Table": tables} if isinstance(tables, pd.DataFrame) else dict(tables)
    if notes:
        sheets["About"] = pd.DataFrame({"About this file": notes})
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(name, taken))
        safe = neutralise(_without_control_characters(frame))

        def row_of(values):
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=_cell_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even if it looked like a formula
                cells.append(cell)
            return cells

        sheet.append(row_of([str(c) for c in safe.columns]))
        for values in safe.itertuples(index=False, name=None):
            sheet.append(row_of(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_text(frame: pd.DataFrame, percent_columns: tuple[str, ...] = (),
            one_decimal_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell as people read it on a slide or page: counts with thousands separators ('*'
    kept), shares as percentages to one decimal, rates and gaps to one decimal, '–' for none."""
    from wpc.views.format import count, pct

    def one(value, column) -> str:
        if isinstance(value, str):
            return value
        if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
            return "–"
        if column in percent_columns:
            return pct(float(value))
        if column in one_decimal_columns:
            return f"{float(value):.1f}"
        if isinstance(value, pd.Timestamp):
            return f"{value.day} {value:%b %Y}"
        if isinstance(value, (int, float)) or hasattr(value, "item"):
            number = value.item() if hasattr(value, "item") else value
            if isinstance(number, float) and not number.is_integer():
                return f"{number:,.1f}"
            return count(int(number))
        return str(value)

    return pd.DataFrame({column: [one(v, column) for v in frame[column]] for column in frame.columns})


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """Files (name -> bytes) in one zip archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()
