"""A population health lead opens the app, switches ICS and place, and shares the link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import reference_files as files
from tests.e2e.conftest import (RUN_COUNTER, STATE_TIMEOUT_MS, choose, running_app, screenshot,
                                wait_for_app)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(reference_db):
    with running_app(reference_db) as base:
        yield base


def core20_share(districts: list[str]) -> str:
    rows = files.core20_by_district().loc[districts]
    return f"{100 * rows['core20_residents'].sum() / rows['total_usual_residents'].sum():.1f}%"


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_thurrock_from_a_shared_link_with_an_offline_map(page, app_url):
    page.goto(f"{app_url}/population?preset=mse&place=Thurrock")
    wait_for_app(page)
    page.get_by_role("heading", name="Population context: Thurrock").wait_for()
    assert metric(page, "Residents (Census 2021)") == "175,970"
    assert metric(page, "Core20 population share") == core20_share(["E06000034"]) == "14.8%"
    # The map draws one shape per Thurrock LSOA, from our own boundaries.
    page.wait_for_selector(".choroplethlayer path")
    assert page.locator(".choroplethlayer path").count() == 100
    screenshot(page, "population-thurrock")
    assert page.external_requests == []


def test_switching_ics_and_place_updates_numbers_and_url(page, app_url):
    page.goto(f"{app_url}/population")
    wait_for_app(page)
    page.get_by_role("heading", name="Population context: South East London").wait_for()
    choose(page, "Integrated Care System", "Herefordshire and Worcestershire")
    page.get_by_role("heading", name="Population context: Herefordshire and Worcestershire").wait_for()
    choose(page, "Place", "Worcestershire")
    page.get_by_role("heading", name="Population context: Worcestershire").wait_for()
    worcestershire = ["E07000234", "E07000235", "E07000236", "E07000237", "E07000238", "E07000239"]
    assert metric(page, "Core20 population share") == core20_share(worcestershire)
    page.wait_for_function("() => location.search.includes('place=Worcestershire')")
    assert "preset=hw" in page.url
    shared = page.url
    screenshot(page, "population-worcestershire")

    # The copied link reopens the same view in a fresh session.
    other = page.context.new_page()
    other.goto(shared)
    wait_for_app(other)
    other.get_by_role("heading", name="Population context: Worcestershire").wait_for()
    assert metric(other, "Core20 population share") == core20_share(worcestershire)
    other.close()
    assert page.external_requests == []


def test_about_page_names_the_sources(page, app_url):
    page.goto(f"{app_url}/about")
    wait_for_app(page)
    page.get_by_role("heading", name="About wpc and its data").wait_for()
    page.get_by_role("link", name="Open Government Licence v3.0").wait_for()
    page.locator("[data-testid='stAlert']").filter(has_text="Contains OS data").wait_for()
    screenshot(page, "about")


def test_the_map_on_a_phone_fills_the_width_names_places_and_keeps_its_legend_below(browser, app_url):
    """At 390 px wide (a phone) the map is full width with the legend under it, names its places,
    and hovering on a neighbourhood gives its IMD decile."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(RUN_COUNTER)
    context.set_default_timeout(STATE_TIMEOUT_MS)
    phone = context.new_page()
    phone.goto(f"{app_url}/population?preset=sel")
    wait_for_app(phone)
    phone.wait_for_selector(".choroplethlayer path")
    chart = phone.locator(".js-plotly-plot").filter(has=phone.locator(".choroplethlayer")).first
    chart.scroll_into_view_if_needed()
    shapes = chart.locator(".choroplethlayer").first.bounding_box()
    legend = chart.locator("g.legend").bounding_box()
    assert shapes["width"] > 300  # of 358 px the page gives it
    assert legend["y"] >= shapes["y"] + shapes["height"] - 1  # the legend is below the map, not beside it
    names = chart.locator(".scattergeo text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert {"Lambeth", "Southwark", "Lewisham", "Greenwich", "Bexley", "Bromley"} <= set(names)
    # hover on the middle of the first LSOA's own shape
    first = chart.locator(".choroplethlayer path").first.bounding_box()
    phone.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    expect(chart.locator(".hovertext")).to_contain_text("IMD decile")
    phone.get_by_text("Numbers behind the chart").last.wait_for()
    screenshot(phone, "population-phone-390")
    context.close()
