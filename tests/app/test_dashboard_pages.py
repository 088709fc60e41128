"""AppTest of the Overview, Reach gaps and Place coverage pages.

Two databases: the hand-made Toyshire engagement of tests/dashboard_data.py (values worked out
by hand) and the demo database, where every number a page shows must equal what `wpc report`
(build_report, or the CLI's --json) gives for the same scope.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from tests.app.access_checks import unescape
from tests.dashboard_data import N1, N2, N3, N4, N5, N6, fill
from tests.engagement_rows import build_toy_db, measure, write
from tests.perturbation import share_within
from wpc.cli import app as cli
from wpc.measures import Scope, build_report
from wpc.views import targets as targets_view

OVERVIEW, REACH, COVERAGE = "app_pages/overview.py", "app_pages/reach_gaps.py", "app_pages/place_coverage.py"
EMPTY_PERIOD = {"from": "2020-01-01", "to": "2020-12-31"}


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("pages"))
    write(path, fill)
    return path


def open_page(app_at, db_path, page: str, **params):
    """The app opened with `params` in the URL, then on `page` (AppTest starts on the default page)."""
    at = app_at(db_path, **params).run()
    assert not at.exception
    if page != OVERVIEW:
        at.switch_page(page).run()
        assert not at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {unescape(m.label): unescape(m.value) for m in at.metric}


# Streamlit gives read-only tables no key in AppTest, so each table is known by its columns.
TABLES = {
    "overview_core20_table": ("Area", "Share of participants"),
    "overview_targets_table": ("Scope", "Status"),
    "reach_table": ("Category", "Share of participants"),
    "reach_trend_table": ("Quarter", "Share of participants"),
    "coverage_lsoa_table": ("LSOA", "Cold spot"),
    "coverage_cold_spots": ("LSOA", "IMD rank"),
    "coverage_msoa_table": ("Code", "Per 1,000 residents"),
    "coverage_fatigue_table": ("Neighbourhood (MSOA)", "Over-asked"),
}


def table(at, key: str):
    """The table drawn with `key`, as the page sent it."""
    columns = TABLES[key]
    frames = [d.value for d in at.dataframe if all(c in d.value.columns for c in columns)]
    if key == "coverage_cold_spots":
        frames = [f for f in frames if "Cold spot" not in f.columns]
    if key == "coverage_msoa_table":
        frames = [f for f in frames if "Over-asked" not in f.columns]
    assert len(frames) == 1, f"{len(frames)} tables look like {key}"
    return frames[0]


def chart(at, key: str) -> go.Figure:
    """The plotly figure of the chart drawn with `key`, as the browser receives it."""
    element = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    return plotly.io.from_json(element.proto.spec)


def values(array) -> list:
    """A plotly data array as a list: plotly sends numeric arrays base64-encoded."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def markdown(at) -> str:
    return unescape("\n".join(m.value for m in at.markdown))


# ---------- hand-made Toyshire


def percent(text: str) -> float:
    return float(text.rstrip("%"))


def near(shown, true: int) -> bool:
    """A count of people as the app shows it: within the perturbation's reach (docs/disclosure.md)."""
    return str(shown) != "*" and abs(int(str(shown).replace(",", "")) - true) <= 5


