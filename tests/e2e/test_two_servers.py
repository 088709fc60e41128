"""Two real app servers on one DuckLake (docs/deploy.md), in headless Chromium: both show the
same Overview for a place; an upload through one server's Upload page is on the other's
Overview at its next visit. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose, open_page, rerun_by, running_app, screenshot, wait_for_app
from tests.fixtures.ingest_files import counts, load_base_activities
from tests.perturbation import reach

pytestmark = [pytest.mark.e2e]


def participants_metric(page) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text="Participants").first
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def test_an_upload_through_one_server_shows_on_the_other(postgres, reference_lake, browser, tmp_path):
    lake = postgres.clone(reference_lake, tmp_path / "lake")
    load_base_activities(lake, tmp_path)  # ACT-1 in Lambeth
    people = tmp_path / "lambeth-people.csv"
    pd.DataFrame({"activity_id": "ACT-1", "participant_ref": [f"E{i}" for i in range(40)],
                  "postcode": "SE1 7EH", "age": (np.arange(40) % 70 + 18).astype(str)}).to_csv(people, index=False)
    env = {"WPC_STORE": lake.setting, "WPC_SALT_PATH": str(postgres.salt)}
    unused = tmp_path / "no-file.duckdb"  # the servers must not need the database file
    with running_app(unused, extra_env=env) as first, running_app(unused, extra_env=env) as second:
        one, two = open_page(browser), open_page(browser)
        overview = "/?preset=sel&place=Lambeth"
        for page, base in ((one, first), (two, second)):
            page.goto(base + overview)
            wait_for_app(page)
        assert participants_metric(one) == participants_metric(two) == "0"

        two.goto(f"{second}/upload")
        wait_for_app(two)
        choose(two, "What does the file hold?", "Participants: equality monitoring, one row per person per activity")
        two.locator("input[type=file]").set_input_files(str(people))
        rerun_by(two, two.get_by_role("button", name="Store 40 rows and quarantine 0").click)
        two.get_by_text("40 rows stored, 0 quarantined").wait_for(timeout=60_000)
        screenshot(two, "two-servers-1-upload-on-the-second")
        assert counts(lake)["participants"] == 40

        one.goto(first + overview)
        wait_for_app(one)
        # the first server shows the figures from before the upload, saying so, until it has
        # worked out the new ones; the page then shows them by itself (docs/dashboard.md)
        expect(one.get_by_text("New data was stored at")).to_be_hidden(timeout=120_000)
        wait_for_app(one)
        shown = participants_metric(one)  # 40 people, with the small change that protects privacy
        low, high = reach(40)
        assert low <= int(shown) <= high
        screenshot(one, "two-servers-2-overview-on-the-first")
        two.goto(second + overview)  # a new session of the server that stored it: the same
        wait_for_app(two)
        expect(two.get_by_text("New data was stored at")).to_be_hidden(timeout=120_000)
        wait_for_app(two)
        assert participants_metric(two) == shown  # the same people give the same number everywhere
        assert not unused.exists()
