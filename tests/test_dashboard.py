"""What the dashboard's pages show (wpc.views: core20, reach, coverage, overview), its sentences and charts
(wpc.views.charts), on the hand-made Toyshire engagement of tests/dashboard_data.py."""

from __future__ import annotations

import math

import numpy as np

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.dashboard_data import N1, N2, N3, N4, N5, N6, fill
from tests.engagement_rows import build_toy_db, measure, write
from tests.perturbation import share_within
from wpc.measures import Scope, co_design_share, reach, reach_trend
from wpc.views import charts as figures
from wpc.views import core20 as core20_view
from wpc.views import overview
from wpc.views import coverage as coverage_view
from wpc.views import quality as quality_view
from wpc.views import reach as reach_view

TOYSHIRE = Scope(preset="toy")
NORTHTOWN = Scope(preset="toy", place="Northtown")
# hand values are checked as the analyst sees them; protected ones against the rules (docs/disclosure.md)
OFF = "off"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("dashboard"))
    write(path, fill)
    return path


def wilson(x: int, n: int) -> tuple[float, float]:
    return proportion_confint(x, n, alpha=0.05, method="wilson")


# ---------- wpc.dashboard on the database


def test_core20_by_place_gives_the_ics_then_each_place(toy):
    rows = measure(toy, core20_view.by_place, scope=NORTHTOWN, disclosure=OFF).set_index("area")
    assert list(rows.index) == ["Toyshire", "Northtown", "Southtown"]
    # Toyshire: 12 Core20 participants of 60 with a known home; 3,700 of 12,250 residents in Core20
    assert rows.loc["Toyshire", "engaged"] == 12
    assert rows.loc["Toyshire", "engaged_share"] == pytest.approx(12 / 60)
    assert rows.loc["Toyshire", "population_share"] == pytest.approx(3700 / 12250)
    assert (rows.loc["Toyshire", "ci_low"], rows.loc["Toyshire", "ci_high"]) == pytest.approx(wilson(12, 60), abs=1e-6)
    assert rows.loc["Toyshire", "flag"] == "ok"  # 11.8% to 31.8% includes 30.2%
    # Northtown: 12 of 45; 3,700 of 7,000 residents
    assert rows.loc["Northtown", "engaged_share"] == pytest.approx(12 / 45)
    assert rows.loc["Northtown", "gap_pp"] == pytest.approx(100 * (12 / 45 - 3700 / 7000))
    assert rows.loc["Northtown", "flag"] == "under"
    # Southtown has no Core20 residents and nobody from Core20 took part
    assert rows.loc["Southtown", "engaged"] == 0
    assert rows.loc["Southtown", "population_share"] == 0
    assert rows.loc["Southtown", "ratio"] is None or math.isnan(rows.loc["Southtown", "ratio"])


def test_overview_headlines_for_the_ics(toy):
    view = measure(toy, overview.headlines, scope=TOYSHIRE, disclosure=OFF)
    # 60 living in Toyshire + 10 at A2 with no home area
    assert view["participants"] == {"total": 70, "known_area": 60, "out_of_area": 0, "unknown_home": 10,
                                    "unknown_home_rows": 10, "unknown_home_returns": 0,
                                    "unknown_home_headcount": 0}
    assert view["activities"] == 3
    # rungs 6, 3 and 7: two of three at co-design or co-production
    assert view["depth"] == {"activities": 3, "with_rung": 3, "co_production": 2, "share": pytest.approx(2 / 3)}
    # A1 closed on time, B1 closed late, A2 overdue: 1 on time of 3 closed or overdue
    assert view["feedback"]["closed_on_time"] == 1 and view["feedback"]["overdue"] == 1
    assert view["feedback"]["share_closed_on_time"] == pytest.approx(1 / 3)
    assert view["core20"]["engaged_share"] == pytest.approx(12 / 60)


