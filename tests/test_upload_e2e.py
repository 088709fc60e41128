"""The upload journey in the real app, in headless Chromium: upload a broken file, see what
is quarantined, store the rest, download the rejects, fix them, upload them to zero
quarantined. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.fixtures.ingest_files import counts, load_base_activities, rows
from wpc.config import ROOT

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROKEN = (
    "activity_id,participant_ref,postcode,age,sex,ethnicity\n"
    "ACT-1,P-1,SE1 7EH,34,F,Indian\n"
    "ACT-1,P-2,SW9 8JH,240,M,White British\n"
    "ACT-77,P-3,SE5 8RS,50,F,Prefer not to say\n"
    "ACT-2,P-4,,61,Female,Martian\n"
    "ACT-2,P-5,M1 1AE,19,M,A\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)
    port = free_port()
    env = {**os.environ, "WPC_DB_PATH": str(writable_reference_db)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        yield context.new_page()
        browser.close()


def choose(page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option).click()


def metric_value(page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").inner_text()


def test_upload_fix_and_reupload(app_url, page, writable_reference_db, tmp_path):
    page.goto(f"{app_url}/upload")
    page.get_by_role("heading", name="Upload engagement data").wait_for(timeout=30_000)
    choose(
        page, "What does the file hold?", "Participants: equality monitoring, one row per person per activity"
    )
    expander = page.get_by_text("Templates, and what each participants column means")
    expander.click()
    with page.expect_download() as template_info:
        page.get_by_role("button", name="Download the CSV template").click()
    template = tmp_path / template_info.value.suggested_filename
    template_info.value.save_as(template)
    assert template.name == "wpc-participants-template.csv"
    assert template.read_bytes().decode("utf-8-sig").startswith("activity_id,participant_ref,postcode,lsoa_code,age")
    page.screenshot(path=str(ARTIFACTS / "upload-0-templates.png"))
    expander.click()

    broken = tmp_path / "monitoring.csv"
    broken.write_text(BROKEN)
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text("Rows that will be quarantined, and why").wait_for(timeout=30_000)
    assert metric_value(page, "Rows read") == "5"
    assert metric_value(page, "Will be stored") == "2"
    assert metric_value(page, "Will be quarantined") == "3"
    page.screenshot(path=str(ARTIFACTS / "upload-1-checked.png"), full_page=True)

    page.get_by_role("button", name="Store 2 rows and quarantine 3").click()
    page.get_by_text("2 rows stored, 3 quarantined").wait_for(timeout=30_000)
    assert counts(writable_reference_db)["participants"] == 2

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the quarantined rows to fix (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "monitoring-rejects.csv"
    rejects = tmp_path / download.suggested_filename
    download.save_as(rejects)
    table = list(csv.DictReader(io.StringIO(rejects.read_bytes().decode("utf-8-sig"))))
    assert [(r["upload_line"], r["participant_ref"]) for r in table] == [
        ("3", "P-2"),
        ("4", "P-3"),
        ("5", "P-4"),
    ]
    assert table[0]["problems"] == "age: age 240 is not between 0 and 120"
    page.screenshot(path=str(ARTIFACTS / "upload-2-stored.png"), full_page=True)

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
    page.get_by_text("No problems found: every row will be stored.").wait_for(timeout=30_000)
    assert metric_value(page, "Will be quarantined") == "0"
    assert metric_value(page, "Will be stored") == "3"
    page.get_by_role("button", name="Store 3 rows and quarantine 0").click()
    page.get_by_text("3 rows stored, 0 quarantined").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "upload-3-fixed.png"), full_page=True)

    assert counts(writable_reference_db)["participants"] == 5
    assert rows(
        writable_reference_db,
        "select rows_stored, rows_quarantined from uploads where kind = 'participants' order by upload_id",
    ) == [(2, 3), (3, 0)]
