"""Change over time (docs/methods.md section 18): a share in a baseline period against the latest
period (Newcombe's interval and a label), and the chi-squared test for trend across quarters.

The engagement is uploaded through the real ingest (CSV files, wpc.ingest) into a Toyshire
database built by the production build; the expected values are worked by hand below.
Northtown's Core20 LSOAs (national deciles 1-2) are E01900001-003; E01900005 is decile 8.
"""

import datetime as dt
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.engagement_rows import build_toy_db, measure
from tests.fixtures.ingest_files import ingest, write
from wpc.cli import app
from wpc.measures import Scope, ScopeError, stats
from wpc.measures.change import (
    FELL, IMPROVED, NO_CLEAR_CHANGE, ROSE, WORSENED, baseline_scope, better_direction, change, change_label,
    default_baseline, quarter_trend, share_change,
)
from wpc.measures.disclosure import Policy
from wpc.views import change as change_view
from wpc.views import reach as reach_view

Z = 1.959964
CORE20, NOT_CORE20 = "E01900001", "E01900005"

ACTIVITIES = (
    "activity_id,title,start_date,place,method\n"
    "B1,Baseline listening event,2024-06-01,Northtown,listening event\n"
    "L1,Latest listening event,2025-06-01,Northtown,listening event\n"
    "T1,Spring survey,2023-05-10,Northtown,survey\n"   # too few Core20 people to show
    "Q1,Quarter one,2022-02-01,Northtown,survey\n"     # four quarters of 2022 for the test for trend
    "Q2,Quarter two,2022-05-01,Northtown,survey\n"
    "Q3,Quarter three,2022-08-01,Northtown,survey\n"
    "Q4,Quarter four,2022-11-01,Northtown,survey\n"
)
# (activity, LSOA, sex, people)
PEOPLE = [
    ("B1", CORE20, "female", 10), ("B1", NOT_CORE20, "male", 30),    # baseline: Core20 10 of 40
    ("L1", CORE20, "female", 27), ("L1", NOT_CORE20, "male", 23),    # latest: Core20 27 of 50
    ("T1", CORE20, "female", 3), ("T1", NOT_CORE20, "male", 30),     # 3 Core20: hidden (threshold 7)
    ("Q1", CORE20, "female", 8), ("Q1", NOT_CORE20, "male", 32),     # 8/40, 12/40, 15/40, 20/40
    ("Q2", CORE20, "female", 12), ("Q2", NOT_CORE20, "male", 28),
    ("Q3", CORE20, "female", 15), ("Q3", NOT_CORE20, "male", 25),
    ("Q4", CORE20, "female", 20), ("Q4", NOT_CORE20, "male", 20),
]
LATEST = Scope.parse("toy", "Northtown", date_from="2025-04-01", date_to="2026-03-31", today="2026-06-30")
BASELINE = Scope.parse("toy", "Northtown", date_from="2024-04-01", date_to="2025-03-31", today="2026-06-30")
HIDDEN_YEAR = Scope.parse("toy", "Northtown", date_from="2023-04-01", date_to="2024-03-31",
                          today="2026-06-30")
OFF = Policy(mode="off", threshold=7)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("change")
    path = build_toy_db(folder)
    outcome = ingest(path, write(folder / "activities.csv", ACTIVITIES))
    assert (outcome.stored, outcome.quarantined) == (7, 0)
    rows = "".join(f"{activity},{lsoa},{sex}\n" for activity, lsoa, sex, n in PEOPLE for _ in range(n))
    outcome = ingest(path, write(folder / "participants.csv", "activity_id,lsoa_code,sex\n" + rows))
    assert (outcome.stored, outcome.quarantined) == (sum(n for *_, n in PEOPLE), 0)
    return path


def wilson(x, n):
    """Wilson's score interval written out (Newcombe 1998, method 3)."""
    centre, half = 2 * x + Z * Z, Z * math.sqrt(Z * Z + 4 * x * (1 - x / n))
    return (centre - half) / (2 * (n + Z * Z)), (centre + half) / (2 * (n + Z * Z))


