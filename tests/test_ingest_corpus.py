"""The corpus of awkward and broken files: each goes through the real ingest into a real
database built from the shipped reference data, with its exact stored and quarantined
counts and reasons. Every row read is stored or quarantined."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tests.fixtures.ingest_files import (
    counts,
    ingest,
    load_base_activities,
    rows,
    snapshot,
    write,
    xlsx_bytes,
)
from wpc.ingest.read import FileRefused


@pytest.fixture
def db(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)
    return writable_reference_db


def accounted(outcome) -> None:
    assert outcome.stored + outcome.quarantined == outcome.rows_read


def problems(outcome) -> list[tuple]:
    return [(int(p.line), p.column, p.value, p.reason) for p in outcome.problems.itertuples(index=False)]


def test_windows_1252_with_pound_and_accents(db, tmp_path):
    text = (
        "activity_id,title,start_date,place,organisation,cost_gbp\n"
        'W-1,Café morning – drop-in,01/06/2025,Lewisham,Société des amis,"£1,250"\n'
        "W-2,Rencontre à Bromley,2025-06-02,bromley,Healthwatch Bromley,£99.99\n"
        "W-3,Négatif,03/06/2025,Bexley,,£-50\n"
    )
    path = write(tmp_path / "cp1252.csv", text, encoding="cp1252", newline="\r\n")
    assert "£".encode("cp1252") in path.read_bytes() and b"\xe9" in path.read_bytes()  # really Windows-1252
    outcome = ingest(db, path)
    accounted(outcome)
    assert (outcome.kind, outcome.stored, outcome.quarantined) == ("activities", 2, 1)
    assert problems(outcome) == [(4, "cost_gbp", "£-50", "a cost cannot be negative")]
    assert "Read as CSV: Windows-1252 text, comma-separated." in outcome.notes
    stored = rows(
        db,
        "select activity_id, title, organisation, cost_gbp, place from activities "
        "where activity_id like 'W-%' order by 1",
    )
    assert stored == [
        ("W-1", "Café morning – drop-in", "Société des amis", Decimal("1250.00"), "Lewisham"),
        ("W-2", "Rencontre à Bromley", "Healthwatch Bromley", Decimal("99.99"), "Bromley"),
    ]


def test_utf8_with_byte_order_mark(db, tmp_path):
    text = "activity_id,title,start_date,place\nB-1,Survey,01/06/2025,Greenwich\n"
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    outcome = ingest(db, path, kind="activities")
    assert (outcome.stored, outcome.quarantined) == (1, 0)
    assert rows(db, "select place from activities where activity_id = 'B-1'") == [("Greenwich",)]


def test_semicolons_with_commas_inside_cells(db, tmp_path):
    text = (
        "activity_id;participant_ref;postcode;age;sex;ethnicity;disability;carer\n"
        "ACT-1;P-1;SE1 7EH;34;Female;Asian, Asian British or Asian Welsh: Indian;Yes, limited a lot;No\n"
        "ACT-1;P-2;sw9 8jh;71;M;White: English, Welsh, Scottish, Northern Irish or British;No;Yes, 9 hours a week\n"
    )
    outcome = ingest(db, write(tmp_path / "semi.csv", text))
    assert (outcome.kind, outcome.stored, outcome.quarantined) == ("participants", 2, 0)
    assert "semicolon-separated" in outcome.notes[0]
    stored = rows(
        db,
        "select source_line, age_band, sex, ethnicity, disability, carer, lsoa21cd, home_area_status "
        "from participants order by source_line",
    )
    assert stored == [
        (2, "25-34", "female", "asian_indian", "yes", "no", "E01003013", "mapped_postcode"),
        (3, "65-74", "male", "white_british", "no", "yes", "E01003047", "mapped_postcode"),
    ]


def test_missing_required_column_refuses_the_file_and_writes_nothing(db, tmp_path):
    before = snapshot(db)
    path = write(tmp_path / "no_place.csv", "activity_id,title,start_date\nM-1,Survey,01/06/2025\n")
    with pytest.raises(FileRefused) as refused:
        ingest(db, path, kind="activities")
    assert "missing required column(s) for activities: place" in str(refused.value)
    assert snapshot(db) == before


def test_duplicate_ids_keep_the_first_and_quarantine_the_rest(db, tmp_path):
    text = (
        "activity_id,title,start_date,place\n"
        "D-1,First,01/06/2025,Lambeth\n"
        "D-2,Second,02/06/2025,Lambeth\n"
        "D-1,First again,03/06/2025,Lambeth\n"
        "D-2,Second again,04/06/2025,Lambeth\n"
        "D-2,Second thrice,05/06/2025,Lambeth\n"
    )
    outcome = ingest(db, write(tmp_path / "dups.csv", text))
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (2, 3)
    first = "this activity_id appears again: first at line {}; only the first is stored"
    assert problems(outcome) == [
        (4, "activity_id", "D-1", first.format(2)),
        (5, "activity_id", "D-2", first.format(3)),
        (6, "activity_id", "D-2", first.format(3)),
    ]
    assert rows(db, "select activity_id, title from activities where activity_id like 'D-%' order by 1") == [
        ("D-1", "First"),
        ("D-2", "Second"),
    ]


def test_participants_naming_an_unknown_activity(db, tmp_path):
    text = "activity_id,postcode\nACT-1,SE1 7EH\nACT-99,SE1 7EH\nact-2,SE1 7EH\n,SE1 7EH\n"
    outcome = ingest(db, write(tmp_path / "unknown_activity.csv", text), kind="participants")
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (1, 3)
    assert problems(outcome) == [
        (
            3,
            "activity_id",
            "ACT-99",
            "no activity with this activity_id has been uploaded: upload the activities file first",
        ),
        (
            4,
            "activity_id",
            "act-2",
            "no activity with this activity_id has been uploaded (did you mean 'ACT-2'? "
            "activity ids are matched exactly)",
        ),
        (5, "activity_id", "", "required: this cell is empty"),
    ]


def test_both_date_styles_and_impossible_dates(db, tmp_path):
    text = (
        "activity_id,title,start_date,end_date,place\n"
        "T-1,UK date,14/03/2025,15/03/2025,Lambeth\n"
        "T-2,ISO date,2025-03-14,,Lambeth\n"
        "T-3,Leap day,29/02/2024,,Lambeth\n"
        "T-4,No such day,31/02/2025,,Lambeth\n"
        "T-5,No such month,2025-13-01,,Lambeth\n"
        "T-6,No such leap day,29/02/2025,,Lambeth\n"
        "T-7,Short year,14/03/25,,Lambeth\n"
        "T-8,Words,yesterday,,Lambeth\n"
        "T-9,Ends first,14/03/2025,13/03/2025,Lambeth\n"
        "T-10,Excel time,2025-03-14 00:00:00,,Lambeth\n"
    )
    outcome = ingest(db, write(tmp_path / "dates.csv", text))
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (4, 6)
    hint = "use DD/MM/YYYY (UK) or YYYY-MM-DD"
    assert problems(outcome) == [
        (5, "start_date", "31/02/2025", "not a real date (day 31, month 2, year 2025)"),
        (6, "start_date", "2025-13-01", "not a real date (day 1, month 13, year 2025)"),
        (7, "start_date", "29/02/2025", "not a real date (day 29, month 2, year 2025)"),
        (8, "start_date", "14/03/25", f"a two-digit year is ambiguous: write the year in full ({hint})"),
        (9, "start_date", "yesterday", f"not a date: {hint}"),
        (10, "end_date", "13/03/2025", "end_date is before start_date"),
    ]
    assert rows(
        db,
        "select activity_id, start_date, end_date from activities where activity_id like 'T-%' "
        "order by start_date, activity_id",
    ) == [
        ("T-3", date(2024, 2, 29), None),
        ("T-1", date(2025, 3, 14), date(2025, 3, 15)),
        ("T-10", date(2025, 3, 14), None),
        ("T-2", date(2025, 3, 14), None),
    ]


def test_ladder_rung_nine_and_the_names_of_rungs_and_stages(db, tmp_path):
    text = (
        "activity_id,title,start_date,place,ladder_rung,cycle_stage\n"
        "L-1,Nine,01/06/2025,Lambeth,9,1\n"
        "L-2,Named,01/06/2025,Lambeth,Co-production,Identify needs and aspirations (with communities)\n"
        "L-3,Both,01/06/2025,Lambeth,4 - Consultation,Stage 5\n"
        "L-4,Disagree,01/06/2025,Lambeth,4 - Co-design,procure\n"
        "L-5,Stage six,01/06/2025,Lambeth,5.0,6\n"
    )
    outcome = ingest(db, write(tmp_path / "ladder.csv", text))
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (2, 3)
    listing = (
        "1 Coercion, 2 Educating, 3 Informing, 4 Consultation, 5 Engagement, 6 Co-design, 7 Co-production"
    )
    stages = (
        "1 Identify needs and aspirations, 2 Plan and transform services, 3 Design services and improve "
        "quality and safety, 4 Procure and contract, 5 Monitor services and share learning"
    )
    assert problems(outcome) == [
        (
            2,
            "ladder_rung",
            "9",
            f"9 is not a rung of the ladder of participation: use 1 to 7 or a name ({listing})",
        ),
        (5, "ladder_rung", "4 - Co-design", "'4 - Co-design': 4 is not the number of Co-design (6)"),
        (6, "cycle_stage", "6", f"6 is not a stage of the engagement cycle: use 1 to 5 or a name ({stages})"),
    ]
    assert rows(
        db,
        "select activity_id, ladder_rung, cycle_stage from activities where activity_id like 'L-%' "
        "order by 1",
    ) == [("L-2", 7, 1), ("L-3", 4, 5)]


def test_extra_columns_are_ignored_and_never_stored(db, tmp_path):
    text = (
        "activity_id,Name of participant,postcode,age,Notes\n"
        "ACT-1,Jane Doe,SE1 7EH,34,likes tea\n"
        "ACT-1,John Roe,SE1 9RT,999,phoned 07700 900123\n"
    )
    outcome = ingest(db, write(tmp_path / "extra.csv", text), kind="participants")
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (1, 1)
    assert (
        "Columns not in the participants standard were ignored and not kept: Name of participant, Notes."
    ) in outcome.notes
    assert problems(outcome) == [(3, "age", "999", "age 999 is not between 0 and 120")]
    everything = repr(snapshot(db))
    for personal in ("Jane Doe", "John Roe", "likes tea", "07700", "SE1 7EH", "SE17EH", "SE1 9RT", "SE19RT"):
        assert personal not in everything
    # The quarantined row keeps only the postcode's sector.
    assert rows(db, "select line, row_json from quarantine") == [
        (3, '{"activity_id":"ACT-1","postcode":"SE1 9","age":"999"}')
    ]
    # The file to fix (made from the upload again, for the person who uploaded it) has every
    # column read as given; the columns that are not read are not in it either.
    assert outcome.rejected.to_dict("records") == [
        {
            "upload_line": 3,
            "problems": "age: age 999 is not between 0 and 120",
            "activity_id": "ACT-1",
            "postcode": "SE1 9RT",
            "age": "999",
        }
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"  \r\n\r\n", "is empty"),
        (b"activity_id,title,start_date,place\r\n", "has a header row but no rows of data"),
        (b"activity_id,title,start_date,place\n\n,,,\n\n", "has a header row but no rows of data"),
    ],
)
def test_empty_and_header_only_files_are_refused(db, tmp_path, content, message):
    before = snapshot(db)
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=message):
        ingest(db, path, kind="activities")
    assert snapshot(db) == before


def test_xlsx_with_formulas_and_two_sheets(db, tmp_path):
    workbook = xlsx_bytes(
        {
            "activities": [
                ["Activity ID", "Title", "Start date", "Place", "Cost GBP", "Participants total"],
                ["X-1", "Cached formula", date(2025, 6, 1), "Lambeth", "=100*2", 12],
                ["X-2", "Formula never calculated", date(2025, 6, 2), "Lambeth", "=100*3", 5],
                ["X-3", "Plain", "03/06/2025", "Southwark", 350.5, "=2+3"],
                [None, None, None, None, None, None],
                ["X-4", "After a blank row", date(2025, 6, 4), "Bexley", None, None],
            ],
            "Notes": [["This sheet is not read"], ["X-9", "Not an activity"]],
        },
        cached={"E2": "200", "F4": "5"},
    )
    path = tmp_path / "activities.xlsx"
    path.write_bytes(workbook)
    outcome = ingest(db, path)
    accounted(outcome)
    assert (outcome.kind, outcome.rows_read, outcome.stored, outcome.quarantined) == ("activities", 4, 3, 1)
    assert problems(outcome) == [
        (3, "Cost GBP", "", "this cell holds a formula (=100*3) with no saved result; type the value itself")
    ]
    assert "Read as XLSX: sheet 'activities'; the other 1 sheet was not read." in outcome.notes
    assert (
        "3 cell(s) held formulas: the values Excel saved for them were used (formulas are never run)."
        in outcome.notes
    )
    assert rows(
        db,
        "select activity_id, start_date, cost_gbp, participants_total from activities "
        "where activity_id like 'X-%' order by 1",
    ) == [
        ("X-1", date(2025, 6, 1), Decimal("200.00"), 12),
        ("X-3", date(2025, 6, 3), Decimal("350.50"), 5),
        ("X-4", date(2025, 6, 4), None, None),
    ]
    assert rows(db, "select line from quarantine") == [(3,)]


def test_a_named_xlsx_sheet_is_read_instead_of_the_first(db, tmp_path):
    path = tmp_path / "two.xlsx"
    path.write_bytes(
        xlsx_bytes(
            {
                "Cover": [["Read me"]],
                "Data": [
                    ["activity_id", "title", "start_date", "place"],
                    ["S-1", "From sheet two", "01/06/2025", "Lambeth"],
                ],
            }
        )
    )
    outcome = ingest(db, path, kind="activities", sheet="Data")
    assert (outcome.stored, outcome.quarantined) == (1, 0)
    with pytest.raises(FileRefused, match="has no sheet 'Missing'; its sheets are: 'Cover', 'Data'"):
        ingest(db, path, kind="activities", sheet="Missing")


def test_rows_with_too_many_cells_and_cells_spanning_lines(db, tmp_path):
    text = (
        "activity_id,title,start_date,place,you_said\n"
        'R-1,"Two-line\nsummary",01/06/2025,Lambeth,"first\nsecond"\n'
        "R-2,Stray comma, here,01/06/2025,Lambeth,x\n"
        "R-3,Short row,01/06/2025,Lambeth\n"
        "R-4,Trailing empties,01/06/2025,Lambeth,y,,\n"
    )
    outcome = ingest(db, write(tmp_path / "ragged.csv", text))
    accounted(outcome)
    assert (outcome.stored, outcome.quarantined) == (3, 1)
    # R-1 spans lines 2-4, so R-2 starts on line 5.
    assert problems(outcome) == [
        (5, None, None, "this row has 6 cells but the header has 5: a cell may hold an unquoted separator")
    ]
    assert rows(
        db, "select activity_id, title, you_said from activities where activity_id like 'R-%' order by 1"
    ) == [
        ("R-1", "Two-line\nsummary", "first\nsecond"),
        ("R-3", "Short row", None),
        ("R-4", "Trailing empties", "y"),
    ]


def test_two_hundred_thousand_participants(db, tmp_path):
    n = 200_000
    line = np.arange(2, n + 2)
    activity = np.array(["ACT-1", "ACT-2", "ACT-3"])[np.arange(n) % 3].astype(object)
    activity[np.arange(n) % 1000 == 999] = "ACT-404"  # 200 rows: unknown activity
    age = (np.arange(n) % 90 + 5).astype(str).astype(object)
    age[np.arange(n) % 2500 == 7] = "old"  # 80 rows: not an age
    postcode = np.array(["SE1 7EH", "se17eh", "SW9 8JH", "NOT A PC", "", "M1 1AE"])[np.arange(n) % 6]
    ethnicity = np.array(
        [
            "White British",
            "Indian",
            "Prefer not to say",
            "B",
            "Black, Black British, Black Welsh, Caribbean or African: African",
        ]
    )[np.arange(n) % 5]
    frame = pd.DataFrame(
        {
            "activity_id": activity,
            "participant_ref": [f"R{i}" for i in range(n)],
            "postcode": postcode,
            "age": age,
            "sex": np.where(np.arange(n) % 2, "F", "Male"),
            "ethnicity": ethnicity,
        }
    )
    path = tmp_path / "participants_200k.csv"
    frame.to_csv(path, index=False)
    outcome = ingest(db, path)
    accounted(outcome)
    bad_activity = {i for i in range(n) if i % 1000 == 999}
    bad_age = {i for i in range(n) if i % 2500 == 7}
    assert outcome.kind == "participants"
    assert outcome.quarantined == len(bad_activity | bad_age) == 280
    assert outcome.stored == n - 280
    assert counts(db)["participants"] == n - 280
    assert counts(db)["quarantine"] == 280
    assert list(outcome.problems["line"][:3]) == [line[7], line[999], line[1999]]
    statuses = dict(rows(db, "select home_area_status, count(*) from participants group by 1"))
    kept = [i for i in range(n) if i not in bad_activity | bad_age]
    expected = {"mapped_postcode": 0, "invalid_postcode": 0, "not_given": 0, "unmapped_postcode": 0}
    for i in kept:
        expected[
            [
                "mapped_postcode",
                "mapped_postcode",
                "mapped_postcode",
                "invalid_postcode",
                "not_given",
                "unmapped_postcode",
            ][i % 6]
        ] += 1
    assert statuses == expected
    ethnicities = dict(rows(db, "select ethnicity, count(*) from participants group by 1"))
    expected_ethnicity = {}
    for i in kept:
        code = ["white_british", "asian_indian", "unknown", "white_irish", "black_african"][i % 5]
        expected_ethnicity[code] = expected_ethnicity.get(code, 0) + 1
    assert ethnicities == expected_ethnicity
