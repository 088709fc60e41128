"""Accessibility in a real browser: axe-core (installed by scripts/setup.sh --test from
package-lock.json) finds no serious or critical violation on any page, ICS-wide and for one
place; keyboard focus is visible; a chart is not a run of toolbar tab stops. A page made bad on
purpose shows that the check can fail."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import running_app, screenshot, wait_for_app
from wpc.config import ROOT

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PATHS = ["", "reach-gaps", "place-coverage", "geography", "population", "activities", "plans", "partners",
         "insights", "workshop", "upload", "about"]
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def app_url(demo_db):
    assert AXE.exists(), "axe-core is missing: run scripts/setup.sh --test"
    with running_app(demo_db) as base:
        yield base


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as drawn, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {node['target']}" for v in found if v["impact"] in SERIOUS
            for node in v["nodes"]]


def open_drawn(page, url: str) -> None:
    """Open a page and wait until it is idle with its main content drawn (charts included)."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("heading", level=1).first.wait_for()
    for chart in page.locator(".js-plotly-plot").all():
        chart.locator(".main-svg").first.wait_for()
    wait_for_app(page)


@pytest.mark.parametrize("query", ["", "?preset=mse&place=Thurrock"], ids=["sel-ics", "thurrock"])
def test_no_serious_violation_on_any_page(app_url, page, query):
    found = {}
    for path in PATHS:
        open_drawn(page, f"{app_url}/{path}{query}")
        if violations := serious_violations(page):
            found[path or "overview"] = violations
            screenshot(page, f"axe-{path or 'overview'}-{query.count('&')}")
    assert found == {}


def test_the_check_finds_a_violation_when_there_is_one(app_url, page):
    open_drawn(page, f"{app_url}/about")
    page.evaluate("""() => {
        const p = document.createElement("p");
        p.textContent = "Pale text on white";
        p.style.color = "#cccccc";
        document.querySelector("[data-testid='stMain']").prepend(p);
    }""")
    assert any(line.startswith("color-contrast (serious)") for line in serious_violations(page))


def test_keyboard_focus_is_visible_and_a_chart_is_not_a_row_of_tab_stops(app_url, page):
    open_drawn(page, f"{app_url}/?place=Lewisham")
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    page.keyboard.press("Tab")  # "Skip to main content"
    page.keyboard.press("Tab")  # the first page in the menu
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {text: e.innerText, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                colour: s.outlineColor, background: s.backgroundColor}; }""")
    assert focused["text"].endswith("Overview")
    assert focused["outline"] == "solid" and focused["width"] >= 3
    assert focused["colour"] == focused["background"] == "rgb(255, 235, 59)"  # yellow, as NHS sites do
    screenshot(page, "focus-on-the-menu")

    # Every stop inside the Overview's Core20 chart, tabbing from the first to past the last
    stops_in_chart = page.evaluate("""() => {
        const chart = document.querySelector("[data-testid='stPlotlyChart']");
        return [...chart.querySelectorAll("a[href], button, input, [tabindex]")]
            .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0).length;
    }""")
    assert stops_in_chart == 0  # the chart's PNG button and its "Numbers behind the chart" follow it
    page.locator(".js-plotly-plot").first.hover()  # the toolbar is still there for a pointer
    page.locator(".js-plotly-plot .modebar").first.wait_for(state="visible")
