"""Statistics for the measures (docs/methods.md section 11), as OHID's PHEindicatormethods computes them.

Small pure functions over numbers or numpy arrays, so each can be checked against a
published worked example or an independent computation. Counts come from SQL; nothing
here touches the database. "Cannot be computed" is NaN inside these functions (vectorised)
and becomes None (JSON null) in the measures that call them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2, gamma, norm

# docs/methods.md section 2: the 95% two-sided normal quantile, as docs/methods.md section 11 states it.
Z95 = 1.959964

# The SII interval is simulated (as PHEindicatormethods does) with a fixed seed, so the
# same data always gives the same interval.
SII_REPETITIONS = 100_000
SII_SEED = 20040101


def wilson_interval(successes, trials, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion x / n.

    Formula (Wilson 1927; Newcombe & Altman 2000, as PHEindicatormethods `wilson_lower/upper`):

        (2x + z^2 -/+ z * sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))

    Edge cases: n = 0 gives NaN for both limits (no proportion to estimate); x = 0 gives a
    lower limit of exactly 0 and x = n an upper limit of exactly 1. Requires 0 <= x <= n.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("Wilson interval needs 0 <= successes <= trials")
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        low = (2 * x + z**2 - spread) / (2 * (n + z**2))
        high = (2 * x + z**2 + spread) / (2 * (n + z**2))
    empty = n <= 0
    low = np.where(empty, np.nan, np.where(x == 0, 0.0, np.clip(low, 0.0, 1.0)))
    high = np.where(empty, np.nan, np.where(x == n, 1.0, np.clip(high, 0.0, 1.0)))
    return low, high


def byar_interval(observed, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson confidence limits of an observed count O.

    Formula (Breslow & Day 1987, as PHEindicatormethods `byars_lower/upper`):

        lower = O * (1 - 1/(9 O) - z / (3 sqrt(O)))^3
        upper = (O + 1) * (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))^3

    Edge cases: O = 0 has lower limit 0 (the formula is undefined there) and upper limit
    about 3.67; negative counts are refused.
    """
    o = np.asarray(observed, dtype=float)
    if np.any(o < 0):
        raise ValueError("Byar's interval needs counts of zero or more")
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, np.maximum(lower, 0.0))
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lower, upper


