"""Participants and reach (docs/methods.md sections 1 and 2) on Toyshire, with expected values worked by hand.

Toyshire (tests/fixtures/tiny_reference.py): Northtown LSOAs 001 (decile 1, 1,000 residents),
002 (d1, 1,200), 003 (d2, 1,500), 004 (d5, 1,300), 005 (d8, 1,100), 006 (d10, 900) = 7,000;
Southtown 007 (d3, 1,400), 008 (d4, 1,600), 009 (d6, 1,000), 010 (d9, 1,250) = 5,250;
Elsewhere (outside the ICS) 011 (d1), 012 (d7). Everyone is White British in the census;
sex and disability split half and half; 10% are carers.
"""

import datetime as dt

import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.engagement_rows import build_toy_db, measure, write
from tests.perturbation import reach as shown_reach
from wpc.measures import Scope, core20, participants, reach, reach_all, reach_trend
from wpc.measures.disclosure import round_to_5
from wpc.measures.plain import records

N1, N2, N4, S7, S8, ELSEWHERE = "E01900001", "E01900002", "E01900004", "E01900007", "E01900008", "E01900011"


def fill(e):
    e.activity("N1", "Northtown", "2025-05-01")
    e.people("N1", 20, lsoa21cd=N1, sex="female", ethnicity="white_british", age_band="25-34")
    e.people("N1", 10, lsoa21cd=N4, sex="male", ethnicity="asian_indian", age_band="65-74",
             inclusion_groups=["homeless", "carers"])
    e.people("N1", 5, lsoa21cd=S7, sex="female", ethnicity="black_african")   # live in Southtown
    e.people("N1", 4, lsoa21cd=ELSEWHERE, sex="female")                      # live outside the ICS
    e.people("N1", 6, ethnicity="white_other")                               # home unknown
    e.activity("S1", "Southtown", "2025-08-10")
    e.people("S1", 8, lsoa21cd=N2, sex="female", ethnicity="white_british")  # live in Northtown
    e.people("S1", 12, lsoa21cd=S8, sex="male", ethnicity="white_british", inclusion_groups=["homeless"])
    e.people("S1", 3, sex="male")                                            # home unknown


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("reach"), store_kind=store_kind)
    write(path, fill)
    return path


NORTHTOWN = Scope.parse("toy", "Northtown", today="2025-12-31")
TOYSHIRE = Scope.parse("toy", today="2025-12-31")
OFF = {"disclosure": "off"}


def rows_by_category(frame):
    """Rows as JSON-ready dicts (None for withheld or not computable) keyed by category."""
    return {row["category"]: row for row in records(frame)}


def test_participant_counts_for_a_place(toy):
    got = measure(toy, participants, scope=NORTHTOWN, **OFF)
    # living in Northtown: 20 + 10 (at N1) + 8 (at S1) = 38; at N1 with home unknown 6,
    # living outside the ICS 4; the 5 at N1 living in Southtown count in Southtown
    # every unknown home here is an individual row (no returns or headcounts)
    assert got == {"total": 38 + 6 + 4, "known_area": 38, "out_of_area": 4, "unknown_home": 6,
                   "unknown_home_rows": 6, "unknown_home_returns": 0, "unknown_home_headcount": 0}


def test_participant_counts_for_the_ics_and_the_other_place(toy):
    assert measure(toy, participants, scope=TOYSHIRE, **OFF) == {
        "total": (20 + 10 + 5 + 8 + 12) + (6 + 3) + 4, "known_area": 55, "out_of_area": 4, "unknown_home": 9,
        "unknown_home_rows": 9, "unknown_home_returns": 0, "unknown_home_headcount": 0}
    assert measure(toy, participants, scope=Scope.parse("toy", "Southtown"), **OFF) == {
        "total": 5 + 12 + 3, "known_area": 17, "out_of_area": 0, "unknown_home": 3,
        "unknown_home_rows": 3, "unknown_home_returns": 0, "unknown_home_headcount": 0}