def test_overview_of_toyshire(app_at, toy):
    at = open_page(app_at, toy, OVERVIEW)
    assert at.title[0].value == "Overview: Toyshire"
    shown = metrics(at)
    # hand values, with counts of people changed by at most 5 and shares worked out from them
    assert share_within(percent(shown["Core20 reach"]), 12, 60, percent=True)  # 12 of 60 with a known home
    assert shown["Residents in Core20 areas"] == "30.2%"                  # 3,700 of 12,250
    assert near(shown["Participants"], 70)                                # 60 + 10 with no home area
    assert shown["Activities"] == "3"                                     # activities: not people
    assert shown["Co-design or co-production"] == "66.7%"                 # rungs 6 and 7 of 6, 3, 7
    assert shown["Feedback closed on time"] == "33.3%"                    # on time, late, overdue
    # the page shows the numbers the measures give for the same scope
    report = measure(toy, build_report, scope=Scope(preset="toy"))
    assert shown["Participants"] == f"{report['participants']['total']:,}"
    places = table(at, "overview_core20_table").set_index("Area")
    assert list(places.index) == ["Toyshire", "Northtown", "Southtown"]
    assert near(places.loc["Northtown", "Participants"], 12)
    assert share_within(places.loc["Northtown", "Share of participants"], 12, 45, percent=True)
    assert places.loc["Northtown", "Residents' share"] == pytest.approx(100 * 3700 / 7000)
    # the flag is read from the Wilson interval of the counts shown (statsmodels, independently): 12 of
    # 45 is below 52.9%, but the small changes can bring the interval up to it
    shown_part = int(str(places.loc["Northtown", "Participants"]).replace(",", ""))
    shown_whole = round(100 * shown_part / float(str(places.loc["Northtown", "Share of participants"]).rstrip("%")))
    upper = proportion_confint(shown_part, shown_whole, alpha=0.05, method="wilson")[1]
    assert places.loc["Northtown", "Flag"] == (
        "Below residents' share" if upper < 3700 / 7000 else "Within chance of residents' share")
    assert f"In Toyshire, {shown['Core20 reach']} of participants whose home is known live" in markdown(at)
    assert "participant rows with no usable home area" in unescape(at.warning[-1].value)
    assert any("small changes are made" in c.value for c in at.sidebar.caption)
    drawn = chart(at, "overview_core20_places")
    assert list(drawn.layout.yaxis.categoryarray) == ["<b>Toyshire</b>", "Northtown", "Southtown"]


def test_reach_gaps_on_toyshire_hides_small_counts_and_does_not_draw_them(app_at, toy):
    at = open_page(app_at, toy, REACH, place="Northtown", reach_dimension="sex")
    assert at.title[0].value == "Reach gaps: Northtown"
    rows = table(at, "reach_table").set_index("Category")
    # the page shows the measure's protected rows: men 20 beside the 5 unknown, both hidden
    from wpc.measures import reach
    protected = measure(toy, reach, scope=Scope(preset="toy", place="Northtown"), dimension="sex")
    for row in protected.itertuples():
        label = row.label if row.category != "unknown" else "Unknown or not given"
        if row.category == "unknown":
            continue
        assert rows.loc[label, "Participants"] == (row.engaged if row.engaged == "*" else f"{row.engaged:,}")
        if row.engaged == "*":
            assert rows["Share of participants"].isna()[label]
    assert rows.loc["Male", "Participants"] == "*" and rows["Share of participants"].isna()["Male"]
    assert rows.loc["Unknown or not given", "Participants"] == "*"
    assert metrics(at)["Unknown or not given"] == "*"
    assert any("Between 1 and 7 people" in c.value and "Small changes" in c.value for c in at.caption)
    engaged = [t for t in chart(at, "reach_chart").data if t.error_x.array is not None]
    drawn = [c for c in ("Female", "Male") if rows.loc[c, "Participants"] != "*"]
    assert [list(t.y) for t in engaged] == ([drawn] if drawn else [])  # nothing drawn for a withheld share
    # trend for women: 20 of 40 in Apr-Jun; Jul-Sep hidden (10 women beside 5 unknown)
    trend = table(at, "reach_trend_table")
    assert list(trend["Quarter"]) == ["Apr–Jun 2025", "Jul–Sep 2025"]
    assert trend["Participants"].iloc[1] == "*" and trend["Share of participants"].isna().iloc[1]
    points = chart(at, "reach_trend_chart").data[0]
    assert points.y[1] is None
    if trend["Participants"].iloc[0] != "*":
        assert share_within(trend["Share of participants"].iloc[0], 20, 40, percent=True)
        assert points.y[0] == pytest.approx(trend["Share of participants"].iloc[0], abs=0.05)


