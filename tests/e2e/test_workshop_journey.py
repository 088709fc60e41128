"""Workshop mode in a real browser: the sidebar is hidden, next and the place switch work, and
the place pack, a chart's PNG and a table's CSV download from the page and open."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image
from pptx import Presentation

from tests.e2e.conftest import choose, download, rerun_by, running_app, screenshot, wait_for_app
from wpc.views.workshop import QUESTIONS

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

    pack = download(page, page.get_by_role("button", name="Download the pack (PowerPoint)"), "pack")
    assert pack.suggested_filename.startswith("wpc-pack-southwark-")
    deck = Presentation(pack.path())
    # a title slide, one per question (South East London's preset sets no targets, so that screen is
    # left out of the pack), methods and sources
    assert len(deck.slides) == len([key for key in QUESTIONS if key != "targets"]) + 2
    assert deck.slides[0].shapes.title.text == "Who are we reaching? Southwark"
    assert deck.slides[2].shapes.title.text == "Reach gaps by ethnic group (5 groups)"
    assert page.get_by_role("button", name="Board assurance pack (PDF)").is_visible()  # beside the place pack

    png = download(page, page.get_by_role("button", name="PNG", exact=True).first, "chart-png")
    image = Image.open(png.path())
    assert image.format == "PNG" and image.size[0] == 2400

    page.get_by_text("Numbers behind the chart").click()
    csv_button = page.get_by_role("button", name="CSV", exact=True).first
    csv_button.wait_for(state="visible")  # the expander has opened: the button is its table's
    page.get_by_test_id("stDataFrame").first.wait_for(state="visible")
    table = download(page, csv_button, "chart-numbers-csv")
    rows = list(csv.DictReader(io.StringIO(open(table.path(), encoding="utf-8-sig").read())))
    assert rows[0]["Category"].startswith("Asian") and "Share of participants (%)" in rows[0]
    assert page.external_requests == []


def test_a_clicker_steps_through_the_screens_and_the_end_is_marked(app_url, page):
    """At 1920x1080, as on a projector: PageDown/PageUp and the arrow keys move between screens,
    the last screen says it is the end and goes no further, and the controls are in 20 px type."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/workshop?place=Lewisham&screen=core20")
    wait_for_app(page)
    screens = list(QUESTIONS)

    def shows(key: str) -> None:
        assert f"screen={key}" in page.url
        heading = page.get_by_role("heading", level=1).first.inner_text()
        assert heading.startswith(QUESTIONS[key][0]) and heading.endswith(": Lewisham")

    page.get_by_role("heading", name=f"{QUESTIONS['core20'][0]}: Lewisham").wait_for()
    assert page.get_by_role("button", name="Previous").is_disabled()
    rerun_by(page, lambda: page.keyboard.press("PageDown"))
    shows(screens[1])
    rerun_by(page, lambda: page.keyboard.press("ArrowLeft"))
    shows(screens[0])
    for key, screen in zip(["PageDown", "ArrowRight"] * len(screens), screens[1:]):
        rerun_by(page, lambda key=key: page.keyboard.press(key))
        shows(screen)
    assert page.get_by_role("button", name="End").is_disabled()
    page.get_by_text(f"End of the questions ({len(screens)} of {len(screens)})").wait_for()
    screenshot(page, "workshop-last-screen-1920")

    page.keyboard.press("PageDown")  # at the end: nothing to press, so no rerun and no jump to the first
    wait_for_app(page)
    shows(screens[-1])

    sizes = page.evaluate("""() => [
        ...document.querySelectorAll(".stMainBlockContainer [data-testid='stWidgetLabel'] p"),
        ...document.querySelectorAll(".stMainBlockContainer [data-testid='stBaseButton-secondary'] p"),
        ...document.querySelectorAll(".stMainBlockContainer [data-testid='stSelectbox'] input"),
    ].map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 20


def test_keys_do_nothing_while_a_person_types_in_a_field(app_url, page):
    page.goto(f"{app_url}/workshop?place=Lewisham&screen=reach")
    wait_for_app(page)
    heading = page.get_by_role("heading", level=1).first.inner_text()
    # the page's own place switch (the hidden sidebar has one of the same name)
    page.get_by_test_id("stMainBlockContainer").get_by_role("combobox", name="Place", exact=True).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    wait_for_app(page)
    assert page.get_by_role("heading", level=1).first.inner_text() == heading