def test_core20_reach_for_a_place(toy):
    got = measure(toy, core20, scope=NORTHTOWN, **OFF)
    # Core20 = national deciles 1-2: 20 in LSOA 001 + 8 in 002 = 28 of the 38 with a known home
    share = 28 / 38
    population_share = (1000 + 1200 + 1500) / 7000
    low, high = proportion_confint(28, 38, method="wilson")
    assert got["engaged"] == 28
    assert got["engaged_share"] == pytest.approx(share)
    assert got["ci_low"] == pytest.approx(low, abs=1e-6)
    assert got["ci_high"] == pytest.approx(high, abs=1e-6)
    assert got["population_share"] == pytest.approx(population_share)
    assert got["gap_pp"] == pytest.approx(100 * (share - population_share))
    assert got["ratio"] == pytest.approx(share / population_share)
    assert low > population_share and got["flag"] == "over"


def test_reach_on_deprivation_quintiles_with_unknowns(toy):
    rows = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="imd_quintile", **OFF))
    assert list(rows) == ["1", "2", "3", "4", "5", "unknown"]
    # quintile 3 = decile 5 (LSOA 004): 10; nobody from deciles 8 or 10; 6 home unknown
    assert [rows[q]["engaged"] for q in rows] == [28, 0, 10, 0, 0, 6]
    assert rows["3"]["engaged_share"] == pytest.approx(10 / 38)
    assert rows["3"]["population_share"] == pytest.approx(1300 / 7000)
    # Northtown has no quintile 2 residents: share 0, so no ratio
    assert rows["2"]["population_share"] == 0 and rows["2"]["ratio"] is None
    assert rows["4"]["population_share"] == pytest.approx(1100 / 7000)
    # 0 of 38: the Wilson upper bound is z^2 / (38 + z^2) = 0.0918, below 900/7000 = 0.1286
    z2 = 1.959964**2
    assert rows["5"]["ci_high"] == pytest.approx(z2 / (38 + z2))
    assert rows["5"]["flag"] == "under"
    # 0 of 38 against 1100/7000 = 0.157 in quintile 4: also under
    assert rows["4"]["flag"] == "under"
    # unknowns are their own count and a share of all 44 participants
    assert rows["unknown"]["engaged_share"] == pytest.approx(6 / 44)
    assert rows["unknown"]["population_share"] is None and rows["unknown"]["flag"] is None


def test_reach_on_sex_compares_with_the_census(toy):
    rows = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="sex", **OFF))
    # female: 20 + 8 = 28; male 10; unknown: the 6 whose home is unknown
    assert (rows["female"]["engaged"], rows["male"]["engaged"], rows["unknown"]["engaged"]) == (28, 10, 6)
    assert rows["female"]["population_share"] == pytest.approx(3500 / 7000)
    low, high = proportion_confint(10, 38, method="wilson")
    assert rows["male"]["ci_low"] == pytest.approx(low, abs=1e-6)
    assert rows["male"]["ci_high"] == pytest.approx(high, abs=1e-6)
    assert rows["male"]["flag"] == ("under" if high < 0.5 else "ok")
    assert rows["male"]["gap_pp"] == pytest.approx(100 * (10 / 38 - 0.5))


def test_reach_on_ethnicity_at_both_levels_and_a_zero_population_category(toy):
    groups = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="ethnicity_group", **OFF))
    # white: 20 + 8 White British + 6 Other White (home unknown still count here) = 34; Asian 10
    assert groups["white"]["engaged"] == 34 and groups["asian"]["engaged"] == 10
    assert groups["white"]["engaged_share"] == pytest.approx(34 / 44)
    assert groups["white"]["population_share"] == 1.0
    # no Asian residents in the census: a population share of 0, no ratio, flagged over
    assert groups["asian"]["population_share"] == 0.0
    assert groups["asian"]["ratio"] is None
    assert groups["asian"]["gap_pp"] == pytest.approx(100 * 10 / 44)
    assert groups["asian"]["flag"] == "over"
    assert groups["unknown"]["engaged"] == 0
    detail = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="ethnicity", **OFF))
    assert len(detail) == 19 + 1
    assert (detail["white_british"]["engaged"], detail["white_other"]["engaged"],
            detail["asian_indian"]["engaged"], detail["black_african"]["engaged"]) == (28, 6, 10, 0)