def test_place_coverage_on_toyshire(app_at, toy):
    at = open_page(app_at, toy, COVERAGE, place="Northtown")
    assert metrics(at)["Core20 neighbourhoods reached"] == "1 of 3"
    assert metrics(at)["Share reached"] == "33.3%"
    assert metrics(at)["Cold spots"] == "2"
    rate = metrics(at)["Participants per 1,000 residents"]
    assert rate == "–" or float(rate) == pytest.approx(6.4, abs=0.8)  # 45 living in Northtown / 7,000
    spots = table(at, "coverage_cold_spots")
    assert list(spots["LSOA"]) == [N2, N3] and list(spots["Residents"]) == [1200, 1500]
    drawn = chart(at, "coverage_map_rate").data
    assert sorted(drawn[0].locations) == [N1, N2, N3, N4, N5, N6]
    classes = dict(zip(drawn[0].locations, values(drawn[0].z), strict=True))
    assert classes[N2] == classes[N3] == 0 and classes[N5] == classes[N6] == 1  # none; withheld
    assert list(drawn[1].locations) == [N2, N3]  # cold spots outlined
    lsoas = table(at, "coverage_lsoa_table").set_index("LSOA")
    assert lsoas.loc[N6, "Participants"] == "*" and lsoas["Per 1,000 residents"].isna()[N6]
    assert lsoas.loc[N2, "Participants"] in (0, "0")
    msoas = table(at, "coverage_msoa_table")
    assert len(msoas) == 1 and (msoas["Participants"].tolist() == ["*"] or near(msoas["Participants"][0], 45))


def test_map_colouring_comes_from_the_url(app_at, toy):
    at = open_page(app_at, toy, COVERAGE, place="Northtown", coverage_colour="imd_decile")
    assert at.selectbox(key="coverage_colour").value == "imd_decile"
    drawn = chart(at, "coverage_map_imd").data[0]
    deciles = {N1: 1, N2: 1, N3: 2, N4: 5, N5: 8, N6: 10}  # each area's class on the map is its decile's
    assert dict(zip(drawn.locations, values(drawn.z), strict=True)) == {k: d - 1 for k, d in deciles.items()}
    assert all(f"IMD decile {deciles[k]}" in text for k, text in zip(drawn.locations, drawn.text, strict=True))
    assert at.query_params["coverage_colour"] == "imd_decile"


@pytest.mark.parametrize("page, message", [
    (OVERVIEW, "No engagement activities"), (REACH, "No participants"), (COVERAGE, "No participants")])
def test_a_period_with_no_activities_says_so(app_at, toy, page, message):
    at = open_page(app_at, toy, page, **EMPTY_PERIOD)
    assert at.info and at.info[0].value.startswith(message)
    assert not at.dataframe and not at.get("plotly_chart") and not at.metric


# ---------- demo data: the pages against wpc report


def report(db_path, **scope) -> dict:
    return measure(db_path, build_report, scope=Scope(**scope))


def test_overview_matches_wpc_report(app_at, demo_db):
    at = open_page(app_at, demo_db, OVERVIEW, preset="sel")
    result = CliRunner().invoke(cli, ["report", "--db", str(demo_db), "--preset", "sel", "--json"])
    assert result.exit_code == 0, result.output
    whole = json.loads(result.stdout)
    ladder = {row["rung"]: row["share"] for row in whole["ladder"]}
    assert metrics(at) == {
        "Core20 reach": pct(whole["core20"]["engaged_share"]),
        "Residents in Core20 areas": pct(whole["core20"]["population_share"]),
        "Participants": f"{whole['participants']['total']:,}",
        "Activities": f"{whole['feedback']['activities']:,}",
        "Co-design or co-production": pct(ladder[6] + ladder[7]),
        "Feedback closed on time": pct(whole["feedback"]["share_closed_on_time"]),
    }
    places = table(at, "overview_core20_table").set_index("Area")
    assert places.loc["South East London", "Participants"] == whole["core20"]["engaged"]
    for place in ("Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"):
        expected = report(demo_db, preset="sel", place=place)["core20"]
        row = places.loc[place]
        assert row["Participants"] == expected["engaged"]
        assert row["Share of participants"] == pytest.approx(100 * expected["engaged_share"])
        assert (row["95% CI from"], row["95% CI to"]) == pytest.approx(
            (100 * expected["ci_low"], 100 * expected["ci_high"]))
        assert row["Residents' share"] == pytest.approx(100 * expected["population_share"])
        assert row["Gap (points)"] == round(expected["gap_pp"], 1)


