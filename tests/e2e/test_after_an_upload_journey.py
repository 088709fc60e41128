"""A page left open while `wpc ingest` stores an upload: its next run shows the figures from
before the upload and says so, and it moves to the new figures by itself once the server has
worked them out (docs/dashboard.md, "After an upload")."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_END
from tests.e2e.conftest import running_app, screenshot, wait_for_app
from tests.fixtures.ingest_files import upload_in_lambeth
from wpc import db
from wpc.measures import Scope, build_report, families

pytestmark = pytest.mark.e2e

NOTICE = "New data was stored at"


def participants(page) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text="Participants").first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def reported(path) -> str:
    families.clear()
    with db.reading(path) as con:
        return f"{build_report(con, Scope(preset='sel', place='Lambeth'))['participants']['total']:,}"


def test_an_open_page_shows_the_older_figures_then_the_new_ones_by_itself(page, demo_db, tmp_path):
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    with running_app(path) as base:
        page.goto(f"{base}/?preset=sel&place=Lambeth")
        wait_for_app(page)
        before = participants(page)
        assert before == reported(path)

        assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40).stored == 40
        after = reported(path)
        assert after != before

        page.goto(f"{base}/?preset=sel&place=Lambeth")  # the link opened again after the upload
        wait_for_app(page)
        notice = page.get_by_text(NOTICE)
        expect(notice).to_be_visible()
        assert participants(page) == before  # the figures from before the upload, said to be
        screenshot(page, "after-an-upload-1-older-figures")

        expect(notice).to_be_hidden(timeout=120_000)  # no click: the page reran by itself
        wait_for_app(page)
        assert participants(page) == after
        screenshot(page, "after-an-upload-2-new-figures")
