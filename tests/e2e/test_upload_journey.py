"""The upload journey in the real app, in headless Chromium: upload a broken file, see what
is quarantined, store the rest, download the rejects, fix them, upload them to zero
quarantined. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.conftest import choose, download, rerun_by, running_app, screenshot, wait_for_app
from tests.fixtures.ingest_files import counts, load_base_activities, rows

pytestmark = pytest.mark.e2e

BROKEN = (
    "activity_id,participant_ref,postcode,age,sex,ethnicity\n"
    "ACT-1,P-1,SE1 7EH,34,F,Indian\n"
    "ACT-1,P-2,SW9 8JH,240,M,White British\n"
    "ACT-77,P-3,SE5 8RS,50,F,Prefer not to say\n"
    "ACT-2,P-4,,61,Female,Martian\n"
    "ACT-2,P-5,M1 1AE,19,M,A\n"
)


@pytest.fixture
def app_url(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)
    with running_app(writable_reference_db) as base:
        yield base


def metric_value(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def test_upload_fix_and_reupload(app_url, page, writable_reference_db, tmp_path):
    page.goto(f"{app_url}/upload")
    wait_for_app(page)
    page.get_by_role("heading", name="Upload engagement data").wait_for()
    choose(
        page, "What does the file hold?", "Participants: equality monitoring, one row per person per activity"
    )
    expander = page.get_by_text("Templates, and what each participants column means")
    expander.click()
    template_info = download(page, page.get_by_role("button", name="Download the CSV template"), "template")
    template = tmp_path / template_info.suggested_filename
    template_info.save_as(template)
    assert template.name == "wpc-participants-template.csv"
    assert template.read_bytes().decode("utf-8-sig").startswith("activity_id,participant_ref,postcode,lsoa_code,age")
    screenshot(page, "upload-0-templates")
    expander.click()

    broken = tmp_path / "monitoring.csv"
    broken.write_text(BROKEN)
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text("Rows that will be quarantined, and why").wait_for()
    assert metric_value(page, "Rows read") == "5"
    assert metric_value(page, "Will be stored") == "2"
    assert metric_value(page, "Will be quarantined") == "3"
    screenshot(page, "upload-1-checked")

    rerun_by(page, page.get_by_role("button", name="Store 2 rows and quarantine 3").click)
    page.get_by_text("2 rows stored, 3 quarantined").wait_for()
    assert counts(writable_reference_db)["participants"] == 2

    rejected = download(page, page.get_by_role("button", name="Download the quarantined rows to fix (CSV)"),
                        "rejects")
    assert rejected.suggested_filename == "monitoring-rejects.csv"
    rejects = tmp_path / rejected.suggested_filename
    rejected.save_as(rejects)
    table = list(csv.DictReader(io.StringIO(rejects.read_bytes().decode("utf-8-sig"))))
    assert [(r["upload_line"], r["participant_ref"]) for r in table] == [
        ("3", "P-2"),
        ("4", "P-3"),
        ("5", "P-4"),
    ]
    assert table[0]["problems"] == "age: age 240 is not between 0 and 120"
    screenshot(page, "upload-2-stored")

    # Fix the cells the problems name, as a person would in a spreadsheet.
    table[0]["age"] = "24"
    table[1]["activity_id"] = "ACT-3"
    table[2]["ethnicity"] = "Black African"
    fixed = tmp_path / "monitoring-fixed.csv"
    with fixed.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_text("No problems found: every row will be stored.").wait_for()
    assert metric_value(page, "Will be quarantined") == "0"
    assert metric_value(page, "Will be stored") == "3"
    rerun_by(page, page.get_by_role("button", name="Store 3 rows and quarantine 0").click)
    page.get_by_text("3 rows stored, 0 quarantined").wait_for()
    screenshot(page, "upload-3-fixed")

    assert counts(writable_reference_db)["participants"] == 5

    # Later, the first upload's quarantined rows can still be downloaded, from the stored quarantine.
    first = rows(writable_reference_db, "select min(upload_id) from uploads where kind = 'participants'")[0][0]
    chooser = page.get_by_test_id("stSelectbox").filter(has_text="Quarantined rows of an earlier upload, to fix")
    chooser.wait_for()
    assert f"Upload {first}: monitoring.csv (participants," in chooser.inner_text() + chooser.locator(
        "input").first.input_value()
    earlier_info = download(page, page.get_by_role("button", name="Download its quarantined rows to fix (CSV)"),
                            "earlier-rejects")
    assert earlier_info.suggested_filename == f"upload-{first}-rejects.csv"
    earlier = list(csv.DictReader(io.StringIO(open(earlier_info.path(), encoding="utf-8-sig").read())))
    assert [(r["upload_line"], r["postcode"], r["participant_ref"]) for r in earlier] == [
        ("3", "SW9 8", ""), ("4", "SE5 8", ""), ("5", "", "")]
    assert earlier[0]["problems"] == "age: age 240 is not between 0 and 120"
    screenshot(page, "upload-4-earlier-rejects")
    assert rows(
        writable_reference_db,
        "select rows_stored, rows_quarantined from uploads where kind = 'participants' order by upload_id",
    ) == [(2, 3), (3, 0)]
    assert page.external_requests == []