def newcombe_by_hand(x1, n1, x2, n2):
    """p1 - p2 with Newcombe's hybrid score limits (1998, method 10), from the Wilson limits."""
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    return (p1 - p2, p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


# ---------- the change between two periods, on uploaded data


def test_core20_share_change_worked_by_hand(toy):
    items = measure(toy, change, scope=LATEST, baseline=BASELINE, disclosure="off",
                    dimensions=("imd_quintile",))
    core20 = items[0]
    assert (core20["measure"], core20["dimension"], core20["category"]) == (
        "core20_share", "imd_quintile", "1")
    # 27 of 50 with a known home in the latest year against 10 of 40 in the baseline year
    difference, low, high = newcombe_by_hand(27, 50, 10, 40)
    assert core20["baseline"] == {"value": 0.25, "x": 10, "n": 40, "from": dt.date(2024, 4, 1),
                                  "to": dt.date(2025, 3, 31)}
    assert core20["latest"] == {"value": 0.54, "x": 27, "n": 50, "from": dt.date(2025, 4, 1),
                                "to": dt.date(2026, 3, 31)}
    assert core20["difference"] == pytest.approx(0.29) == pytest.approx(difference)
    assert (core20["ci_low"], core20["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    assert round(low, 4) == 0.0861 and round(high, 4) == 0.4593  # wholly above 0 (statsmodels agrees)
    assert core20["label"] == IMPROVED and core20["hidden"] is False


def test_every_share_of_a_dimension_moves_towards_or_away_from_its_residents(toy):
    items = {i["category"]: i for i in measure(toy, change, scope=LATEST, baseline=BASELINE, disclosure="off",
                                               dimensions=("imd_quintile", "sex"))
             if i["dimension"] == "sex"}
    # women: 10/40 -> 27/50, men: 30/40 -> 23/50; the toy census is half women, half men
    female, male = items["female"], items["male"]
    assert female["difference"] == pytest.approx(0.54 - 0.25)
    assert male["difference"] == pytest.approx(0.46 - 0.75)
    assert (male["ci_low"], male["ci_high"]) == pytest.approx(newcombe_by_hand(23, 50, 30, 40)[1:], abs=1e-12)
    # women were below their residents' share and rose (better), men above and fell (also better)
    assert (female["better"], male["better"]) == (1, -1)
    assert female["label"] == male["label"] == IMPROVED


def test_a_difference_built_from_a_hidden_count_is_hidden(toy):
    items = measure(toy, change, scope=LATEST, baseline=HIDDEN_YEAR, disclosure="suppress",
                    dimensions=("imd_quintile",))
    core20 = items[0]
    assert core20["baseline"]["x"] == "*" and core20["baseline"]["value"] is None
    assert (core20["difference"], core20["ci_low"], core20["ci_high"], core20["label"]) == (None,) * 4
    assert core20["hidden"] is True
    assert "hidden (*) to protect privacy" in change_view.change_sentence(core20, "Northtown")
    # with disclosure control on, the number a share is of is never shown
    assert all(i["baseline"]["n"] is None and i["latest"]["n"] is None for i in items)


def test_with_disclosure_control_the_difference_is_that_of_the_shares_shown(toy):
    core20 = measure(toy, change, scope=LATEST, baseline=BASELINE, dimensions=("imd_quintile",))[0]
    shown = core20["latest"]["value"] - core20["baseline"]["value"]
    assert core20["difference"] == pytest.approx(round(shown, 3))
    assert core20["ci_low"] < core20["difference"] < core20["ci_high"]


def test_the_sentence_says_the_change_its_interval_and_label(toy):
    view = measure(toy, change_view.change, scope=LATEST, baseline=BASELINE, dimension="sex",
                   disclosure="off")
    assert view.sentence == ("Core20 share of participants in Northtown rose from 25.0% to 54.0%, a rise of "
                             "29.0 points (95% CI 8.6 to 45.9): improved.")
    assert view.periods == "Baseline 1 Apr 2024 to 31 Mar 2025; latest 1 Apr 2025 to 31 Mar 2026."
    table = view.table.frame.set_index("Category")
    assert list(table.index) == ["Female", "Male"]
    assert table.loc["Male", "Change (points)"] == pytest.approx(-29.0)
    assert table.loc["Male", "Change"] == IMPROVED


# ---------- labels, directions and periods (pure)


@pytest.mark.parametrize(("low", "high", "better", "label"), [
    (0.01, 0.05, 1, IMPROVED), (-0.05, -0.01, 1, WORSENED), (-0.05, -0.01, -1, IMPROVED),
    (0.01, 0.05, -1, WORSENED), (-0.01, 0.03, 1, NO_CLEAR_CHANGE), (0.0, 0.03, 1, NO_CLEAR_CHANGE),
    (-0.03, 0.0, -1, NO_CLEAR_CHANGE), (0.01, 0.05, None, ROSE), (-0.05, -0.01, None, FELL),
    (None, 0.05, 1, None),
])
def test_change_labels(low, high, better, label):
    assert change_label(low, high, better) == label


def test_which_way_is_better():
    assert better_direction("imd_quintile", "1", "ok") == 1  # Core20: more is better, always
    assert better_direction("inclusion_group", "homeless", None) == 1
    assert better_direction("ethnicity_group", "asian", "under") == 1
    assert better_direction("ethnicity_group", "white", "over") == -1
    assert better_direction("sex", "female", "ok") is None
    assert better_direction("imd_quintile", "5", None) is None


def test_share_change_refuses_to_compute_from_a_hidden_denominator():
    row = {"dimension": "imd_quintile", "category": "1", "label": "Core20", "engaged": 12,
           "engaged_share": 0.3, "flag": "under"}
    found = share_change("core20_share", row, "*", row, 40, BASELINE, LATEST,
                         Policy(mode="suppress", threshold=7))
    assert found["difference"] is None and found["hidden"] is True


def test_the_default_baseline_is_the_same_length_just_before():
    day = dt.date
    assert default_baseline(day(2025, 4, 1), day(2026, 3, 31)) == (day(2024, 4, 1), day(2025, 3, 31))
    assert default_baseline(day(2026, 7, 1), day(2026, 9, 30)) == (day(2026, 4, 1), day(2026, 6, 30))
    assert default_baseline(dt.date(2026, 1, 10), dt.date(2026, 1, 19)) == (dt.date(2025, 12, 31),
                                                                            dt.date(2026, 1, 9))  # 10 days
    assert baseline_scope(LATEST) == BASELINE
    assert baseline_scope(Scope.parse("toy", date_from="2025-04-01")) is None  # no end: nothing to match
    chosen = baseline_scope(LATEST, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (chosen.date_from, chosen.date_to, chosen.place) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31),
                                                                "Northtown")
    with pytest.raises(ScopeError, match="both ends"):
        baseline_scope(LATEST, dt.date(2023, 1, 1), None)
    with pytest.raises(ScopeError, match="reversed"):
        baseline_scope(LATEST, dt.date(2023, 12, 31), dt.date(2023, 1, 1))


# ---------- the chi-squared test for trend


def test_trend_test_matches_rs_published_example():
    # R's ?prop.trend.test: smokers 83/86, 90/93, 129/136, 70/82 -> X-squared = 8.2249, p-value = 0.004132
    found = stats.trend_test([83, 90, 129, 70], [86, 93, 136, 82])
    assert round(found.chi2, 4) == 8.2249 and round(found.p_value, 6) == 0.004132
    assert found.direction == -1
    # ... and with scores 0, 0, 0, 1: X-squared = 12.173, p-value = 0.0004848
    scored = stats.trend_test([83, 90, 129, 70], [86, 93, 136, 82], [0, 0, 0, 1])
    assert round(scored.chi2, 3) == 12.173 and round(scored.p_value, 7) == 0.0004848


def test_trend_test_against_statsmodels_linear_by_linear_association():
    # statsmodels' linear-by-linear association statistic is (N - 1) r^2; the Cochran-Armitage
    # chi-squared is N r^2, so the two differ by N / (N - 1) exactly.
    from statsmodels.stats.contingency_tables import Table

    x, n = np.array([8, 12, 15, 20]), np.array([40, 40, 40, 40])
    table = Table(np.column_stack([x, n - x]))
    linear = table.test_ordinal_association(row_scores=np.arange(1, 5), col_scores=np.array([1, 0]))
    found = stats.trend_test(x, n)
    total = n.sum()
    assert found.chi2 == pytest.approx(linear.zscore ** 2 * total / (total - 1), rel=1e-10)
    assert found.direction == 1


def test_trend_test_cannot_be_made_without_variation():
    assert stats.trend_test([0, 0, 0], [10, 10, 10]) is None
    assert stats.trend_test([5], [10]) is None
    assert stats.trend_test([5, 6], [10, 10], [1, 1]) is None


def test_quarters_of_uploaded_data_are_tested_for_trend(toy):
    scope = Scope.parse("toy", "Northtown", date_from="2022-01-01", date_to="2022-12-31", today="2026-06-30")
    rows = reach_view.trend_rows(measure(toy, reach_view.measures.reach_trend, scope=scope,
                                         dimension="imd_quintile", category="1", disclosure="off"))
    assert list(rows["engaged"]) == [8, 12, 15, 20] and list(rows["known"]) == [40] * 4
    found = quarter_trend(rows)
    # by hand: p = 55/160; sum x s = 8 + 24 + 45 + 80 = 157; sum n s = 400; sum n s^2 = 1200
    p = 55 / 160
    by_hand = (157 - p * 400) ** 2 / (p * (1 - p) * (1200 - 400**2 / 160))
    assert found.chi2 == pytest.approx(by_hand) and found.direction == 1
    assert found.p_value < 0.01
    view = measure(toy, reach_view.trend, scope=scope, dimension="imd_quintile", category="1",
                   disclosure="off")
    assert f"Across the 4 quarters plotted the chi-squared test for trend finds a rising trend (p = " \
           f"{found.p_value:.3f})." in view.sentence
    # the chart draws the 95% interval as a band (a filled trace) as well as the line
    assert any(trace.fill == "tonexty" for trace in view.chart.data)


# ---------- wpc report --compare-from / --compare-to


def test_report_json_and_text_give_the_change(toy):
    runner = CliRunner()
    args = ["report", "--db", str(toy), "--place", "Northtown", "--from", "2025-04-01", "--to", "2026-03-31",
            "--today", "2026-06-30", "--no-suppress"]
    result = runner.invoke(app, [*args, "--compare-from", "2024-04-01", "--compare-to", "2025-03-31",
                                 "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["change"]
    core20 = items[0]
    assert core20["measure"] == "core20_share" and core20["label"] == IMPROVED
    assert core20["baseline"] == {"value": 0.25, "x": 10, "n": 40, "from": "2024-04-01", "to": "2025-03-31"}
    assert (core20["ci_low"], core20["ci_high"]) == pytest.approx(newcombe_by_hand(27, 50, 10, 40)[1:])
    assert {"measure", "baseline", "latest", "difference", "ci_low", "ci_high", "label"} <= core20.keys()
    # without --compare-*, the same length just before --from/--to is the baseline
    default = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["change"]
    assert default == items
    text = runner.invoke(app, args).stdout
    assert "Change over time (baseline 2024-04-01 to 2025-03-31; latest 2025-04-01 to 2026-03-31)" in text
    assert "Core20 share of participants in Northtown rose from 25.0% to 54.0%" in text
    no_period = json.loads(runner.invoke(app, ["report", "--db", str(toy), "--json", "--no-suppress"]).stdout)
    assert no_period["change"] is None


def test_report_refuses_half_a_baseline(toy):
    result = CliRunner().invoke(app, ["report", "--db", str(toy), "--from", "2025-04-01", "--to",
                                      "2026-03-31", "--compare-from", "2024-04-01"])
    assert result.exit_code == 2
    assert "give both ends of the baseline period" in result.stderr


def test_the_pack_slide_says_what_the_published_report_says(toy):
    from wpc.measures import build_report
    from wpc.views import workshop

    published = measure(toy, build_report, scope=LATEST, disclosure="publish", baseline=BASELINE)["change"]
    # the slide's baseline is the default: the same length just before
    slide = measure(toy, workshop.question, scope=LATEST, key="change", disclosure="publish")
    assert slide.title == "Change over time"
    assert slide.sentences[0] == change_view.change_sentence(published[0], "Northtown")
    assert slide.sentences[1].startswith(
        "Baseline 1 Apr 2024 to 31 Mar 2025; latest 1 Apr 2025 to 31 Mar 2026.")
    rows = slide.tables[0].frame.set_index("Category")
    assert rows.loc["Most deprived 20% (Core20)", "Change"] == published[0]["label"]
    assert rows.loc["Most deprived 20% (Core20)", "Change (points)"] == pytest.approx(
        100 * published[0]["difference"])
