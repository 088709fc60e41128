"""Two journeys through the dashboard in headless Chromium, on the demo database (one server):

- a population health lead opens Reach gaps, changes dimension and place, sees the numbers
  change to what `wpc report` gives, and shares the link;
- a place lead opens Place coverage for Lewisham, finds the map drawn offline and the cold
  spots listed most deprived first, and switches the map to IMD deciles.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.e2e.conftest import STATE_TIMEOUT_MS, choose, rerun_by, running_app, screenshot, wait_for_app
from tests.engagement_rows import measure
from wpc.measures import Scope, build_report

pytestmark = pytest.mark.e2e

DARK_TEXT = "rgb(33, 43, 50)"  # #212B32, 14.4:1 on white
TALL = {"width": 1400, "height": 2400}  # Streamlit scrolls inside the page: a tall window shows it all


@pytest.fixture(scope="module")
def app_url(demo_db):
    with running_app(demo_db) as base:
        yield base


@pytest.fixture(scope="module")
def reports(demo_db):
    """wpc report for the scopes the journeys visit (today = the day the test runs, as the app)."""
    return {place: measure(demo_db, build_report, scope=Scope(preset="sel", place=place))
            for place in (None, "Lambeth", "Lewisham")}


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def wait_for_metric(page, label: str, value: str) -> None:
    """Wait until the metric `label` shows `value` (a rerun replaces elements one by one)."""
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll("[data-testid='stMetric']")].some(m =>
            m.innerText.includes(label) && m.querySelector("[data-testid='stMetricValue']").innerText.trim() === value)""",
        arg=[label, value])


def tables(page) -> list[list[list[str]]]:
    """Every table on the page as rows of cell texts, header first. Streamlit draws tables on a
    canvas and mirrors the cells, unformatted (20.156..., not 20.2%), in an accessible grid for
    screen readers, which is what is read here."""
    return page.evaluate("""() => [...document.querySelectorAll("[data-testid='stDataFrame']")].map(frame =>
        [...frame.querySelectorAll('tr')].map(row => [...row.querySelectorAll('th, td')].map(c => c.innerText.trim())))""")


def table_with(page, *headers: str, without: str | None = None, first: str | None = None,
               rows: int | None = None) -> list[dict[str, str]]:
    """The rows (as header -> text) of the one table whose header has `headers` (and not `without`),
    waiting until it is drawn (with `first` as its first cell and `rows` rows, if given): a table
    still showing the previous selection can share its first row with the new one."""
    def matching():
        return [t for t in tables(page) if len(t) > 1 and all(h in t[0] for h in headers) and without not in t[0]
                and (first is None or t[1][:1] == [first])
                and (rows is None or len([r for r in t[1:] if r]) == rows)]

    deadline = time.monotonic() + STATE_TIMEOUT_MS / 1000
    while not matching() and time.monotonic() < deadline:
        page.wait_for_timeout(250)  # poll: a table of the previous run can still be on screen
    found = matching()
    assert len(found) == 1, f"{len(found)} tables with {headers}"
    header, *rows = found[0]
    return [dict(zip(header, row, strict=False)) for row in rows if row]


def pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def value(cell: str) -> float:
    return float(cell.replace(",", ""))


def reach_rows(report: dict, dimension: str) -> dict[str, dict]:
    return {r["label"]: r for r in report["reach"] if r["dimension"] == dimension}