def test_coverage_map_has_every_lsoa_with_hidden_counts_and_cold_spots(toy):
    exact = measure(toy, coverage_view.map_rows, scope=NORTHTOWN, disclosure=OFF).set_index("lsoa21cd")
    assert exact.loc[N1, "participants"] == 12 and exact.loc[N4, "rate_per_1000"] == pytest.approx(20 / 1.3)
    areas = measure(toy, coverage_view.map_rows, scope=NORTHTOWN).set_index("lsoa21cd")
    assert sorted(areas.index) == [N1, N2, N3, N4, N5, N6]
    for lsoa in (N1, N4):  # shown, changed by at most 5, rates from the protected counts
        shown = areas.loc[lsoa, "participants"]
        assert abs(shown - exact.loc[lsoa, "participants"]) <= 5
        assert areas.loc[lsoa, "rate_per_1000"] == pytest.approx(shown / exact.loc[lsoa, "population"] * 1000, abs=0.05)
    # 5 in N6 is hidden, and so is the next smallest (8 in N5); their rates are withheld, not 0
    assert areas.loc[N6, "participants"] == "*" and areas.loc[N5, "participants"] == "*"
    assert math.isnan(areas.loc[N5, "rate_per_1000"]) and math.isnan(areas.loc[N6, "rate_per_1000"])
    assert areas.loc[N2, "participants"] == 0 and areas.loc[N2, "rate_per_1000"] == 0
    assert list(areas.index[areas["cold_spot"]]) == [N2, N3]
    assert all(areas["geometry_json"].str.startswith("{"))


def test_coverage_map_for_the_whole_ics_has_all_its_lsoas(toy):
    areas = measure(toy, coverage_view.map_rows, scope=TOYSHIRE)
    assert len(areas) == 10 and set(areas["place"]) == {"Northtown", "Southtown"}


def test_ladder_depth_counts_rungs_six_and_seven_of_those_recorded():
    rungs = pd.DataFrame({"rung": pd.array([1, 2, 3, 4, 5, 6, 7, None], dtype="Int64"),
                          "activities": [0, 1, 4, 2, 0, 3, 1, 5]})
    assert co_design_share(rungs) == {"activities": 16, "with_rung": 11, "co_production": 4,
                                             "share": pytest.approx(4 / 11)}
    empty = rungs.assign(activities=0)
    assert co_design_share(empty)["share"] is None


def test_focus_category_is_core20_or_the_largest_shortfall():
    imd = pd.DataFrame({"dimension": "imd_quintile", "category": ["1", "2", "unknown"], "gap_pp": [3.0, -9.0, None]})
    assert reach_view.focus_category(imd) == "1"
    age = pd.DataFrame({"dimension": "age_band", "category": ["15-24", "65-74", "85+", "unknown"],
                        "gap_pp": [-4.0, 7.0, None, None]})
    assert reach_view.focus_category(age) == "15-24"
    groups = pd.DataFrame({"dimension": "inclusion_group", "category": ["homeless", "carers", "unknown"],
                           "gap_pp": [None, None, None]})
    assert reach_view.focus_category(groups) == "homeless"


def sex_men_hidden():
    """Northtown's sex table as reach_table draws it when its family hides men (20) beside the 5
    unknown and shows the rest as they are (the protection is tested in test_measures_*)."""
    from wpc.measures.disclosure import Policy, Protected
    from wpc.measures.reach import categories_for, reach_table

    def cells(codes, values, known, everyone):
        hidden = [c in ("male", "unknown") for c in codes]
        return (Protected(values=values.copy(), suppressed=np.array(hidden)),
                Protected(values=np.array([known, everyone]), suppressed=np.zeros(2, dtype=bool)))
    return reach_table("sex", categories_for("sex"), {"female": 30, "male": 20, "unknown": 5},
                       {"female": 3500, "male": 3500}, Policy("suppress", 7), cells=cells)


def test_reach_display_keeps_withheld_shares_empty_not_zero(toy):
    rows = sex_men_hidden()
    table = reach_view.reach_display(rows).set_index("Category")
    # women 30 of 50 with a known sex; men (20) hidden beside the 5 unknown; 30 shown within 5
    assert abs(table.loc["Female", "Participants"] - 30) <= 5
    assert table.loc["Female", "Share of participants"] == pytest.approx(0.6, abs=0.1)
    assert table.loc["Female", "Residents' share"] == pytest.approx(0.5)
    share = table.loc["Female", "Share of participants"]
    assert table.loc["Female", "Gap (points)"] == pytest.approx(100 * (share - 0.5), abs=0.06)
    assert table.loc["Male", "Participants"] == "*" and math.isnan(table.loc["Male", "Share of participants"])
    assert reach_view.unknown_row(rows) == {"engaged": "*", "share": None}