def test_reach_on_age_disability_and_carers(toy):
    ages = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="age_band", **OFF))
    assert ages["25-34"]["engaged"] == 20 and ages["65-74"]["engaged"] == 10
    assert ages["25-34"]["engaged_share"] == pytest.approx(20 / 30)
    assert ages["unknown"]["engaged"] == 8 + 6
    # The toy census spreads each LSOA's residents over the 18 five-year bands, the remainder going
    # one each to the first bands. 25-34 = the 6th and 7th bands (indexes 5 and 6):
    # 1,000 = 18*55 + 10 -> 56 + 56; 1,200 = 18*66 + 12 -> 67 + 67; 1,500 = 18*83 + 6 -> 84 + 83;
    # 1,300 = 18*72 + 4 -> 72 + 72; 1,100 = 18*61 + 2 -> 61 + 61; 900 = 18*50 -> 50 + 50
    aged_25_34 = 112 + 134 + 167 + 144 + 122 + 100
    assert ages["25-34"]["population_share"] == pytest.approx(aged_25_34 / 7000)
    carers = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="carer", **OFF))
    # 10% carers in every LSOA: 100 + 120 + 150 + 130 + 110 + 90 = 700 of 7,000
    assert carers["yes"]["population_share"] == pytest.approx(700 / 7000)
    assert carers["yes"]["engaged"] == 0 and carers["unknown"]["engaged"] == 44
    assert carers["yes"]["engaged_share"] is None  # nobody answered: cannot be computed
    disability = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="disability", **OFF))
    assert disability["yes"]["population_share"] == pytest.approx(0.5)


def test_inclusion_groups_are_shares_of_all_participants_without_a_baseline(toy):
    rows = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="inclusion_group", **OFF))
    # the preset's PLUS groups first: homeless, carers
    assert list(rows) == ["homeless", "carers", "unknown"]
    # the 10 at N1 named both groups; the 12 homeless at S1 live in Southtown
    assert rows["homeless"]["engaged"] == 10 and rows["carers"]["engaged"] == 10
    assert rows["homeless"]["engaged_share"] == pytest.approx(10 / 44)
    assert rows["homeless"]["population_share"] is None and rows["homeless"]["flag"] is None
    assert rows["unknown"]["engaged"] == 44 - 10


@pytest.mark.parametrize("scope", [NORTHTOWN, TOYSHIRE, Scope.parse("toy", "Southtown")])
def test_invariants_counts_and_shares_add_up(toy, scope):
    counts = measure(toy, participants, scope=scope, **OFF)
    everyone = counts["total"] - counts["out_of_area"]
    table = measure(toy, reach_all, scope=scope, **OFF)
    for dimension, rows in table.groupby("dimension"):
        if dimension == "inclusion_group":
            continue  # people may name several groups
        known = rows[rows["category"] != "unknown"]
        unknown = int(rows.loc[rows["category"] == "unknown", "engaged"].iloc[0])
        assert known["engaged"].sum() + unknown == everyone, dimension
        if known["engaged"].sum() > 0:
            assert known["engaged_share"].sum() == pytest.approx(1.0), dimension
        else:  # nobody gave a value: no share can be computed
            assert known["engaged_share"].isna().all(), dimension
        assert (known["engaged"].sum() + unknown) / everyone == pytest.approx(1.0)
        with_baseline = rows["population_share"].dropna()
        assert with_baseline.sum() == pytest.approx(1.0), dimension


