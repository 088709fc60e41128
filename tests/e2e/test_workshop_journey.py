"""Workshop mode in a real browser: the sidebar is hidden, next and the place switch work, and
the place pack, a chart's PNG and a table's CSV download from the page and open."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image
from pptx import Presentation

from tests.e2e.conftest import choose, rerun_by, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(demo_db):
    with running_app(demo_db) as base:
        yield base


def test_workshop_screens_place_switch_and_pack_download(app_url, page):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app_url}/workshop?place=Lambeth&screen=core20")
    wait_for_app(page)
    page.get_by_role("heading", name="Core20 reach by place: Lambeth").wait_for()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    screenshot(page, "workshop-core20")

    rerun_by(page, page.get_by_role("button", name="Next").click)
    page.get_by_role("heading", name="Reach gaps by ethnic group (5 groups): Lambeth").wait_for()
    assert "screen=reach" in page.url

    choose(page, "Place", "Southwark")
    page.get_by_role("heading", name="Reach gaps by ethnic group (5 groups): Southwark").wait_for()
    assert "place=Southwark" in page.url
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    screenshot(page, "workshop-reach-southwark")

    with page.expect_download() as pack_download:
        page.get_by_role("button", name="Download the pack (PowerPoint)").click()
    assert pack_download.value.suggested_filename.startswith("wpc-pack-southwark-")
    deck = Presentation(pack_download.value.path())
    assert len(deck.slides) == 8
    assert deck.slides[0].shapes.title.text == "Who are we reaching? Southwark"
    assert deck.slides[2].shapes.title.text == "Reach gaps by ethnic group (5 groups)"

    with page.expect_download() as png_download:
        page.get_by_role("button", name="PNG", exact=True).first.click()
    image = Image.open(png_download.value.path())
    assert image.format == "PNG" and image.size[0] == 2400

    page.get_by_text("Numbers behind the chart").click()
    csv_button = page.get_by_role("button", name="CSV", exact=True).first
    csv_button.wait_for(state="visible")  # the expander has opened: the button is its table's
    page.get_by_test_id("stDataFrame").first.wait_for(state="visible")
    with page.expect_download() as csv_download:
        csv_button.click()
    rows = list(csv.DictReader(io.StringIO(open(csv_download.value.path(), encoding="utf-8-sig").read())))
    assert rows[0]["Category"].startswith("Asian") and "Share of participants (%)" in rows[0]
    assert page.external_requests == []