# ---------- figures


def test_share_intervals_draws_no_marker_for_a_withheld_share(toy):
    rows = sex_men_hidden()
    fig = figures.share_intervals(rows)
    drawn = [t for t in fig.data if t.error_x is not None and t.error_x.array is not None]
    assert [list(t.y) for t in drawn] == [["Female"]]
    female = rows[rows["category"] == "female"].iloc[0]
    assert list(drawn[0].x) == pytest.approx([100 * female["engaged_share"]])
    assert female["engaged_share"] == pytest.approx(0.6, abs=0.1)
    assert drawn[0].error_x.array[0] == pytest.approx(100 * (female["ci_high"] - female["engaged_share"]))
    assert drawn[0].error_x.arrayminus[0] == pytest.approx(100 * (female["engaged_share"] - female["ci_low"]))
    # the withheld category is on the axis, marked *, and unknowns are not a category
    assert list(fig.layout.yaxis.categoryarray) == ["Female", "Male *"]
    residents = next(t for t in fig.data if t.name == "Residents' share")
    assert list(residents.x) == pytest.approx([50.0, 50.0])


def test_trend_chart_leaves_a_gap_for_a_withheld_quarter(toy):
    trend = measure(toy, reach_trend, scope=NORTHTOWN, dimension="sex", category="female")
    fig = figures.reach_trend_chart(reach_view.trend_rows(trend, "sex"), "Female")
    share = fig.data[0]
    assert list(share.x) == ["Apr–Jun 2025", "Jul–Sep 2025"]
    assert share_within(share.y[0], 20, 40, percent=True) and share.y[1] is None  # women 20 of 40
    assert share.connectgaps is False
    (gap,) = fig.layout.annotations  # the withheld quarter says why it is a gap
    assert gap.x == "Jul–Sep 2025" and "hidden (*)" in gap.text


def test_rate_breaks_are_rounded_quartiles_of_the_positive_rates():
    assert figures.rate_breaks([0, 12.0, 20 / 1.3, float("nan")]) == [13.0, 14.0, 15.0]
    assert figures.rate_breaks([1.23, 2.5, 3.7, 8.9, 0]) == [2.2, 3.1, 5.0]
    assert figures.rate_breaks([0, 4.0, 4.0]) == []


def test_rate_map_classes_withheld_and_zero_apart_and_outlines_cold_spots(toy):
    areas = measure(toy, coverage_view.map_rows, scope=NORTHTOWN)
    fig = figures.lsoa_rate_map(areas, threshold=7)
    fill_trace, outline = fig.data[:2]
    classes = dict(zip(fill_trace.locations, fill_trace.z, strict=True))
    # nobody in N2 and N3; N5 and N6 withheld; N1 and N4 in the classes of their (protected) rates
    assert {k: classes[k] for k in (N2, N3, N5, N6)} == {N2: 0, N3: 0, N5: 1, N6: 1}
    assert classes[N1] >= 2 and classes[N4] >= 2
    legend = [t.name for t in fig.data if t.type == "scattergeo" and t.showlegend is not False]
    assert legend[:2] == ["No participants", "Withheld (1 to 7)"]
    assert legend[-1] == "Cold spot (thick black outline)"
    assert list(outline.locations) == [N2, N3]
    assert "1 to 7 participants: rate withheld" in fill_trace.text[list(fill_trace.locations).index(N6)]


