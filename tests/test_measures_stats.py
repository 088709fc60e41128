"""The statistics of docs/methods.md section 11 against published worked examples and independent computations."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import chi2, norm
from statsmodels.stats.proportion import proportion_confint

from wpc.measures import stats

# ---------- Wilson score interval


@pytest.mark.parametrize(
    "x, n, low, high",
    [
        # Newcombe RG (1998) Two-sided confidence intervals for the single proportion,
        # Statistics in Medicine 17:857-872, Table I, method 3 (score interval without correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_matches_newcombes_published_examples(x, n, low, high):
    got_low, got_high = stats.wilson_interval(x, n)
    assert float(got_low) == pytest.approx(low, abs=5e-5)
    assert float(got_high) == pytest.approx(high, abs=5e-5)


def test_wilson_matches_statsmodels_over_many_counts():
    rng = np.random.default_rng(7)
    n = rng.integers(1, 5000, 200)
    x = (rng.random(200) * (n + 1)).astype(int).clip(0, n)
    low, high = stats.wilson_interval(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    # docs/methods.md section 11 fixes z = 1.959964; statsmodels uses the exact quantile 1.95996398...
    assert np.allclose(low, ref_low, atol=1e-6)
    assert np.allclose(high, ref_high, atol=1e-6)


def test_wilson_by_hand_for_one_case():
    # x = 30 of n = 120, z = 1.959964: centre and half-width of the score interval
    z, x, n = 1.959964, 30, 120
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = stats.wilson_interval(x, n)
    assert float(low) == pytest.approx(centre - half, abs=1e-12)
    assert float(high) == pytest.approx(centre + half, abs=1e-12)


def test_wilson_with_no_trials_is_not_a_number_and_refuses_impossible_counts():
    low, high = stats.wilson_interval(0, 0)
    assert math.isnan(float(low)) and math.isnan(float(high))
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)
    with pytest.raises(ValueError):
        stats.wilson_interval(-1, 4)


# ---------- Byar's method


def test_byar_by_hand_formula():
    z = 1.959964
    for observed in (1, 7, 19, 250):
        lower = observed * (1 - 1 / (9 * observed) - z / (3 * math.sqrt(observed))) ** 3
        upper = (observed + 1) * (1 - 1 / (9 * (observed + 1)) + z / (3 * math.sqrt(observed + 1))) ** 3
        got_lower, got_upper = stats.byar_interval(observed)
        assert float(got_lower) == pytest.approx(lower, rel=1e-12)
        assert float(got_upper) == pytest.approx(upper, rel=1e-12)


@pytest.mark.parametrize("observed", [10, 19, 50, 100, 1000])
def test_byar_approximates_the_exact_poisson_limits(observed):
    # Exact Poisson limits from the chi-squared distribution (Breslow & Day 1987): Byar's
    # approximation is within half a percent of them from 10 events up.
    exact_lower = chi2.ppf(0.025, 2 * observed) / 2
    exact_upper = chi2.ppf(0.975, 2 * observed + 2) / 2
    lower, upper = stats.byar_interval(observed)
    assert float(lower) == pytest.approx(exact_lower, rel=5e-3)
    assert float(upper) == pytest.approx(exact_upper, rel=5e-3)


def test_byar_at_zero_events():
    lower, upper = stats.byar_interval(0)
    assert float(lower) == 0.0
    # (0 + 1) * (1 - 1/9 + z/3)^3, close to the exact 3.689
    assert float(upper) == pytest.approx((1 - 1 / 9 + 1.959964 / 3) ** 3)
    assert float(upper) == pytest.approx(chi2.ppf(0.975, 2) / 2, rel=1e-2)
    with pytest.raises(ValueError):
        stats.byar_interval(-1)


def test_rate_per_1000_scales_counts_and_limits():
    rate, low, high = stats.rate_interval([19, 0, 3], [2000, 500, 0])
    byar_low, byar_high = stats.byar_interval(19)
    assert rate[0] == pytest.approx(19 / 2000 * 1000)  # 9.5 per 1,000
    assert low[0] == pytest.approx(byar_low / 2000 * 1000)
    assert high[0] == pytest.approx(byar_high / 2000 * 1000)
    assert rate[1] == 0 and low[1] == 0 and high[1] > 0
    assert all(math.isnan(v) for v in (rate[2], low[2], high[2]))  # no residents: no rate


# ---------- slope and relative index of inequality


def test_relative_ranks_follow_the_phe_worked_example():
    # PHEindicatormethods phe_sii documentation: a quantile holding 12% of the population has
    # relative rank 0.12/2 = 0.06; the next, holding 10%, 0.12 + 0.10/2 = 0.17.
    ranks = stats.relative_ranks([12, 10, 78])
    assert ranks[0] == pytest.approx(0.06)
    assert ranks[1] == pytest.approx(0.17)
    assert ranks[2] == pytest.approx(0.22 + 0.78 / 2)


DECILE_POPULATIONS = np.array([7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534])
DECILE_COUNTS = np.array([120, 101, 64, 70, 41, 52, 30, 28, 36, 25])


def test_sii_equals_statsmodels_weighted_least_squares():
    fit = stats.slope_index(DECILE_POPULATIONS, DECILE_COUNTS)
    a = DECILE_POPULATIONS / DECILE_POPULATIONS.sum()
    b = np.cumsum(a) - a / 2
    rates = DECILE_COUNTS / DECILE_POPULATIONS * 1000
    wls = sm.WLS(rates, sm.add_constant(b), weights=a).fit()
    y0, y1 = wls.params[0], wls.params[0] + wls.params[1]
    assert fit.fitted_most_deprived == pytest.approx(y0, rel=1e-10)
    assert fit.fitted_least_deprived == pytest.approx(y1, rel=1e-10)
    assert fit.sii == pytest.approx(y0 - y1, rel=1e-10)
    # the transformed form docs/methods.md section 4 states: Y*sqrt(a) on sqrt(a) and b*sqrt(a), no intercept
    ols = sm.OLS(rates * np.sqrt(a), np.column_stack([np.sqrt(a), b * np.sqrt(a)])).fit()
    assert fit.sii == pytest.approx(-ols.params[1], rel=1e-10)
    # engagement falls with affluence here, so the SII is positive (proportionate universalism)
    assert fit.sii > 0
    mean_rate = DECILE_COUNTS.sum() / DECILE_POPULATIONS.sum() * 1000
    assert fit.mean_rate == pytest.approx(mean_rate)
    assert fit.rii == pytest.approx((y0 - y1) / mean_rate, rel=1e-10)


def test_sii_interval_agrees_with_the_analytic_standard_error():
    # The simulated SII is a linear combination of normal draws, so its 95% interval must be
    # sii +/- 1.96 * sqrt(sum(c_i^2 se_i^2)) with c the regression's weights on each rate.
    fit = stats.slope_index(DECILE_POPULATIONS, DECILE_COUNTS)
    a = DECILE_POPULATIONS / DECILE_POPULATIONS.sum()
    b = stats.relative_ranks(DECILE_POPULATIONS)
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    weights = -np.linalg.pinv(design)[1] * np.sqrt(a)  # sii = weights @ rates
    lower, upper = stats.byar_interval(DECILE_COUNTS)
    se = (upper - lower) / DECILE_POPULATIONS * 1000 / (2 * 1.959964)
    sd = math.sqrt(float(np.sum(weights**2 * se**2)))
    z = norm.ppf(0.975)
    assert fit.ci_low == pytest.approx(fit.sii - z * sd, abs=0.02 * sd)
    assert fit.ci_high == pytest.approx(fit.sii + z * sd, abs=0.02 * sd)


def test_rii_interval_agrees_with_the_delta_method():
    # RII = SII / overall rate, both linear in the decile rates: for counts this large the
    # simulated interval is close to RII +/- 1.96 x the delta method's standard error
    fit = stats.slope_index(DECILE_POPULATIONS, DECILE_COUNTS)
    a = DECILE_POPULATIONS / DECILE_POPULATIONS.sum()
    b = stats.relative_ranks(DECILE_POPULATIONS)
    w = -np.linalg.pinv(np.column_stack([np.sqrt(a), b * np.sqrt(a)]))[1] * np.sqrt(a)
    lower, upper = stats.byar_interval(DECILE_COUNTS)
    variance = ((upper - lower) / DECILE_POPULATIONS * 1000 / (2 * 1.959964)) ** 2
    mean = float(a @ (DECILE_COUNTS / DECILE_POPULATIONS * 1000))
    rii = fit.sii / mean
    gradient = (w - rii * a) / mean  # d(S/M)/dY
    sd = math.sqrt(float(np.sum(gradient**2 * variance)))
    z = norm.ppf(0.975)
    assert fit.rii == pytest.approx(rii, rel=1e-10)
    assert fit.rii_ci_low == pytest.approx(rii - z * sd, abs=0.05 * sd)
    assert fit.rii_ci_high == pytest.approx(rii + z * sd, abs=0.05 * sd)


def test_sii_is_reproducible_and_flat_data_gives_zero():
    assert stats.slope_index(DECILE_POPULATIONS, DECILE_COUNTS) == stats.slope_index(
        DECILE_POPULATIONS, DECILE_COUNTS)
    # the same rate (10 per 1,000) everywhere: no gradient at all
    flat = stats.slope_index([1000, 2000, 3000, 4000, 5000], [10, 20, 30, 40, 50])
    assert flat.sii == pytest.approx(0, abs=1e-9)
    assert flat.rii == pytest.approx(0, abs=1e-9)
    assert flat.ci_low < 0 < flat.ci_high


def test_sii_with_no_participants_has_no_rii_and_refuses_empty_quantiles():
    none = stats.slope_index([1000] * 5, [0] * 5)
    assert none.sii == pytest.approx(0, abs=1e-12)
    assert none.rii is None
    with pytest.raises(ValueError):
        stats.slope_index([1000, 0, 1000], [1, 0, 1])


def test_flag_compares_the_interval_with_the_population_share():
    assert stats.flag(0.10, 0.20, 0.25) == "under"
    assert stats.flag(0.30, 0.40, 0.25) == "over"
    assert stats.flag(0.20, 0.30, 0.25) == "ok"
    assert stats.flag(0.20, 0.30, 0.30) == "ok"  # touching the share is not outside it
    assert stats.flag(None, 0.3, 0.25) is None
    assert stats.flag(0.2, 0.3, None) is None
    assert stats.flag(float("nan"), 0.3, 0.25) is None


# ---------- Newcombe's hybrid score interval for a difference of two proportions (method 10)

# Newcombe (1998) Stat Med 17:873-890, Table II, method 10: (x1, n1, x2, n2) -> 95% limits
NEWCOMBE_1998 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0)),
    ((10, 10, 0, 10), (0.6075, 1.0)),
]


@pytest.mark.parametrize(("counts", "limits"), NEWCOMBE_1998)
def test_newcombe_interval_matches_the_published_examples(counts, limits):
    from wpc.measures.stats import newcombe_difference

    found = newcombe_difference(*counts)
    x1, n1, x2, n2 = counts
    assert found.difference == pytest.approx(x1 / n1 - x2 / n2)
    assert (round(found.ci_low, 4), round(found.ci_high, 4)) == limits


@pytest.mark.parametrize("counts", [(56, 70, 48, 80), (3, 40, 11, 38), (0, 12, 7, 15), (25, 25, 1, 30),
                                    (40, 900, 31, 1200)])
def test_newcombe_interval_agrees_with_statsmodels(counts):
    from statsmodels.stats.proportion import confint_proportions_2indep

    from wpc.measures.stats import newcombe_difference

    found = newcombe_difference(*counts)
    low, high = confint_proportions_2indep(*counts, method="newcomb")
    assert (found.ci_low, found.ci_high) == (pytest.approx(low, abs=1e-7), pytest.approx(high, abs=1e-7))
    assert found.beyond_chance == (low > 0 or high < 0)
