"""Accessibility in a real browser: axe-core (installed by scripts/setup.sh --test from
package-lock.json) finds no serious or critical violation, and no words are clipped, on any
page, ICS-wide at 1400 pixels and for one place at 1920; keyboard focus is visible; a chart is
not a run of toolbar tab stops. Pages made bad on purpose show that the checks can fail."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import running_app, screenshot, wait_for_app
from wpc.config import ROOT

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PATHS = ["", "reach-gaps", "place-coverage", "geography", "population", "activities", "plans", "partners",
         "insights", "workshop", "upload", "about"]
SERIOUS = ("serious", "critical")


CLIPPED = """() => {
    const cut = [];
    const main = document.querySelector("[data-testid='stMain']");
    // words cut by a box too narrow for them (overflow hidden, or an ellipsis)
    for (const e of main.querySelectorAll("*")) {
        if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
        const s = getComputedStyle(e);
        if (s.overflowX === "visible" && s.textOverflow !== "ellipsis") continue;
        if (e.getClientRects().length && e.scrollWidth > e.clientWidth + 1) cut.push("text: " + e.textContent.trim());
    }
    // a chart's words outside the chart, or outside the area that clips them
    for (const chart of main.querySelectorAll(".js-plotly-plot")) {
        const box = chart.getBoundingClientRect();
        for (const t of chart.querySelectorAll("text")) {
            const words = t.textContent.trim(), r = t.getBoundingClientRect();
            if (!words || !r.width) continue;
            const inside = (b) => r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1
                && r.bottom <= b.bottom + 1;
            if (!inside(box)) cut.push("chart: " + words);
            for (let a = t.parentElement; a && a !== chart; a = a.parentElement) {
                const ref = (a.getAttribute("clip-path") || "").match(/url\\(['"]?#([^'")]+)/);
                const shape = ref && document.getElementById(ref[1])?.firstElementChild;
                if (!shape) continue;
                // the clip's rectangle is in the user space of the element it clips
                const at = (name) => parseFloat(shape.getAttribute(name)) || 0, m = a.getScreenCTM();
                const p = new DOMPoint(at("x"), at("y")).matrixTransform(m);
                const q = new DOMPoint(at("x") + at("width"), at("y") + at("height")).matrixTransform(m);
                const b = {left: Math.min(p.x, q.x), right: Math.max(p.x, q.x), top: Math.min(p.y, q.y),
                           bottom: Math.max(p.y, q.y)};
                if (!inside(b)) cut.push("chart, clipped: " + words);
            }
            if (words.endsWith("…") || words.endsWith("...")) cut.push("chart, shortened: " + words);
        }
    }
    return cut;
}"""

CHARTS_FIT = """() => [...document.querySelectorAll(".js-plotly-plot")].every(c => {
    const svg = c.querySelector(".main-svg");
    if (!c.getBoundingClientRect().width) return true;  // not drawn (a closed section)
    return svg && Math.abs(svg.getBoundingClientRect().width - c.getBoundingClientRect().width) < 2;
})"""


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


@pytest.mark.parametrize(("query", "width"), [("", 1400), ("?preset=mse&place=Thurrock", 1920)],
                         ids=["sel-ics-1400", "thurrock-1920"])
def test_no_serious_violation_and_no_clipped_words_on_any_page(app_url, page, query, width):
    """Each page once per scope, at a laptop's and a projector's width: axe-core's serious and
    critical violations, and words cut by their box or outside their chart (docs/dashboard.md,
    "Accessibility")."""
    page.set_viewport_size({"width": width, "height": 1000})
    violations, clipped = {}, {}
    for path in PATHS:
        name = path or "overview"
        open_drawn(page, f"{app_url}/{path}{query}")
        page.wait_for_function(CHARTS_FIT)
        if found := serious_violations(page):
            violations[name] = found
            screenshot(page, f"axe-{name}-{width}")
        if cut := page.evaluate(CLIPPED):
            clipped[name] = cut
            screenshot(page, f"clipped-{name}-{width}")
    assert violations == {}
    assert clipped == {}


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


def test_the_clip_check_finds_cut_words(app_url, page):
    open_drawn(page, f"{app_url}/?place=Lewisham")
    page.locator(".js-plotly-plot .xtick text").first.wait_for()
    page.evaluate("""() => {
        const box = document.createElement("div");
        box.textContent = "A label much too long for its narrow box";
        Object.assign(box.style, {width: "60px", overflow: "hidden", whiteSpace: "nowrap"});
        document.querySelector("[data-testid='stMain']").prepend(box);
        const tick = document.querySelector(".js-plotly-plot .xtick text");
        tick.textContent = "A tick label pushed past the chart's edge";
        tick.setAttribute("x", 5000);
    }""")
    cut = page.evaluate(CLIPPED)
    assert "text: A label much too long for its narrow box" in cut
    assert "chart: A tick label pushed past the chart's edge" in cut
