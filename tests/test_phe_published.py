"""wpc's intervals against PHEindicatormethods' own published test cases (docs/methods.md section 11).

The numbers are copied, with their provenance, from PHEindicatormethods' test workbooks into
tests/published/phe_indicator_methods.csv. PHE computes with z = qnorm(1 - a/2) exactly; wpc's
default is z = 1.959964 (docs/methods.md section 11). With PHE's own z the agreement is to 1e-12
(relative); with wpc's rounded z it is to 1e-7, the effect of the seventh decimal place of z.
"""

import csv
import math
from pathlib import Path

import pytest
from scipy.stats import norm

from wpc.measures import stats

PUBLISHED = Path(__file__).parent / "published" / "phe_indicator_methods.csv"


def published_cases(function: str) -> list[dict]:
    with PUBLISHED.open() as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    return [r for r in rows if r["function"] == function]


def phe_z(confidence: str) -> float:
    return float(norm.ppf(1 - (1 - float(confidence)) / 2))


RATES = published_cases("phe_rate")


def test_the_published_file_holds_exact_and_byars_cases():
    assert len(RATES) == 43  # 17 rows at 95% and 99.8%, 9 grouped rows at 95%
    assert {r["method"] for r in RATES} == {"Exact", "Byars"}
    # PHE's rule, as written in its workbook: exact below 10 events, Byar's from 10
    assert all((r["method"] == "Exact") == (float(r["x"]) < 10) for r in RATES)


@pytest.mark.parametrize("case", RATES, ids=lambda r: f"{r['sheet']}-row{r['row']}-{r['confidence']}")
def test_rates_agree_with_phe_rate(case):
    x, n, per = float(case["x"]), float(case["n"]), float(case["multiplier"])
    expected = tuple(float(case[k]) for k in ("value", "lower", "upper"))
    with_phe_z = stats.rate_interval(x, n, per=per, z=phe_z(case["confidence"]))
    assert tuple(float(v) for v in with_phe_z) == pytest.approx(expected, rel=1e-12)
    if case["confidence"] == "0.95":
        with_wpc_z = stats.rate_interval(x, n, per=per)
        assert tuple(float(v) for v in with_wpc_z) == pytest.approx(expected, rel=1e-7)


def test_one_event_in_100_gets_the_exact_lower_limit_not_byars():
    _rate, low, high = stats.rate_interval(1, 100, per=100)
    assert round(float(low), 4) == 0.0253  # Byar's approximation gave 0.0131
    assert round(float(stats.byar_interval(1)[0]), 4) == 0.0131
    assert float(high) == pytest.approx(5.5716, abs=1e-4)


@pytest.mark.parametrize("case", published_cases("byars_lower/byars_upper"),
                         ids=lambda r: f"row{r['row']}-{r['x']}-{r['confidence']}")
def test_byars_limits_agree_with_phe(case):
    low, high = stats.byar_interval(float(case["x"]), z=phe_z(case["confidence"]))
    if case["lower"]:
        assert float(low) == pytest.approx(float(case["lower"]), rel=1e-12)
    assert float(high) == pytest.approx(float(case["upper"]), rel=1e-12)


@pytest.mark.parametrize("case", published_cases("wilson_lower/wilson_upper"),
                         ids=lambda r: f"row{r['row']}-{r['x']}of{r['n']}-{r['confidence']}")
def test_wilson_limits_agree_with_phe(case):
    low, high = stats.wilson_interval(float(case["x"]), float(case["n"]), z=phe_z(case["confidence"]))
    assert (float(low), float(high)) == pytest.approx((float(case["lower"]), float(case["upper"])), rel=1e-12)


def test_exact_limits_are_phes_chi_squared_form():
    from scipy.stats import chi2

    for x in (1, 2, 5, 9):
        low, high = stats.exact_poisson_interval(x, z=phe_z("0.95"))
        assert float(low) == pytest.approx(chi2.ppf(0.025, 2 * x) / 2, rel=1e-12)
        assert float(high) == pytest.approx(chi2.ppf(0.975, 2 * x + 2) / 2, rel=1e-12)
    low, high = stats.exact_poisson_interval(0)
    assert float(low) == 0.0 and float(high) == pytest.approx(-math.log(0.025), rel=1e-6)  # 3.689
    with pytest.raises(ValueError):
        stats.exact_poisson_interval(-1)


def test_the_switch_from_exact_to_byars_is_at_ten_events():
    low, high = stats.count_interval([9, 10])
    exact_low, exact_high = stats.exact_poisson_interval([9, 10])
    byar_low, byar_high = stats.byar_interval([9, 10])
    assert (low[0], high[0]) == (exact_low[0], exact_high[0])
    assert (low[1], high[1]) == (byar_low[1], byar_high[1])
    assert exact_low[1] != byar_low[1]