def test_overview_shows_each_places_target_status_as_wpc_report_gives_it(app_at, demo_db):
    """Mid and South Essex's preset sets a Core20 target of the residents' share for the ICS and
    every place (docs/methods.md section 16): the Overview shows each one's status in words and a
    mark, from the same records as `wpc report`, on the same shares as the Core20 table."""
    at = open_page(app_at, demo_db, OVERVIEW, preset="mse")
    shown = table(at, "overview_targets_table")
    expected = report(demo_db, preset="mse")["targets"]
    assert list(shown["Scope"]) == [r["scope"] for r in expected]
    assert list(shown["Status"]) == [targets_view.status_text(r["status"]) for r in expected]
    core20 = shown[shown["Target"] == "Core20 share of participants"].set_index("Scope")
    assert list(core20.index) == ["Mid and South Essex", "Thurrock", "South East Essex",
                                  "Basildon and Brentwood", "Mid Essex"]
    assert set(core20["Status"]) <= {"✓ Met", "✗ Not met", "? Not yet clear"}
    places = table(at, "overview_core20_table").set_index("Area")
    for place, row in core20.iterrows():
        assert row["Now"] == f"{places.loc[place, 'Share of participants']:.1f}%"
        residents = places.loc[place, "Residents' share"]
        assert row["Aim"] == f"at least {residents:.1f}% (residents' share)"
    thurrock = next(r for r in expected if r["scope"] == "Thurrock" and r["measure"] == "core20_share")
    if thurrock["more_to_reach"]:
        assert f"{thurrock['more_to_reach']:,} more Core20 participants in Thurrock" in markdown(at)


def test_reach_gaps_matches_wpc_report(app_at, demo_db):
    at = open_page(app_at, demo_db, REACH, preset="sel", place="Lambeth", reach_dimension="ethnicity_group")
    expected = [r for r in report(demo_db, preset="sel", place="Lambeth")["reach"]
                if r["dimension"] == "ethnicity_group"]
    shown = table(at, "reach_table")
    assert list(shown["Category"]) == [r["label"] for r in expected]
    for (_i, row), want in zip(shown.iterrows(), expected, strict=True):
        assert row["Participants"] == want["engaged"]
        assert row["Share of participants"] == pytest.approx(100 * want["engaged_share"])
        if want["population_share"] is not None:
            assert row["Residents' share"] == pytest.approx(100 * want["population_share"])
            assert (row["95% CI from"], row["95% CI to"]) == pytest.approx((100 * want["ci_low"], 100 * want["ci_high"]))
    unknown = expected[-1]
    assert metrics(at)["Unknown or not given"] == f"{unknown['engaged']:,}"
    # the focus category is the largest shortfall; its quarters add up to its count in the report,
    # within the small changes made to each of them (docs/disclosure.md: figures need not add up)
    focus = min((r for r in expected[:-1] if r["gap_pp"] is not None), key=lambda r: r["gap_pp"])
    assert at.selectbox(key="reach_category").value == focus["category"]
    quarters = table(at, "reach_trend_table")["Participants"]
    assert "*" not in set(quarters)
    assert abs(sum(int(n) for n in quarters) - focus["engaged"]) <= 5 * (len(quarters) + 1)