def test_reach_trend_by_quarter(toy):
    trend = measure(toy, reach_trend, scope=NORTHTOWN, **OFF)
    # N1 starts 2025-05-01 (quarter from April), S1 2025-08-10 (quarter from July)
    assert [str(q) for q in trend["quarter"]] == ["2025-04-01", "2025-07-01"]
    april, july = trend.to_dict("records")
    assert april["engaged"] == 20 and april["engaged_share"] == pytest.approx(20 / 30)
    assert july["engaged"] == 8 and july["engaged_share"] == pytest.approx(8 / 8)
    # what each share is of, and the part of each quarter the data cover (from the first held
    # activity of the ICS to its latest)
    assert (april["known"], july["known"]) == (30, 8)
    first, latest = toy_activity_dates(toy)
    assert (april["covered_from"], april["covered_to"]) == (max(first, dt.date(2025, 4, 1)),
                                                            dt.date(2025, 6, 30))
    assert april["partial"] == (first > dt.date(2025, 4, 1))
    assert july["covered_to"] == min(latest, dt.date(2025, 9, 30))
    assert july["partial"] == (latest < dt.date(2025, 9, 30))


def toy_activity_dates(toy) -> tuple:
    """The first and latest start dates of the toy ICS's held activities, read directly."""
    def dates(con):
        return con.execute("select min(start_date), max(start_date) from activities where preset = 'toy' "
                           "and coalesce(status, 'held') = 'held'").fetchone()

    return measure(toy, dates)


def test_a_period_restricts_activities_by_start_date(toy):
    may_only = Scope.parse("toy", "Northtown", date_from="2025-05-01", date_to="2025-05-31")
    assert measure(toy, participants, scope=may_only, **OFF)["known_area"] == 30
    assert measure(toy, core20, scope=may_only, **OFF)["engaged"] == 20


def test_suppression_in_reach_withholds_share_and_hides_the_complement(toy):
    rows = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="imd_quintile"))
    exact = rows_by_category(measure(toy, reach, scope=NORTHTOWN, dimension="imd_quintile", disclosure="off"))
    # unknown 6 is hidden, and at least one other non-zero count with it, so it cannot be worked out
    assert rows["unknown"]["engaged"] == "*" and rows["unknown"]["engaged_share"] is None
    hidden = [c for c, r in rows.items() if r["engaged"] == "*" and c != "unknown"]
    assert hidden and all(exact[c]["engaged"] > 0 for c in hidden)
    for c in hidden:
        assert rows[c]["suppressed"] and rows[c]["engaged_share"] is None and rows[c]["ci_low"] is None
        assert rows[c]["flag"] is None
    assert rows["3"]["population_share"] == pytest.approx(1300 / 7000)  # census figures stay
    for c, r in rows.items():  # every other count shown within the perturbation's reach of the truth
        assert r["engaged"] == "*" or abs(r["engaged"] - exact[c]["engaged"]) <= 5
    assert measure(toy, participants, scope=NORTHTOWN)["out_of_area"] == "*"


def test_publication_mode_rounds_and_computes_shares_from_rounded_counts(toy):
    got = measure(toy, core20, scope=NORTHTOWN, disclosure="publish")
    # 28 of 38 known: hidden with unknown here, or changed slightly and rounded to 5
    assert got["engaged"] == "*" or (got["engaged"] % 5 == 0 and abs(got["engaged"] - 28) <= 7)
    if got["engaged"] != "*":
        # the share is of the protected, rounded number known, so within the rounding of 28 / 38
        low, high = shown_reach(38)  # the number known, changed slightly, then rounded to 5
        assert got["engaged"] / int(round_to_5(high)) - 5e-4 <= got["engaged_share"] <= got["engaged"] / int(round_to_5(low)) + 5e-4
        low, high = proportion_confint(got["engaged"], round(got["engaged"] / got["engaged_share"]), method="wilson")
        assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), abs=2e-3)
    counts = measure(toy, participants, scope=NORTHTOWN, disclosure="publish")
    assert all(v == "*" or v % 5 == 0 for v in counts.values())
    assert counts["out_of_area"] == "*" and counts["unknown_home"] == "*"
    assert measure(toy, participants, scope=NORTHTOWN, disclosure="off") == {
        "total": 48, "known_area": 38, "out_of_area": 4, "unknown_home": 6,
        "unknown_home_rows": 6, "unknown_home_returns": 0, "unknown_home_headcount": 0}