def test_population_health_lead_changes_dimension_and_place(page, app_url, reports):
    page.set_viewport_size(TALL)
    page.goto(app_url)  # the app opens on the Overview
    wait_for_app(page)
    page.get_by_role("heading", name="Overview: South East London").wait_for()
    wait_for_metric(page, "Core20 reach", pct(reports[None]["core20"]["engaged_share"]))
    rerun_by(page, page.get_by_role("link", name="Reach gaps").click)
    page.get_by_role("heading", name="Reach gaps: South East London").wait_for()
    core20 = reports[None]["core20"]
    first = table_with(page, "Category", "Share of participants", first="Most deprived 20% (Core20)")[0]
    assert value(first["Share of participants"]) == pytest.approx(100 * core20["engaged_share"])
    assert value(first["Residents' share"]) == pytest.approx(100 * core20["population_share"])

    choose(page, "Dimension", "Ethnic group (5 groups)")
    page.get_by_role("heading", name="Ethnic group (5 groups): participants against residents").wait_for()
    whole = reach_rows(reports[None], "ethnicity_group")
    shown = {row["Category"]: row for row in table_with(page, "Category", "Share of participants",
                                                         first="Asian, Asian British or Asian Welsh")}
    assert value(shown["White"]["Share of participants"]) == pytest.approx(100 * whole["White"]["engaged_share"])

    choose(page, "Place", "Lambeth")
    page.get_by_role("heading", name="Reach gaps: Lambeth").wait_for()
    lambeth = reach_rows(reports["Lambeth"], "ethnicity_group")
    wait_for_metric(page, "Unknown or not given", f"{lambeth['Unknown or not given']['engaged']:,}")
    page.wait_for_function(
        "count => [...document.querySelectorAll(\"[data-testid='stDataFrame'] td\")].some(c => c.innerText.trim() === count)",
        arg=str(lambeth["White"]["engaged"]))
    shown = {row["Category"]: row for row in table_with(page, "Category", "Share of participants")}
    for label in ("White", "Black, Black British, Black Welsh, Caribbean or African", "Asian, Asian British or Asian Welsh"):
        assert value(shown[label]["Participants"]) == lambeth[label]["engaged"]
        assert value(shown[label]["Share of participants"]) == pytest.approx(100 * lambeth[label]["engaged_share"])
        assert value(shown[label]["Residents' share"]) == pytest.approx(100 * lambeth[label]["population_share"])
    assert lambeth["White"]["engaged_share"] != whole["White"]["engaged_share"]  # the numbers did change
    assert metric(page, "Unknown or not given") == f"{lambeth['Unknown or not given']['engaged']:,}"
    page.wait_for_selector(".scatterlayer .points path", state="attached")
    ticks = page.evaluate("() => [...document.querySelectorAll('.ytick text, .xtick text')].map(t => getComputedStyle(t).fill)")
    assert ticks and set(ticks) == {DARK_TEXT}
    screenshot(page, "reach-gaps-lambeth-ethnicity")

    page.wait_for_function("() => location.search.includes('reach_dimension=ethnicity_group')")
    assert "place=Lambeth" in page.url and "preset=sel" in page.url
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_app(other)
    other.get_by_role("heading", name="Reach gaps: Lambeth").wait_for()
    other.get_by_role("heading", name="Ethnic group (5 groups): participants against residents").wait_for()
    assert metric(other, "Unknown or not given") == f"{lambeth['Unknown or not given']['engaged']:,}"
    other.close()
    assert page.external_requests == []


def test_place_lead_finds_cold_spots_on_the_map(page, app_url, reports):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/place-coverage?preset=sel")
    wait_for_app(page)
    page.get_by_role("heading", name="Place coverage: South East London").wait_for()
    choose(page, "Place", "Lewisham")
    page.get_by_role("heading", name="Place coverage: Lewisham").wait_for()
    lewisham = reports["Lewisham"]
    spots = lewisham["cold_spots"]
    coverage = lewisham["coverage"]
    wait_for_metric(page, "Core20 neighbourhoods reached",
                    f"{coverage['core20_lsoas_reached']} of {coverage['core20_lsoas']}")
    assert metric(page, "Cold spots") == str(len(spots))

    # one shape per Lewisham LSOA, and the cold spots drawn again with their black outline
    lsoas = len(lewisham["rates"]["lsoa"])
    page.wait_for_function(f"() => document.querySelectorAll('.choroplethlayer path').length === {lsoas + len(spots)}")
    cold = table_with(page, "LSOA", "IMD rank", without="Cold spot", first=spots[0]["lsoa_code"], rows=len(spots))
    assert [row["LSOA"] for row in cold] == [s["lsoa_code"] for s in spots]
    ranks = [value(row["IMD rank"]) for row in cold]
    assert ranks == sorted(ranks)  # most deprived first
    assert [value(row["Residents"]) for row in cold] == [s["population"] for s in spots]
    page.get_by_text(f"The most deprived not reached is {spots[0]['lsoa_name']}").wait_for()
    screenshot(page, "place-coverage-lewisham-rate")

    choose(page, "Colour the map by", "National IMD decile")
    page.wait_for_function("() => location.search.includes('coverage_colour=imd_decile')")
    page.locator("g.legend").filter(has_text="1 most deprived").wait_for()  # the legend below the map
    page.wait_for_function(f"() => document.querySelectorAll('.choroplethlayer path').length === {lsoas + len(spots)}")
    screenshot(page, "place-coverage-lewisham-imd")
    assert page.external_requests == []


