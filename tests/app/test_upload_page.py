"""The Upload page (AppTest): check a file, see what will be quarantined and why, confirm,
and see it stored in the real database."""

from __future__ import annotations

import pytest

from tests.app.access_checks import unescape
from tests.fixtures.ingest_files import counts, load_base_activities, rows

BROKEN = (
    "activity_id,participant_ref,postcode,age,ethnicity\n"
    "ACT-1,P-1,SE1 7EH,34,Indian\n"
    "ACT-1,P-2,SW9 8JH,240,White British\n"
    "ACT-77,P-3,NOT A POSTCODE,50,Prefer not to say\n"
    "ACT-2,P-4,,61,Martian\n"
    "ACT-2,P-5,M1 1AE,19,A\n"
).encode()


@pytest.fixture
def app(writable_reference_db, tmp_path, app_at):
    load_base_activities(writable_reference_db, tmp_path)
    at = app_at(writable_reference_db)
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    assert not at.exception
    return at


def table(at, first_column: str):
    """The table whose first column is `first_column` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def metric(at, label: str) -> str:
    return next(unescape(m.value) for m in at.metric if unescape(m.label) == label)


def test_upload_journey(app, writable_reference_db):
    at = app
    assert at.title[0].value == "Upload and data quality"
    assert at.header[0].value == "Upload engagement data"
    at.selectbox(key="upload_kind").set_value("participants")
    at.file_uploader(key="upload_file").set_value(("monitoring.csv", BROKEN, "text/csv"))
    at.run()
    assert not at.exception
    assert (metric(at, "Rows read"), metric(at, "Will be stored"), metric(at, "Will be quarantined")) == (
        "5",
        "2",
        "3",
    )
    problems = table(at, "Line")
    assert problems.to_dict("list") == {
        "Line": [3, 4, 5],
        "Column": ["age", "activity_id", "ethnicity"],
        "Value": ["240", "ACT-77", "Martian"],
        "Problem": [
            "age 240 is not between 0 and 120",
            "no activity with this activity_id has been uploaded: upload the activities file first",
            "'Martian' is not one of the 19 Census 2021 ethnic groups",
        ],
    }
    quality = table(at, "Home areas").set_index("Home areas")
    assert quality.loc["Postcode not in the lookup: home area unknown", "Rows"] == 1
    assert quality.loc["Home area found from the postcode", "Rows"] == 1
    assert counts(writable_reference_db)["participants"] == 0  # nothing stored before confirming

    at.button(key="upload_confirm").click()
    at.run()
    assert not at.exception
    assert "Upload" in at.success[0].value and "2 rows stored, 3 quarantined" in unescape(at.success[0].value)
    assert rows(
        writable_reference_db,
        "select source, rows_stored, rows_quarantined from uploads where kind = 'participants'",
    ) == [("upload", 2, 3)]
    assert counts(writable_reference_db)["participants"] == 2
    assert counts(writable_reference_db)["quarantine"] == 3
    recent = table(at, "Upload")
    assert recent["File"].iloc[0] == "monitoring.csv"


def test_a_refused_file_says_why_and_stores_nothing(app, writable_reference_db):
    at = app
    at.selectbox(key="upload_kind").set_value("activities")
    at.file_uploader(key="upload_file").set_value(("log.csv", b"activity_id,title\nA,B\n", "text/csv"))
    at.run()
    assert not at.exception
    assert "This file cannot be uploaded" in at.error[0].value
    assert "missing required column(s) for activities: start_date, place" in unescape(at.error[0].value)
    assert counts(writable_reference_db)["uploads"] == 1  # only the base activities


def test_the_same_file_again_is_recognised(app):
    at = app
    good = b"activity_id,title,start_date,place\nG-1,Good,01/06/2025,Lambeth\n"
    at.selectbox(key="upload_kind").set_value("activities")
    at.file_uploader(key="upload_file").set_value(("good.csv", good, "text/csv"))
    at.run()
    at.button(key="upload_confirm").click()
    at.run()
    at.file_uploader(key="upload_file").set_value(("good-again.csv", good, "text/csv"))
    at.run()
    assert not at.exception
    assert any("already uploaded" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "upload_confirm"]


def test_the_sheet_picker_offers_the_visible_worksheets_only(app, writable_reference_db):
    from openpyxl import Workbook
    import io

    book = Workbook()
    old = book.active
    old.title = "Old"
    old.append(["activity_id", "title", "start_date", "place"])
    old.append(["OLD-1", "Hidden", "01/01/2020", "Lambeth"])
    old.sheet_state = "hidden"
    for title, ident in (("Log", "V-1"), ("Later", "V-2")):
        sheet = book.create_sheet(title)
        sheet.append(["activity_id", "title", "start_date", "place"])
        sheet.append([ident, title, "01/06/2025", "Lambeth"])
    out = io.BytesIO()
    book.save(out)
    at = app
    at.selectbox(key="upload_kind").set_value("activities")
    at.file_uploader(key="upload_file").set_value(("log.xlsx", out.getvalue(), "application/vnd.ms-excel"))
    at.run()
    assert not at.exception
    assert at.selectbox(key="upload_sheet").options == ["Log", "Later"]
    assert any(unescape(c.value).startswith("Read as XLSX: sheet 'Log'") for c in at.caption)
    at.selectbox(key="upload_sheet").set_value("Later")
    at.run()
    at.button(key="upload_confirm").click()
    at.run()
    assert rows(writable_reference_db, "select activity_id from activities where activity_id like 'V-%'") == [("V-2",)]


def test_repeated_participant_rows_are_stored_only_once_ticked(app, writable_reference_db):
    at = app
    at.selectbox(key="upload_kind").set_value("participants")
    first = b"activity_id,postcode,age\nACT-1,SE1 7EH,34\nACT-1,SW9 8JH,61\n"
    at.file_uploader(key="upload_file").set_value(("first.csv", first, "text/csv"))
    at.run()
    at.button(key="upload_confirm").click()
    at.run()
    again = b"activity_id,postcode,age\r\nACT-1,SW9 8JH,61\r\nACT-2,M1 1AE,19\r\n"
    at.file_uploader(key="upload_file").set_value(("second.csv", again, "text/csv"))
    at.run()
    assert not at.exception
    assert any("1 row(s) without a participant_ref repeat rows already stored by upload 2"
               in unescape(w.value)
               for w in at.warning)
    assert at.button(key="upload_confirm").disabled
    at.checkbox(key="upload_allow_repeats").check()
    at.run()
    assert not at.button(key="upload_confirm").disabled
    at.button(key="upload_confirm").click()
    at.run()
    assert counts(writable_reference_db)["participants"] == 4