def test_place_coverage_matches_wpc_report(app_at, demo_db):
    at = open_page(app_at, demo_db, COVERAGE, preset="sel", place="Lewisham", to="2025-09-30")
    expected = report(demo_db, preset="sel", place="Lewisham", date_to=Scope.parse("sel", date_to="2025-09-30").date_to)
    coverage = expected["coverage"]
    shown = metrics(at)
    assert shown["Core20 neighbourhoods reached"] == f"{coverage['core20_lsoas_reached']} of {coverage['core20_lsoas']}"
    assert shown["Share reached"] == pct(coverage["share"])
    assert shown["Cold spots"] == str(len(expected["cold_spots"]))
    assert shown["Participants per 1,000 residents"] == f"{coverage['rate_per_1000']:.1f}"
    spots = table(at, "coverage_cold_spots")
    assert list(spots["LSOA"]) == [s["lsoa_code"] for s in expected["cold_spots"]]
    assert list(spots["Residents"]) == [s["population"] for s in expected["cold_spots"]]
    assert list(spots["IMD rank"]) == sorted(spots["IMD rank"])  # most deprived first
    msoas = table(at, "coverage_msoa_table")
    assert list(msoas["Code"]) == [r["area_code"] for r in expected["rates"]["msoa"]]
    assert [str(n) for n in msoas["Participants"]] == [str(r["participants"]) for r in expected["rates"]["msoa"]]
    fatigue = expected["fatigue"]
    assert shown["Neighbourhoods over-asked"] == (f"{fatigue['neighbourhoods_over_asked']} of "
                                                  f"{fatigue['neighbourhoods_reached']}")
    assert shown["People at 4+ activities"] == str(fatigue["repeat_participants"])
    assert shown["Target groups with overlapping activities"] == str(len(fatigue["overlaps"]))
    # every neighbourhood reached, over-asked first, as the report lists them
    listed = table(at, "coverage_fatigue_table")
    assert list(listed["Code"]) == [n["msoa_code"] for n in fatigue["neighbourhoods"]]
    assert list(listed["Over-asked"]) == ["Yes" if n["over_asked"] else "" for n in fatigue["neighbourhoods"]]
    assert 0 < fatigue["neighbourhoods_over_asked"] < fatigue["neighbourhoods_reached"]
    drawn = chart(at, "coverage_map_rate").data
    assert sorted(drawn[0].locations) == sorted(r["area_code"] for r in expected["rates"]["lsoa"])
    assert sorted(drawn[1].locations) == sorted(s["lsoa_code"] for s in expected["cold_spots"])
    # the deprivation gradient: the report's SII, deciles and fitted line, and what the slope means
    slope = expected["gradient"]
    assert shown["Slope index of inequality (SII)"] == f"{slope['sii']:+g} per 1,000"
    assert shown["SII 95% interval"] == f"{slope['sii_ci_low']:+g} to {slope['sii_ci_high']:+g}"
    assert shown["Relative index of inequality (RII)"] == f"{slope['rii']:+g}"
    assert ("Engagement is lower in more deprived neighbourhoods" if slope["sii_ci_high"] < 0 else
            "Engagement is higher" if slope["sii_ci_low"] > 0 else "There is no clear gradient") in markdown(at)
    deciles = next(d.value for d in at.dataframe if "IMD decile" in d.value.columns and "LSOA" not in d.value.columns)
    assert [str(n) for n in deciles["Participants"]] == [str(d["participants"]) for d in slope["deciles"]]
    line = chart(at, "coverage_gradient_chart").data[1]
    assert values(line.y) == pytest.approx([slope["fitted_most_deprived"], slope["fitted_least_deprived"]])


def test_whole_ics_map_has_every_lsoa_of_the_ics(app_at, demo_db):
    at = open_page(app_at, demo_db, COVERAGE, preset="hw")
    drawn = chart(at, "coverage_map_rate").data[0]
    assert len(drawn.locations) == len(report(demo_db, preset="hw")["rates"]["lsoa"]) == 491


# ---------- shared links reopen the same view


