"""Coverage, cold spots, engagement rates and the deprivation gradient (docs/methods.md sections 3 and 4) on Toyshire.

Toyshire LSOAs (code suffix: decile, residents): Northtown 001: d1 1,000; 002: d1 1,200;
003: d2 1,500; 004: d5 1,300; 005: d8 1,100; 006: d10 900 (one MSOA, E02999001).
Southtown 007: d3 1,400; 008: d4 1,600; 009: d6 1,000; 010: d9 1,250 (MSOA E02999002).
Elsewhere (outside the ICS) 011: d1; 012: d7. National IMD ranks follow (decile, code).
"""

import numpy as np
import pytest
from scipy.stats import chi2
import statsmodels.api as sm

from tests.engagement_rows import build_toy_db, measure, write
from tests.fixtures.tiny_reference import ToyLsoa
from wpc.measures import Scope, area_rates, cold_spots, coverage, gradient, stats
from wpc.measures.plain import records

OFF = {"disclosure": "off"}
NORTHTOWN = Scope.parse("toy", "Northtown")
SOUTHTOWN = Scope.parse("toy", "Southtown")
TOYSHIRE = Scope.parse("toy")


def fill(e):
    e.activity("A", "Northtown", "2025-05-01")
    e.people("A", 30, lsoa21cd="E01900001")
    e.people("A", 12, lsoa21cd="E01900003")
    e.people("A", 5, lsoa21cd="E01900004")
    e.people("A", 8, lsoa21cd="E01900007")
    e.people("A", 10, lsoa21cd="E01900009")
    e.people("A", 5)                          # home unknown: in no area
    e.people("A", 3, lsoa21cd="E01900011")    # outside the ICS: in no area of it


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("areas"), store_kind=store_kind)
    write(path, fill)
    return path


def test_coverage_of_core20_lsoas(toy):
    got = measure(toy, coverage, scope=NORTHTOWN, **OFF)
    # Core20 LSOAs in Northtown: 001, 002, 003; reached: 001 and 003
    assert (got["core20_lsoas"], got["core20_lsoas_reached"]) == (3, 2)
    assert got["share"] == pytest.approx(2 / 3)
    # 30 + 12 + 5 living in Northtown per 1,000 of its 7,000 residents, Byar's interval
    _rate, low, high = stats.rate_interval(47, 7000)
    assert got["rate_per_1000"] == pytest.approx(47 / 7000 * 1000)
    assert (got["rate_ci_low"], got["rate_ci_high"]) == pytest.approx((float(low), float(high)))


def test_cold_spots_are_unreached_core20_lsoas_most_deprived_first(toy):
    spots = records(measure(toy, cold_spots, scope=NORTHTOWN))
    assert [(s["lsoa_code"], s["imd_rank"], s["population"]) for s in spots] == [("E01900002", 2, 1200)]
    nothing_yet = records(measure(toy, cold_spots, scope=Scope.parse("toy", "Northtown", date_from="2026-01-01")))
    # no activity in 2026: every Core20 LSOA is cold, ranked 001 (1), 002 (2), 003 (4; 011 is 3)
    assert [(s["lsoa_code"], s["imd_rank"]) for s in nothing_yet] == [
        ("E01900001", 1), ("E01900002", 2), ("E01900003", 4)]


def test_a_place_with_no_core20_lsoas(toy):
    got = measure(toy, coverage, scope=SOUTHTOWN, **OFF)
    assert (got["core20_lsoas"], got["core20_lsoas_reached"], got["share"]) == (0, 0, None)
    assert measure(toy, cold_spots, scope=SOUTHTOWN).empty


def test_rates_by_lsoa_with_byars_interval(toy):
    rates = {r["area_code"]: r for r in records(measure(toy, area_rates, scope=NORTHTOWN, level="lsoa", **OFF))}
    assert list(rates) == ["E01900001", "E01900002", "E01900003", "E01900004", "E01900005", "E01900006"]
    for code, count, population in [("E01900001", 30, 1000), ("E01900003", 12, 1500), ("E01900004", 5, 1300),
                                    ("E01900002", 0, 1200)]:
        row = rates[code]
        # PHE's phe_rate limits: exact Poisson (chi-squared) below 10 events, Byar's from 10
        low, high = ((chi2.ppf(0.025, 2 * count) / 2 if count else 0.0, chi2.ppf(0.975, 2 * count + 2) / 2)
                     if count < 10 else stats.byar_interval(count))
        assert row["participants"] == count
        assert row["rate_per_1000"] == pytest.approx(count / population * 1000)
        assert row["ci_low"] == pytest.approx(float(low) / population * 1000)
        assert row["ci_high"] == pytest.approx(float(high) / population * 1000)
    assert rates["E01900001"]["imd_decile"] == 1 and rates["E01900001"]["core20"] is True


