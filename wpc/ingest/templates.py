"""Templates for each kind of upload, and the field notes that explain them.

Written from the standard itself (`wpc.ingest.standard`), so a template, its notes sheet
and docs/data-standard.md can never disagree with what ingest accepts. The example row
uses ids starting EXAMPLE-, which ingest refuses to store, so a template uploaded without
deleting it stores nothing by mistake.
"""

from __future__ import annotations

import inspect
import io

import pandas as pd

from wpc import vocab
from wpc.export.tables import to_csv_bytes
from wpc.ingest import standard

FORMATS = ("csv", "xlsx")

UNKNOWN_NOTE = 'blank, "prefer not to say", "not stated" and the like are counted as unknown'


def _labelled(mapping: dict) -> str:
    return "; ".join(f"{code} ({label})" for code, label in mapping.items())


def allowed_values(spec: standard.FieldSpec) -> str:
    """The values a column accepts, in words."""
    name = spec.rule.vocabulary
    allowed = {
        "method": ", ".join(vocab.METHODS),
        "ladder": "1 to 7, or the rung's name: "
        + ", ".join(f"{n} {label}" for n, label in vocab.LADDER.items()),
        "cycle": "1 to 5, or the stage's name: "
        + ", ".join(f"{n} {label}" for n, label in vocab.CYCLE.items()),
        "target_group": f"core20, {', '.join(vocab.INCLUSION_GROUPS)}, or the ICS's own PLUS group codes "
        "(codes or their labels)",
        "inclusion_group": f"{', '.join(vocab.INCLUSION_GROUPS)}, or the ICS's own PLUS group codes "
        "(codes or their labels)",
        "clinical_area": ", ".join(vocab.CLINICAL_AREAS),
        "theme": "any text",
        "age_band": ", ".join(vocab.AGE_BAND) + " (or a narrower band inside one, e.g. 18-24)",
        "sex": "female, male (F/M, woman/man understood; other answers count as unknown, as the Census "
        "records sex as female or male)",
        "yes_no": "yes, no (Y/N, true/false, and answers starting 'Yes,' or 'No,' understood)",
        "ethnicity": _labelled({c: label for c, (label, _g) in vocab.ETHNICITY.items()})
        + "; NHS ethnic category letters A-S and Z are understood",
        "religion": _labelled(vocab.RELIGION),
        "sexual_orientation": _labelled(vocab.SEXUAL_ORIENTATION),
        "status": ", ".join(vocab.FEEDBACK_STATUS),
        "activity_status": ", ".join(vocab.ACTIVITY_STATUS) + " (blank means held; planned, proposed, scheduled, "
        "completed, took place, canceled and the like are understood)",
        "organisation_type": ", ".join(vocab.ORGANISATION_TYPES.values())
        + " (council, trust, GP practice, PCN, charity, voluntary sector and other common names understood)",
        "dimension": ", ".join(vocab.RETURN_DIMENSIONS),
        "category": "as the dimension's values are written for participants: imd_quintile 1-5, "
        "ethnicity one of "
        "the 19 codes, ethnicity_group " + ", ".join(vocab.ETHNICITY_GROUP) + ", age_band a census "
        "band, sex female/male, disability and carer yes/no, inclusion_group a group code, "
        "lsoa_code an LSOA 2021 code; or unknown",
    }.get(name, spec.rule.allowed or "text")
    if spec.rule.read in ("codes", "areas"):
        allowed += "; several separated by ';'"
    if spec.rule.unknown:
        allowed += f"; {UNKNOWN_NOTE}"
    if spec.max_length and spec.rule.read in ("id", "text", "ref"):
        allowed += f"; up to {spec.max_length:,} characters"
    return allowed


def notes_frame(kind: str) -> pd.DataFrame:
    """One row per column: whether it is required, what it accepts, what it means, an example."""
    return pd.DataFrame(
        [
            {
                "column": spec.name,
                "required": "yes" if spec.required else "no",
                "allowed values": allowed_values(spec),
                "description": _described(spec),
                "example": spec.example,
            }
            for spec in standard.fields(kind)
        ]
    )


def _described(spec: standard.FieldSpec) -> str:
    if not spec.rule.aliases:
        return spec.description
    return f"{spec.description} The column may also be called {', '.join(spec.rule.aliases)}.".strip()


def example_frame(kind: str) -> pd.DataFrame:
    """The template: every column of the standard, with one example row."""
    return pd.DataFrame([{spec.name: spec.example for spec in standard.fields(kind)}])


def template_bytes(kind: str, fmt: str = "csv") -> bytes:
    if fmt == "csv":
        return to_csv_bytes(example_frame(kind))
    if fmt == "xlsx":
        return _xlsx(kind)
    raise ValueError(f"unknown template format {fmt!r}: use csv or xlsx")


def file_name(kind: str, fmt: str) -> str:
    return f"wpc-{kind}-template.{fmt}"


def _xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.table import Table

    book = Workbook()
    sheet = book.active
    sheet.title = kind
    example = example_frame(kind)
    required = {s.name for s in standard.fields(kind) if s.required}
    sheet.append(list(example.columns))
    # Examples are typed as text, so Excel keeps them as written (dates and codes stay as shown).
    sheet.append([str(v) for v in example.iloc[0]])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="005EB8" if cell.value in required else "212B32")
    for index, name in enumerate(example.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, min(40, len(name) + 4))
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("Notes")
    frame = notes_frame(kind)
    notes.append(
        [
            f"wpc {kind} template: fill in the first sheet, one row per "
            f"{'activity' if kind == 'activities' else kind[:-1]}; delete the example row. "
            "Required columns are in blue. Only the first sheet is read."
        ]
    )
    notes.append([])
    notes.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        notes.append(list(row))
    for cell in notes[3]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (24, 10, 60, 60, 28)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.add_table(Table(displayName="notes", ref=f"A3:E{3 + len(frame)}"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def standard_markdown() -> str:
    """The field tables of docs/data-standard.md, generated from the standard."""
    parts = []
    for kind in standard.KINDS:
        model = standard.MODELS[kind]
        parts.append(f"### {kind}\n\n{' '.join(inspect.cleandoc(model.__doc__ or '').split())}\n")
        parts.append("| column | required | allowed values | description | example |")
        parts.append("|---|---|---|---|---|")
        for row in notes_frame(kind).itertuples(index=False):
            cells = [
                f"`{row.column}`",
                row.required,
                row._2,
                row.description,
                f"`{row.example}`" if row.example else "",
            ]
            parts.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)