def test_maps_name_their_places_and_hover_with_decile_cold_spot_and_the_rate_interval(toy):
    areas = measure(toy, coverage_view.map_rows, scope=TOYSHIRE)
    fig = figures.lsoa_rate_map(areas, threshold=7)
    names = next(t for t in fig.data if t.type == "scattergeo" and t.mode == "text")
    assert sorted(names.text) == ["Northtown", "Southtown"]
    # each name at the label point of one of its own LSOAs
    for name, lon, lat in zip(names.text, names.lon, names.lat, strict=True):
        own = areas[areas["place"] == name]
        assert ((own["label_lon"] == lon) & (own["label_lat"] == lat)).any()
    # one place of one district: its own name
    northtown = figures.lsoa_rate_map(measure(toy, coverage_view.map_rows, scope=NORTHTOWN), threshold=7)
    written = next(t for t in northtown.data if t.type == "scattergeo" and t.mode == "text")
    assert list(written.text) == ["Northtown"]

    hover = dict(zip(fig.data[0].locations, fig.data[0].text, strict=True))
    row = areas.set_index("lsoa21cd").loc[N1]
    assert f"IMD decile {int(row['imd_decile'])}" in hover[N1] and "Core20: yes" in hover[N1]
    assert (f"{row['participants']} participants: {row['rate_per_1000']:.1f} per 1,000 residents "
            f"(95% CI {row['ci_low']:.1f} to {row['ci_high']:.1f})") in hover[N1]
    assert "Not a cold spot" in hover[N1]
    assert "<b>Cold spot</b>: Core20, nobody reached" in hover[N2] and "No participants" in hover[N2]
    assert "rate withheld" in hover[N6] and "CI" not in hover[N6]  # a withheld count shows no interval
    cold = fig.data[1]  # the outline drawn over cold spots says the same on hover
    assert list(cold.locations) == [N2, N3] and cold.text[0] == hover[N2]

    # the legend is a row below the map, clear of the toolbar above it; no colour bar beside it
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.y < 0 and legend.yanchor == "top"
    assert all(t.showscale is False for t in fig.data if t.type == "choropleth")
    decile = figures.imd_decile_map(areas)
    assert [t.name for t in decile.data if t.type == "scattergeo" and t.mode == "markers"][:2] == [
        "1 most deprived", "2"]


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB hex colour."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # the usual AA grey


def test_text_colours_meet_wcag_aa_and_marks_three_to_one():
    for colour in (figures.TEXT_COLOUR, figures.MUTED_COLOUR):
        assert contrast_with_white(colour) >= 4.5, colour
    for colour in figures.CHART_COLOURS:
        assert contrast_with_white(colour) >= 3.0, colour


def colours_in(fig) -> set[str]:
    """Every colour a figure draws information with: markers, lines, error bars, colour scales."""
    found = set()
    for trace in fig.data:
        for path in ("marker.color", "line.color", "error_x.color", "error_y.color", "marker.line.color"):
            value = trace
            for part in path.split("."):
                value = getattr(value, part, None)
            if isinstance(value, str) and value.startswith("#"):
                found.add(value.upper())
        if getattr(trace, "colorscale", None) and getattr(trace, "showscale", None) is not False:
            found |= {colour.upper() for _stop, colour in trace.colorscale}
    return found


def test_every_mark_and_axis_text_in_the_dashboard_charts_has_enough_contrast(toy):
    rows = measure(toy, reach, scope=NORTHTOWN, dimension="sex")
    trend = measure(toy, reach_trend, scope=NORTHTOWN, dimension="sex", category="female")
    places = measure(toy, core20_view.by_place, scope=TOYSHIRE)
    areas = measure(toy, coverage_view.map_rows, scope=NORTHTOWN)
    charts = [figures.share_intervals(rows),
              figures.reach_trend_chart(reach_view.trend_rows(trend), "Female"),
              figures.share_intervals(places, label_column="area"), figures.lsoa_rate_map(areas, 7)]
    for fig in charts:
        for colour in colours_in(fig) - {"WHITE"}:
            assert contrast_with_white(colour) >= 3.0, colour
        layout = fig.layout
        for axis in (layout.xaxis, layout.yaxis):
            assert axis.tickfont.color == figures.TEXT_COLOUR and axis.title.font.color == figures.TEXT_COLOUR
        assert layout.legend.font.color == figures.TEXT_COLOUR
    # the decile map's pale fills (viridis yellow) are edged in a dark line that stands out on white
    decile_map = figures.imd_decile_map(areas)
    assert contrast_with_white(decile_map.data[0].marker.line.color) >= 3.0
    assert decile_map.layout.legend.font.color == figures.TEXT_COLOUR


# ---------- narrative