def test_rates_by_msoa_and_place(toy):
    msoas = {r["area_code"]: r for r in records(measure(toy, area_rates, scope=TOYSHIRE, level="msoa", **OFF))}
    assert msoas["E02999001"]["participants"] == 47 and msoas["E02999001"]["population"] == 7000
    assert msoas["E02999002"]["participants"] == 18 and msoas["E02999002"]["population"] == 5250
    places = records(measure(toy, area_rates, scope=TOYSHIRE, level="place", **OFF))
    assert [(p["area_name"], p["participants"], p["population"]) for p in places] == [
        ("Northtown", 47, 7000), ("Southtown", 18, 5250)]
    assert places[1]["rate_per_1000"] == pytest.approx(18 / 5250 * 1000)
    with pytest.raises(ValueError):
        measure(toy, area_rates, scope=TOYSHIRE, level="ward")


def test_small_lsoa_counts_are_hidden_with_their_complement(toy):
    rates = {r["area_code"]: r for r in records(measure(toy, area_rates, scope=NORTHTOWN, level="lsoa"))}
    exact = {r["area_code"]: r for r in records(measure(toy, area_rates, scope=NORTHTOWN, level="lsoa", **OFF))}
    # LSOA 004 has 5: hidden, and another non-zero LSOA with it, so 004 is not 47 - 30 - 12
    assert rates["E01900004"]["participants"] == "*" and rates["E01900004"]["rate_per_1000"] is None
    others = [c for c, r in rates.items() if r["participants"] == "*" and c != "E01900004"]
    assert others and all(exact[c]["participants"] > 0 and rates[c]["suppressed"] for c in others)
    assert exact["E01900001"]["participants"] == 30
    assert rates["E01900001"]["participants"] == "*" or abs(rates["E01900001"]["participants"] - 30) <= 5
    assert rates["E01900002"]["participants"] == 0  # zero discloses nothing


def test_gradient_matches_an_independent_weighted_regression(toy):
    got = measure(toy, gradient, scope=TOYSHIRE, **OFF)
    # deciles with residents in Toyshire (7 is only in Elsewhere) and participants living there
    deciles = [1, 2, 3, 4, 5, 6, 8, 9, 10]
    population = np.array([1000 + 1200, 1500, 1400, 1600, 1300, 1000, 1100, 1250, 900])
    participants = np.array([30, 12, 8, 0, 5, 10, 0, 0, 0])
    a = population / population.sum()
    b = np.cumsum(a) - a / 2
    rates = participants / population * 1000
    wls = sm.WLS(rates, sm.add_constant(b), weights=a).fit()
    y0, y1 = wls.params[0], wls.params[0] + wls.params[1]
    assert got["deciles_present"] == 9
    assert got["sii"] == pytest.approx(y0 - y1, rel=1e-9)
    assert got["rii"] == pytest.approx((y0 - y1) / (participants.sum() / population.sum() * 1000), rel=1e-9)
    assert got["sii"] > 0  # engagement rises with deprivation here
    assert got["sii_ci_low"] < got["sii"] < got["sii_ci_high"]
    assert [d["decile"] for d in got["deciles"]] == list(range(1, 11))
    seven = got["deciles"][6]
    assert (seven["population"], seven["participants"], seven["rate_per_1000"]) == (0, 0, None)
    assert [d["participants"] for d in got["deciles"] if d["decile"] in deciles] == participants.tolist()
    assert got["reason"] is None


def test_gradient_needs_five_deciles(toy):
    got = measure(toy, gradient, scope=SOUTHTOWN, **OFF)
    # Southtown has deciles 3, 4, 6 and 9 only
    assert got["deciles_present"] == 4
    assert got["sii"] is None and got["rii"] is None and got["sii_ci_low"] is None
    assert "only 4 national IMD decile(s)" in got["reason"]


def test_gradient_with_no_participants(tmp_path):
    path = build_toy_db(tmp_path)
    got = measure(path, gradient, scope=TOYSHIRE)
    assert got["sii"] is None and "no participants" in got["reason"]


def test_msoa_rates_on_a_hand_made_neighbourhood_layout(tmp_path):
    lsoas = [
        ToyLsoa("E01900101", "E06999001", 1, 1000, msoa="E02990001"),
        ToyLsoa("E01900102", "E06999001", 3, 2000, msoa="E02990001"),
        ToyLsoa("E01900103", "E06999001", 6, 1500, msoa="E02990002"),
        ToyLsoa("E01900104", "E06999002", 9, 1000, msoa="E02990003"),
    ]
    path = build_toy_db(tmp_path, lsoas)

    def fill_two_neighbourhoods(e):
        e.activity("X", "Northtown", "2025-05-01")
        e.people("X", 9, lsoa21cd="E01900101")
        e.people("X", 21, lsoa21cd="E01900102")
        e.people("X", 15, lsoa21cd="E01900103")

    write(path, fill_two_neighbourhoods)
    msoas = {r["area_code"]: r for r in records(measure(path, area_rates, scope=NORTHTOWN, level="msoa", **OFF))}
    # MSOA 1 = LSOAs 101 + 102: 30 of 3,000 = 10 per 1,000; MSOA 2 = LSOA 103: 15 of 1,500
    assert msoas["E02990001"]["participants"] == 30 and msoas["E02990001"]["population"] == 3000
    assert msoas["E02990001"]["rate_per_1000"] == pytest.approx(10.0)
    assert msoas["E02990002"]["rate_per_1000"] == pytest.approx(10.0)
    assert "E02990003" not in msoas  # in Southtown