def test_a_reach_gaps_link_reopens_the_view_chosen_on_screen(app_at, demo_db):
    at = open_page(app_at, demo_db, REACH, preset="sel")
    at.selectbox(key="place").set_value("Lewisham").run()
    at.selectbox(key="method").set_value("survey").run()
    at.date_input(key="from").set_value(dt.date(2025, 1, 1)).run()
    at.selectbox(key="reach_dimension").set_value("age_band").run()
    at.selectbox(key="reach_category").set_value("85+").run()
    assert not at.exception
    link = dict(at.query_params)
    assert link == {"preset": "sel", "place": "Lewisham", "method": "survey", "from": "2025-01-01",
                    "reach_dimension": "age_band", "reach_category": "85+"}
    numbers, trend = table(at, "reach_table"), table(at, "reach_trend_table")
    expected = [r for r in report(demo_db, preset="sel", place="Lewisham", method="survey",
                                  date_from=dt.date(2025, 1, 1))["reach"] if r["dimension"] == "age_band"]
    # counts are sent as text ("1,234", "*") when some are hidden, else as numbers
    assert [str(n).replace(",", "") for n in numbers["Participants"]] == [str(r["engaged"]) for r in expected]

    again = open_page(app_at, demo_db, REACH, **link)
    assert again.title[0].value == "Reach gaps: Lewisham"
    assert again.selectbox(key="reach_dimension").value == "age_band"
    assert again.selectbox(key="reach_category").value == "85+"
    assert table(again, "reach_table").equals(numbers) and table(again, "reach_trend_table").equals(trend)
    assert dict(again.query_params) == link


def test_overview_and_coverage_links_reopen_the_same_view(app_at, demo_db):
    at = open_page(app_at, demo_db, OVERVIEW, preset="mse")
    at.selectbox(key="place").set_value("Thurrock").run()
    link, shown = dict(at.query_params), metrics(at)
    again = open_page(app_at, demo_db, OVERVIEW, **link)
    assert again.title[0].value == "Overview: Thurrock" and metrics(again) == shown

    at = open_page(app_at, demo_db, COVERAGE, preset="mse", place="Thurrock")
    at.selectbox(key="coverage_colour").set_value("imd_decile").run()
    link, spots = dict(at.query_params), table(at, "coverage_cold_spots")
    again = open_page(app_at, demo_db, COVERAGE, **link)
    assert again.selectbox(key="coverage_colour").value == "imd_decile"
    assert len(chart(again, "coverage_map_imd").data[0].locations) == 100  # Thurrock's LSOAs
    assert table(again, "coverage_cold_spots").equals(spots)


def test_the_compare_period_lives_in_the_url_and_reaches_the_change_on_reach_gaps(app_at, toy):
    from wpc.views import change

    latest = {"from": "2025-07-01", "to": "2025-09-30"}
    at = open_page(app_at, toy, REACH, **latest)
    # no compare period in the URL: the same length just before (Apr-Jun 2025), and none in the URL
    assert at.session_state["_baseline_scope"] == Scope(preset="toy", date_from=dt.date(2025, 4, 1),
                                                        date_to=dt.date(2025, 6, 30))
    assert "compare_from" not in at.query_params
    expected = measure(toy, change.change, scope=at.session_state["_measure_scope"],
                       baseline=at.session_state["_baseline_scope"], dimension="imd_quintile")
    assert "Core20 share of participants in Toyshire" in expected.sentence  # here hidden: 0 of 5 in Jul-Sep
    assert expected.sentence in markdown(at)
    # a baseline chosen in the sidebar goes into the URL and the page compares with it
    at.sidebar.date_input(key="compare_from").set_value(dt.date(2025, 1, 1))
    at.sidebar.date_input(key="compare_to").set_value(dt.date(2025, 5, 31)).run()
    assert not at.exception
    assert (at.query_params["compare_from"], at.query_params["compare_to"]) == ("2025-01-01", "2025-05-31")
    assert at.session_state["_baseline_scope"].date_from == dt.date(2025, 1, 1)
    assert "Baseline 1 Jan 2025 to 31 May 2025; latest 1 Jul 2025 to 30 Sep 2025." in "\n".join(
        unescape(c.value) for c in at.caption)
    # a shared link with the compare period opens the same comparison
    shared = open_page(app_at, toy, REACH, **latest, compare_from="2025-01-01", compare_to="2025-05-31")
    assert shared.session_state["_baseline_scope"] == at.session_state["_baseline_scope"]