def test_core20_sentence_follows_the_design_example(toy):
    core20 = measure(toy, core20_view.by_place, scope=NORTHTOWN, disclosure=OFF).set_index("area").loc["Northtown"]
    low, high = wilson(12, 45)
    assert core20_view.core20_reach("Northtown", core20.to_dict()) == (
        "In Northtown, 26.7% of participants whose home is known live in the most deprived fifth of England, "
        "against 52.9% of residents: 26.2 points short. "
        f"The 95% interval ({100 * low:.1f}% to {100 * high:.1f}%) is wholly below the residents' share, so the gap "
        "is unlikely to be chance."
    )


def test_core20_sentence_when_withheld_or_nobody():
    assert "hidden (*)" in core20_view.core20_reach("Northtown", {"engaged": "*", "engaged_share": None})
    assert "cannot be measured" in core20_view.core20_reach("Northtown", {"engaged": 0, "engaged_share": None})


def test_headline_sentences_on_the_ics(toy):
    view = measure(toy, overview.headlines, scope=TOYSHIRE, disclosure=OFF)
    assert overview.participants_summary("Toyshire", view["participants"]) == (
        "70 participants (one per person per activity): 60 live in Toyshire and 0 outside the ICS; the other "
        "10 participants with no known home area are split by kind in the table below.")
    assert overview.involvement_depth("Toyshire", view["depth"]) == (
        "2 of Toyshire's 3 activities with a rung recorded (66.7%) were co-design or co-production, the top two "
        "rungs of the ladder of participation.")
    assert overview.feedback_loop("Toyshire", view["feedback"]) == (
        "Of the 3 activities in Toyshire whose feedback (you said, we did) has been given or is overdue, 1 (33.3%) "
        "told people what changed on time; 1 did so late and 1 is overdue.")


def test_quality_warnings_name_fields_over_ten_percent_unknown(toy):
    warnings = quality_view.quality_warnings(measure(toy, overview.headlines, scope=TOYSHIRE, disclosure=OFF)["quality"])
    # 10 of 70 rows without a home area (14.3%); age, ethnicity, disability and carer never given;
    # sex unknown for 5 only (hidden, so never flagged); inclusion groups are not flagged
    assert warnings[0] == ("10 participant rows with no usable home area (14.3% of rows); they cannot count "
                           "towards Core20 reach, coverage or rates.")
    assert [w.split(":")[0] for w in warnings[1:]] == ["Age", "Ethnic group", "Disability", "Unpaid carer"]


def test_reach_sentences(toy):
    rows = sex_men_hidden()
    assert reach_view.reach_gaps("Northtown", rows) == (
        "In Northtown, no category of sex is reached clearly less than its share of residents. "
        "1 category is hidden (*) to protect privacy.")
    assert reach_view.reach_unknown(rows) == (
        "A few participants (*) did not give their sex; they are left out of the shares.")
    imd = measure(toy, reach, scope=NORTHTOWN, dimension="imd_quintile", disclosure=OFF)
    # 10 of A2's participants gave no home area; the 5 in N6 and 8 in N5 are hidden
    assert reach_view.reach_unknown(imd) == (
        "10 participants whose deprivation is unknown (18.2% of all): no known home area and no IMD quintile "
        "from a return; they are left out of the shares.")
    assert reach_view.reach_gaps("Northtown", imd).startswith(
        "In Northtown, the largest shortfall is Most deprived 20% (Core20): 26.7% of participants against 52.9% "
        "of residents (26.2 points short, beyond chance).")


def test_coverage_and_cold_spot_sentences(toy):
    from wpc.measures import cold_spots, coverage

    spots = measure(toy, cold_spots, scope=NORTHTOWN, disclosure=OFF)
    assert coverage_view.coverage_summary("Northtown", measure(toy, coverage, scope=NORTHTOWN, disclosure=OFF), spots) == (
        "Engagement reached 1 of Northtown's 3 Core20 neighbourhoods (33.3%) in this period; the 2 cold spots not "
        "reached are home to 2,700 residents. Overall, 6.4 participants per 1,000 residents live in Northtown.")
    assert coverage_view.cold_spots_first(spots) == (
        "The most deprived not reached is Northtown 002A (E01900002, in Northtown 001), national IMD rank 2 "
        "(1 = most deprived in England), home to 1,200 residents.")