def exact_poisson_interval(observed, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """The exact Poisson confidence limits of an observed count O (Garwood 1936), from the gamma
    distribution, which is PHEindicatormethods' chi-squared form halved:

        lower = chi2.ppf(a/2, 2 O) / 2 = gamma.ppf(a/2, O)
        upper = chi2.ppf(1 - a/2, 2 O + 2) / 2 = gamma.ppf(1 - a/2, O + 1)

    with a = 2 (1 - Phi(z)), 0.05 for the 95% z. Edge cases: O = 0 has lower limit 0 (R's
    qchisq(p, 0) is 0 too); negative counts are refused.
    """
    o = np.asarray(observed, dtype=float)
    if np.any(o < 0):
        raise ValueError("exact Poisson limits need counts of zero or more")
    tail = float(norm.sf(z))  # a/2
    with np.errstate(invalid="ignore"):
        lower = np.where(o == 0, 0.0, gamma.ppf(tail, np.where(o == 0, 1.0, o)))
    upper = gamma.ppf(1 - tail, o + 1)
    return lower, upper


# PHEindicatormethods' phe_rate uses exact Poisson limits below this many events, Byar's from it.
EXACT_BELOW = 10


def count_interval(observed, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """95% limits of an observed count as PHEindicatormethods' `phe_rate` gives them: exact
    Poisson limits (`exact_poisson_interval`) for fewer than 10 events, Byar's (`byar_interval`)
    from 10. Byar's approximation is poor for small counts: for 1 event its lower limit is
    0.0131 against the exact 0.0253."""
    o = np.asarray(observed, dtype=float)
    exact_lower, exact_upper = exact_poisson_interval(o, z)
    byar_lower, byar_upper = byar_interval(o, z)
    small = o < EXACT_BELOW
    return np.where(small, exact_lower, byar_lower), np.where(small, exact_upper, byar_upper)


def rate_interval(observed, population, per: float = 1000.0, z: float = Z95):
    """A crude rate per `per` residents with its 95% limits: (rate, low, high).

    rate = O / population * per; the limits are `count_interval`'s on O (exact below 10 events,
    Byar's from 10, as PHEindicatormethods' `phe_rate`) scaled the same way.
    Edge cases: population 0 (or missing) gives NaN for all three.
    """
    o = np.asarray(observed, dtype=float)
    pop = np.asarray(population, dtype=float)
    lower, upper = count_interval(o, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(pop > 0, per / pop, np.nan)
    return o * scale, lower * scale, upper * scale


@dataclass(frozen=True)
class SlopeIndex:
    """Result of `slope_index`; rates per `per` residents."""

    sii: float
    rii: float | None
    ci_low: float
    ci_high: float
    fitted_most_deprived: float   # Y0, fitted rate at b = 0
    fitted_least_deprived: float  # Y1, fitted rate at b = 1
    mean_rate: float              # the scope's overall rate
    rii_ci_low: float | None = None
    rii_ci_high: float | None = None


def relative_ranks(populations) -> np.ndarray:
    """b_i: cumulative population share up to the midpoint of each quantile, in the order given
    (most deprived first). E.g. shares 0.12, 0.10 -> 0.06, 0.17 (PHEindicatormethods FindXValues)."""
    a = np.asarray(populations, dtype=float)
    a = a / a.sum()
    return np.cumsum(a) - a / 2


def slope_index(populations, counts, per: float = 1000.0, z: float = Z95,
                repetitions: int = SII_REPETITIONS, seed: int = SII_SEED) -> SlopeIndex:
    """Slope and relative index of inequality of a rate across deprivation quantiles.

    Method (Low & Low 2004, J Public Health 26:388-395; PHEindicatormethods `phe_sii`):
    quantiles ordered from 1 = most deprived; a_i = quantile population / total;
    b_i = relative rank (`relative_ranks`); Y_i = counts_i / population_i * per.
    Fit Y_i*sqrt(a_i) = beta0*sqrt(a_i) + beta1*b_i*sqrt(a_i) with no intercept, i.e. least
    squares of Y on b weighted by a. Y0 = beta0 (fitted at b = 0, most deprived end),
    Y1 = beta0 + beta1 (b = 1). SII = Y0 - Y1, positive when the rate rises with deprivation.
    RII = SII / mean rate (Mackenbach & Kunst), the mean rate being sum(counts)/sum(pops)*per;
    None when the mean rate is 0.

    95% interval for SII by simulation, as phe_sii does: each Y_i is drawn from a normal
    distribution with its standard error, taken from the width of the count's interval
    (`count_interval`: exact below 10 events, Byar's from 10; (upper - lower) / (2 z), scaled to
    the rate), the regression refitted each time,
    and the 2.5th and 97.5th percentiles of the simulated SIIs taken. The seed is fixed. The
    RII's interval comes from the same draws: each simulated SII over that draw's overall rate
    (sum of a_i x Y_i), 2.5th and 97.5th percentiles.

    Edge cases: every population must be > 0 (drop empty quantiles first) and at least two
    quantiles are needed for a line; callers require five (docs/methods.md section 4).
    """
    pop = np.asarray(populations, dtype=float)
    obs = np.asarray(counts, dtype=float)
    if pop.ndim != 1 or pop.shape != obs.shape or len(pop) < 2:
        raise ValueError("slope_index needs matching populations and counts for 2+ quantiles")
    if np.any(pop <= 0):
        raise ValueError("slope_index needs a population above zero in every quantile")
    a = pop / pop.sum()
    b = relative_ranks(pop)
    rates = obs / pop * per
    root_a = np.sqrt(a)
    design = np.column_stack([root_a, b * root_a])
    solve = np.linalg.pinv(design)  # (2 x k): least squares coefficients for any y
    beta0, beta1 = solve @ (rates * root_a)
    y0, y1 = beta0, beta0 + beta1
    sii = y0 - y1
    mean_rate = obs.sum() / pop.sum() * per

    lower, upper = count_interval(obs, z)
    rate_se = (upper - lower) / pop * per / (2 * z)
    rng = np.random.default_rng(seed)
    draws = rates[:, None] + rate_se[:, None] * rng.standard_normal((len(rates), repetitions))
    simulated = -(solve[1] @ (draws * root_a[:, None]))
    ci_low, ci_high = np.percentile(simulated, [2.5, 97.5])
    # the RII's interval from the same draws: each simulated SII over its own overall rate
    simulated_mean = a @ draws
    rii_ci = (np.percentile(simulated[simulated_mean > 0] / simulated_mean[simulated_mean > 0], [2.5, 97.5])
              if mean_rate > 0 else (None, None))
    return SlopeIndex(
        sii=float(sii),
        rii=float(sii / mean_rate) if mean_rate > 0 else None,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        fitted_most_deprived=float(y0),
        fitted_least_deprived=float(y1),
        mean_rate=float(mean_rate),
        rii_ci_low=None if rii_ci[0] is None else float(rii_ci[0]),
        rii_ci_high=None if rii_ci[1] is None else float(rii_ci[1]),
    )


def flag(ci_low: float | None, ci_high: float | None, population_share: float | None) -> str | None:
    """docs/methods.md section 2: 'under' when the interval lies wholly below the population share, 'over'
    when wholly above, otherwise 'ok'; None when either side is missing."""
    if any(v is None or math.isnan(v) for v in (ci_low, ci_high, population_share)):
        return None
    if ci_high < population_share:
        return "under"
    if ci_low > population_share:
        return "over"
    return "ok"


@dataclass(frozen=True)
class Difference:
    """Result of `newcombe_difference`: p1 - p2 with its 95% interval."""

    difference: float
    ci_low: float
    ci_high: float

    @property
    def beyond_chance(self) -> bool:
        """Whether the interval leaves out 0 (no difference)."""
        return self.ci_low > 0 or self.ci_high < 0


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Difference:
    """Newcombe's hybrid score interval for the difference p1 - p2 of two independent
    proportions (Newcombe 1998, Stat Med 17:873-890, method 10), from each proportion's Wilson
    score interval (l_i, u_i):

        L = (p1 - p2) - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        U = (p1 - p2) + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    Newcombe's first worked example: 56/70 - 48/80 = 0.2000, 95% interval 0.0524 to 0.3339.
    Both trials must be above zero."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("Newcombe's interval needs two proportions with trials above zero")
    p1, p2 = x1 / n1, x2 / n2
    lows, highs = wilson_interval([x1, x2], [n1, n2], z)
    (l1, l2), (u1, u2) = (float(v) for v in lows), (float(v) for v in highs)
    difference = p1 - p2
    return Difference(difference, difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
                      difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


@dataclass(frozen=True)
class Trend:
    """Result of `trend_test`: the chi-squared statistic (1 degree of freedom), its p-value, and
    the direction of the fitted line (+1 rising, -1 falling, 0 flat)."""

    chi2: float
    p_value: float
    direction: int


def trend_test(successes, trials, scores=None) -> Trend | None:
    """The chi-squared test for linear trend in proportions x_i / n_i across ordered groups
    (Cochran 1954, Armitage 1955; R's `prop.trend.test`, the test OHID's Fingertips uses for
    trends), with scores s_i (default 1, 2, ...):

        p = sum x / sum n,  N = sum n
        chi2 = (sum x_i s_i - p sum n_i s_i)^2 / (p (1 - p) (sum n_i s_i^2 - (sum n_i s_i)^2 / N))

    on 1 degree of freedom. R's worked example: 83/86, 90/93, 129/136, 70/82 gives chi2 = 8.2249,
    p = 0.004132. None when it cannot be computed: fewer than two groups, no trials, a pooled
    proportion of 0 or 1, or scores that do not vary."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    s = np.arange(1, len(x) + 1, dtype=float) if scores is None else np.asarray(scores, dtype=float)
    if len(x) < 2 or x.shape != n.shape or s.shape != x.shape or np.any(n <= 0) or np.any(x < 0) \
            or np.any(x > n):
        return None
    total = n.sum()
    pooled = x.sum() / total
    spread = (n * s * s).sum() - (n * s).sum() ** 2 / total
    if pooled <= 0 or pooled >= 1 or spread <= 0:
        return None
    slope = (x * s).sum() - pooled * (n * s).sum()
    statistic = slope**2 / (pooled * (1 - pooled) * spread)
    return Trend(float(statistic), float(chi2.sf(statistic, 1)), int(np.sign(slope)))
