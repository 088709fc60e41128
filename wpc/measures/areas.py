"""Where engagement reaches (docs/methods.md sections 3 and 4): Core20 coverage and cold spots, engagement
rates per 1,000 residents by LSOA, neighbourhood (MSOA) and place, and the deprivation gradient.

All of these count participants living in the scope (their home LSOA is known and in it):
people whose home is unknown cannot be placed in an area, and people living outside the
ICS are not the scope's residents.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wpc import db
from wpc.measures import families, stats
from wpc.measures.disclosure import Policy, Protected
from wpc.measures.prepare import begin
from wpc.measures.scope import ResolvedScope, Scope

LEVELS = ("lsoa", "msoa", "place")
MIN_DECILES = 5


def _num(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def _area_cells(con, resolved: ResolvedScope, policy: Policy, ids: list, exact) -> Protected:
    """Protected counts of the area family (wpc.measures.families) of the scope's ICS."""
    return policy.cells(lambda: families.get(con, resolved, "area"), ids, exact)


def coverage(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Core20 LSOAs in the scope, how many had at least one participant living there in the
    period, and that share; with the scope's overall engagement rate per 1,000 residents."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    row = db.query(con, "measures/coverage").iloc[0]
    known = int(db.query(con, "measures/participants_summary").iloc[0]["known_area"])
    core20_lsoas, reached = int(row["core20_lsoas"]), int(row["core20_lsoas_reached"])
    protected = _area_cells(con, resolved, policy, [("known", resolved.place)], [known])
    value, hidden = int(protected.values[0]), bool(protected.suppressed[0])
    rate, low, high = stats.rate_interval(value, int(row["population"]))
    return {
        "core20_lsoas": core20_lsoas,
        "core20_lsoas_reached": reached,
        "share": reached / core20_lsoas if core20_lsoas else None,
        "lsoas": int(row["lsoas"]),
        "residents": int(row["population"]),
        "participants_living_here": protected.shown()[0],
        "rate_per_1000": None if hidden else policy.rate(_num(rate)),
        "rate_ci_low": None if hidden else policy.rate(_num(low)),
        "rate_ci_high": None if hidden else policy.rate(_num(high)),
    }


def cold_spots(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Core20 LSOAs of the scope with no participant living there in the period, most deprived
    first: lsoa_code, lsoa_name, msoa_name, place, imd_rank, imd_decile, population."""
    begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    return db.query(con, "measures/cold_spots")


def rate_table(areas: pd.DataFrame, policy: Policy, protected: Protected | None = None) -> pd.DataFrame:
    """Engagement rate per 1,000 residents with its 95% interval (stats.rate_interval) for each area (pure).

    `areas` has population and participants; `protected` the areas' counts after disclosure
    control (from their family); rates come from the protected counts and are withheld where
    the count is hidden.
    """
    if protected is None:
        protected = policy.cells(None, list(areas.index), areas["participants"].to_numpy())
    rate, low, high = stats.rate_interval(protected.values, areas["population"].to_numpy())
    out = areas.drop(columns=["participants"]).copy()
    out["participants"] = pd.Series(protected.shown(), index=areas.index, dtype=object)
    hidden = protected.suppressed
    out["rate_per_1000"] = [np.nan if h else _rate(policy, r) for h, r in zip(hidden, rate)]
    out["ci_low"] = [np.nan if h else _rate(policy, r) for h, r in zip(hidden, low)]
    out["ci_high"] = [np.nan if h else _rate(policy, r) for h, r in zip(hidden, high)]
    out["suppressed"] = hidden
    return out


def _rate(policy: Policy, value) -> float:
    rounded = policy.rate(_num(value))
    return np.nan if rounded is None else rounded


AREA_CELL = {"lsoa": lambda code, scope_place: ("lsoa", code),
             "msoa": lambda code, scope_place: ("msoa", code),
             "place": lambda code, scope_place: ("known", code)}


def area_rates(con: duckdb.DuckDBPyConnection, scope: Scope, level: str = "lsoa",
               disclosure: str = "suppress") -> pd.DataFrame:
    """Participants per 1,000 residents for every area of the scope at `level` ('lsoa',
    'msoa' or 'place'), zero included; rates and intervals are NaN where withheld
    or where an area has no residents."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    areas = db.query(con, "measures/area_counts", level=level, preset=resolved.scope.preset)
    if level != "lsoa":
        areas = areas.drop(columns=["imd_decile", "imd_rank", "core20"])
    ids = [AREA_CELL[level](code, resolved.place) for code in areas["area_code"]]
    return rate_table(areas, policy, _area_cells(con, resolved, policy, ids, areas["participants"].to_numpy()))


def gradient_from_deciles(deciles: pd.DataFrame, policy: Policy, scope_name: str,
                          protected: Protected | None = None) -> dict:
    """docs/methods.md section 4 from residents and participants per national IMD decile (pure).

    Deciles with residents in the scope enter the slope index (stats.slope_index), computed
    from the protected decile counts (`protected`, from their family); fewer than five
    deciles, no participants at all, or a decile whose count is hidden (the index would let
    it be worked out), and sii/rii/interval are None with the reason in words. Shown to two
    significant figures when disclosure control is on.
    """
    table = rate_table(deciles.rename(columns={"imd_decile": "decile"}), policy, protected)
    present = deciles["population"].to_numpy() > 0
    counts = (protected.values if protected is not None
              else deciles["participants"].to_numpy())
    hidden = table["suppressed"].to_numpy(dtype=bool)
    result = {
        "sii": None, "rii": None, "sii_ci_low": None, "sii_ci_high": None, "rii_ci_low": None, "rii_ci_high": None,
        "fitted_most_deprived": None, "fitted_least_deprived": None,
        "deciles_present": int(present.sum()),
        "deciles": [
            {
                "decile": int(row.decile),
                "population": int(row.population),
                "participants": row.participants,
                "rate_per_1000": _num(row.rate_per_1000),
                "ci_low": _num(row.ci_low),
                "ci_high": _num(row.ci_high),
                "suppressed": bool(row.suppressed),
            }
            for row in table.itertuples()
        ],
        "reason": None,
        "method": (
            "Slope index of inequality of participants per 1,000 residents across national IMD "
            "deciles (Low & Low 2004, PHEindicatormethods): weighted least squares on the "
            "population-midpoint rank, 1 = most deprived; sii = fitted rate at the most deprived "
            "end minus the least deprived end; rii = sii / overall rate; 95% interval by "
            f"simulation ({stats.SII_REPETITIONS:,} draws; standard errors from exact Poisson limits "
            "below 10 participants, Byar's from 10)."
            + (" Computed from the protected decile counts and shown to two significant figures."
               if policy.on else "")
        ),
    }
    if present.sum() < MIN_DECILES:
        result["reason"] = (
            f"only {int(present.sum())} national IMD decile(s) have residents in {scope_name}; "
            f"the slope index needs at least {MIN_DECILES}"
        )
        return result
    if counts[present].sum() == 0:
        result["reason"] = f"no participants living in {scope_name} in the period"
        return result
    if (hidden & present).any():
        n = int((hidden & present).sum())
        result["reason"] = (
            f"withheld to protect privacy: {n} of the deciles ha{'s' if n == 1 else 've'} between 1 and "
            f"{policy.threshold} participants (or {'is' if n == 1 else 'are'} hidden with them), shown as *, "
            "and the slope index and its relative form would let those counts be worked out"
        )
        return result
    fit = stats.slope_index(deciles["population"].to_numpy()[present], counts[present])
    result.update(sii=policy.index(fit.sii), rii=policy.index(fit.rii), sii_ci_low=policy.index(fit.ci_low),
                  sii_ci_high=policy.index(fit.ci_high), rii_ci_low=policy.index(fit.rii_ci_low),
                  rii_ci_high=policy.index(fit.rii_ci_high),
                  fitted_most_deprived=policy.index(fit.fitted_most_deprived),
                  fitted_least_deprived=policy.index(fit.fitted_least_deprived))
    return result


def gradient(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The deprivation gradient of engagement: sii, rii, sii_ci_low, sii_ci_high, the fitted rates
    at the most and least deprived ends (the line the SII is the drop of), the ten
    deciles (residents, participants, rate with its interval), deciles_present, and the
    reason when it cannot be computed or is withheld."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    deciles = db.query(con, "measures/decile_counts")
    ids = [("decile", resolved.place, int(d)) for d in deciles["imd_decile"]]
    protected = _area_cells(con, resolved, policy, ids, deciles["participants"].to_numpy())
    return gradient_from_deciles(deciles, policy, resolved.name, protected)