def scope_line(page, text: str):
    """The line under a page's title naming its scope (after the filter icon), exactly `text`."""
    return page.locator("[data-testid='stMarkdownContainer'] p").filter(has_text=text).filter(
        has_not_text=f"{text} ·")


def test_a_shared_filtered_link_names_its_scope_and_clears_in_one_click(page, app_url):
    """A steering group opens a link filtered to Mental health, April to September, for
    Lewisham: the title area names all of it, the sidebar's filters are open and say so, tables
    write dates in UK style with "—" for what is not known, and one click clears every filter.
    Screenshots at 1400 and 1920 px (tests/artifacts) are for looking at clipped labels."""
    scope = "Lewisham (South East London) · 1 Apr 2025 to 30 Sep 2025 · Programme: Mental health"
    for width in (1400, 1920):
        page.set_viewport_size({"width": width, "height": 3000})
        page.goto(f"{app_url}/activities?preset=sel&place=Lewisham&programme=Mental+health&from=2025-04-01"
                  "&to=2025-09-30")
        wait_for_app(page)
        page.get_by_role("heading", name="Activity log and feedback loop: Lewisham").wait_for()
        scope_line(page, scope).wait_for()
        page.get_by_text("Period and activity filters · 3 on").wait_for()
        page.get_by_role("button", name="Clear all filters").wait_for()  # shown: the expander is open
        log = table_with(page, "Start", "Title", "Method")
        assert log and all(row["Method"][:1].isupper() for row in log)
        screenshot(page, f"activities-lewisham-mental-health-{width}")
        page.goto(f"{app_url}/partners?preset=sel&place=Lewisham&programme=Mental+health&from=2025-04-01"
                  "&to=2025-09-30")
        wait_for_app(page)
        page.get_by_role("heading", name="Partners: Lewisham").wait_for()
        scope_line(page, scope).wait_for()
        screenshot(page, f"partners-lewisham-mental-health-{width}")
    rerun_by(page, page.get_by_role("button", name="Clear all filters").click)
    scope_line(page, "Lewisham (South East London) · All dates").wait_for()
    assert "programme=" not in page.url and "from=" not in page.url
    assert page.external_requests == []


READ = "[data-testid='stMarkdown'] p, [data-testid='stAlert'] p, [data-testid='stAlert'] li"


def wait_for_text(page, words: str) -> None:
    """Wait until a paragraph reads exactly `words` (the sentence the view wrote, unescaped)."""
    page.wait_for_function(
        """([read, words]) => [...document.querySelectorAll(read)]
            .some(e => e.innerText.replace(/\\s+/g, " ").trim() === words)""",
        arg=[READ, words], polling=250)


