"""Templates are written from the standard: their example rows are valid uploads once the
EXAMPLE id is replaced, their notes explain every column, and the docs match them."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.fixtures.ingest_files import ingest, load_base_activities
from wpc.config import ROOT
from wpc.export.tables import to_csv_bytes
from wpc.ingest import standard, templates


@pytest.fixture
def db(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)
    return writable_reference_db


@pytest.mark.parametrize("kind", standard.KINDS)
def test_the_example_row_is_refused_as_it_is_and_stored_once_given_real_ids(db, tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(templates.template_bytes(kind, "csv"))
    as_given = ingest(db, path, kind=kind)
    assert (as_given.stored, as_given.quarantined) == (0, 1)
    assert as_given.problems["column"].iloc[0] in ("activity_id", "insight_id")

    example = templates.example_frame(kind)
    for column in ("activity_id", "insight_id"):
        if column in example:
            example[column] = "ACT-1" if column == "activity_id" and kind != "activities" else "REAL-1"
    fixed = tmp_path / f"{kind}-fixed.csv"
    fixed.write_bytes(to_csv_bytes(example))
    outcome = ingest(db, fixed, kind=kind)
    assert (outcome.stored, outcome.quarantined) == (1, 0), outcome.problems.to_dict("records")


@pytest.mark.parametrize("kind", standard.KINDS)
def test_xlsx_template_has_the_columns_an_example_and_a_notes_sheet(kind):
    book = load_workbook(io.BytesIO(templates.template_bytes(kind, "xlsx")))
    assert book.sheetnames == [kind, "Notes"]
    data = list(book[kind].iter_rows(values_only=True))
    names = [spec.name for spec in standard.fields(kind)]
    assert list(data[0]) == names and len(data) == 2
    notes = list(book["Notes"].iter_rows(min_row=3, values_only=True))
    assert notes[0] == ("column", "required", "allowed values", "description", "example")
    assert [row[0] for row in notes[1:]] == names
    required = {row[0] for row in notes[1:] if row[1] == "yes"}
    assert required == set(standard.required_columns(kind))


def test_xlsx_template_filled_in_uploads(db, tmp_path):
    book = load_workbook(io.BytesIO(templates.template_bytes("participants", "xlsx")))
    book["participants"]["A2"] = "ACT-2"
    path = tmp_path / "filled.xlsx"
    book.save(path)
    outcome = ingest(db, path)
    assert (outcome.kind, outcome.stored, outcome.quarantined) == ("participants", 1, 0)


def test_notes_name_the_allowed_values():
    notes = templates.notes_frame("activities").set_index("column")["allowed values"]
    assert "door-knocking" in notes["method"] and "7 Co-production" in notes["ladder_rung"]
    assert "core20" in notes["target_groups"] and "separated by ';'" in notes["target_groups"]
    participants = templates.notes_frame("participants").set_index("column")["allowed values"]
    assert (
        "prefer not to say" in participants["ethnicity"]
        and "white_roma (White: Roma)" in participants["ethnicity"]
    )


def test_docs_describe_the_standard_as_the_code_does():
    docs = (ROOT / "docs" / "data-standard.md").read_text(encoding="utf-8")
    assert templates.standard_markdown() in docs


def test_csv_exports_are_formula_safe():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+44 20", "-5", "@SUM(A1)", "\tx", "\rx", "fine", None],
            "number": [1, -2, 3, 4, 5, 6, 7, 8],
        }
    )
    content = to_csv_bytes(frame)
    assert content.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(back["text"]) == ["'=1+1", "'+44 20", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "fine", ""]
    assert list(back["number"]) == ["1", "-2", "3", "4", "5", "6", "7", "8"]