def test_a_steering_group_reads_sentences_counts_and_trends_that_hold(page, app_url, demo_db):
    """What the screens say, read in the browser and checked against the views that wrote it:
    a comparison that names what it compares (Mid and South Essex, issue's case), its Core20 target's
    status for the ICS and each place, the participant
    counts reconciled under one name each, a hidden count that stays a '*' in a sentence (not a
    bullet), fatigue that flags a few neighbourhoods, and a trend that marks its part quarter and
    says whether its change is beyond chance."""
    from wpc import db, measures
    from wpc.measures.change import baseline_scope
    from wpc.views import change, core20, coverage, overview, reach, targets
    from wpc.views.quality import quality_warnings

    page.set_viewport_size(TALL)
    with db.reading(demo_db) as con:
        places = core20.places(con, Scope(preset="mse"), "suppress")
        people = overview.build(con, Scope(preset="sel")).participants.frame
        # a place and month whose data-quality box hides a count (1 to 7 people)
        place, month, hidden = next(
            (place, start, w) for start in (dt.date(2024 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(10, 22))
            for place in ("Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark")
            for w in quality_warnings(measures.quality(con, Scope(preset="sel", place=place, date_from=start,
                                                                  date_to=start + dt.timedelta(days=27))))
            if w.startswith("A few (*)"))
        last_day = dt.date(2025, 9, 30)  # the demo year's (tests/conftest.py): the fatigue window ends there
        lewisham = coverage.build(con, Scope(preset="sel", place="Lewisham", date_to=last_day))
        trend = reach.trend(con, Scope(preset="mse"), "imd_quintile", "1")
        half_year = Scope(preset="mse", place="Thurrock", date_from=dt.date(2025, 4, 1), date_to=last_day)
        shift = change.change(con, half_year, baseline_scope(half_year), "imd_quintile")
        goals = targets.build(con, Scope(preset="mse"), "suppress").table.frame

    page.goto(f"{app_url}/?preset=mse")  # 1: the comparison names the largest and smallest gap
    wait_for_app(page)
    comparison = places.sentences[1]
    assert "The largest gap is in" in comparison and "the smallest gap is in" in comparison
    wait_for_text(page, comparison)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    screenshot(page, "overview-mse-sentences")
    # the preset's Core20 target: a status in words and a mark for the ICS and each place
    shown = [row for row in table_with(page, "Scope", "Status", "More to reach")
             if row["Target"] == "Core20 share of participants"]
    expected = goals[goals["Target"] == "Core20 share of participants"]
    assert [row["Scope"] for row in shown] == list(expected["Scope"]) == [
        "Mid and South Essex", "Thurrock", "South East Essex", "Basildon and Brentwood", "Mid Essex"]
    assert [row["Status"] for row in shown] == list(expected["Status"])
    assert all(row["Status"] in ("✓ Met", "✗ Not met", "? Not yet clear") for row in shown)

    page.goto(f"{app_url}/?preset=sel")  # 2: one table reconciles the counts of people
    wait_for_app(page)
    reconciled = table_with(page, "Count of", "People", "What it counts")
    assert [row["Count of"] for row in reconciled] == people["Count of"].tolist()
    assert [row["People"].replace(",", "") for row in reconciled] == [str(v) for v in people["People"]]
    assert value(metric(page, "Participants")) == value(reconciled[0]["People"])  # the card's count is the table's

    end = month + dt.timedelta(days=27)  # 3: a hidden count stays a '*' in its sentence
    page.goto(f"{app_url}/?preset=sel&place={place}&from={month.isoformat()}&to={end.isoformat()}")
    wait_for_app(page)
    page.get_by_text(hidden).wait_for()
    assert page.locator("[data-testid='stAlert'] li li").count() == 0  # no '*' read as a nested bullet
    screenshot(page, "overview-hidden-count-in-a-sentence")

    page.goto(f"{app_url}/place-coverage?preset=sel&place=Lewisham&to={last_day}")  # 4: a few over-asked
    wait_for_app(page)
    wait_for_text(page, lewisham.fatigue_sentence)
    listed = table_with(page, "Neighbourhood (MSOA)", "Over-asked")
    page.get_by_role("heading", name="Engagement fatigue").scroll_into_view_if_needed()
    over = [row["Neighbourhood (MSOA)"] for row in listed if row["Over-asked"] == "Yes"]
    expected = lewisham.fatigue_neighbourhoods.frame
    assert over == expected.loc[expected["Over-asked"] == "Yes", "Neighbourhood (MSOA)"].tolist()
    assert 0 < len(over) < len(listed) and listed[:len(over)] == [r for r in listed if r["Over-asked"] == "Yes"]
    screenshot(page, "place-coverage-lewisham-fatigue")

    page.goto(f"{app_url}/reach-gaps?preset=mse&reach_dimension=imd_quintile")  # 6: an honest trend
    wait_for_app(page)
    wait_for_text(page, trend.sentence)
    assert "beyond chance" in trend.sentence or "could be chance" in trend.sentence
    page.get_by_text("Numbers behind the chart").last.click()  # the trend's, the page's last chart
    quarters = table_with(page, "Quarter", "Note")
    notes = trend.table.frame["Note"].fillna("").tolist()
    assert [row["Note"] for row in quarters] == notes  # why a quarter is not plotted, or is a part quarter
    assert any(note.startswith("Not plotted") for note in notes)  # a gap, never a 0.0% point
    page.locator("[data-testid='stPlotlyChart']").last.scroll_into_view_if_needed()
    screenshot(page, "reach-gaps-mse-core20-trend")

    # 7: the change since the baseline period (the half year before), in one sentence with its label
    page.goto(f"{app_url}/reach-gaps?preset=mse&place=Thurrock&reach_dimension=imd_quintile&from=2025-04-01"
              f"&to={last_day}")
    wait_for_app(page)
    wait_for_text(page, shift.sentence)
    screenshot(page, "reach-gaps-thurrock-change")
    assert page.external_requests == []
