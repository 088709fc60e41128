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
from wpc.measures import stats
from wpc.measures.disclosure import Policy
from wpc.measures.prepare import begin
from wpc.measures.scope import Scope

LEVELS = ("lsoa", "msoa", "place")
MIN_DECILES = 5


def _num(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def coverage(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Core20 LSOAs in the scope, how many had at least one participant living there in the
    period, and that share; with the scope's overall engagement rate per 1,000 residents."""
    _resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    row = db.query(con, "measures/coverage").iloc[0]
    known = int(db.query(con, "measures/participants_summary").iloc[0]["known_area"])
    core20_lsoas, reached = int(row["core20_lsoas"]), int(row["core20_lsoas_reached"])
    value, hidden = policy.protect_one(known)
    rate, low, high = stats.rate_interval(value, int(row["population"]))
    return {
        "core20_lsoas": core20_lsoas,
        "core20_lsoas_reached": reached,
        "share": reached / core20_lsoas if core20_lsoas else None,
        "lsoas": int(row["lsoas"]),
        "residents": int(row["population"]),
        "participants_living_here": policy.show_one(known),
        "rate_per_1000": None if hidden else _num(rate),
        "rate_ci_low": None if hidden else _num(low),
        "rate_ci_high": None if hidden else _num(high),
    }


def cold_spots(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Core20 LSOAs of the scope with no participant living there in the period, most deprived
    first: lsoa_code, lsoa_name, msoa_name, place, imd_rank, imd_decile, population."""
    begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    return db.query(con, "measures/cold_spots")


def rate_table(areas: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Engagement rate per 1,000 residents with Byar's 95% interval for each area (pure).

    `areas` has population and participants; the areas are one table for disclosure
    (the scope's total can be read elsewhere, so one small area would otherwise be derivable).
    """
    protected = policy.protect(areas["participants"].to_numpy())
    rate, low, high = stats.rate_interval(protected.values, areas["population"].to_numpy())
    out = areas.drop(columns=["participants"]).copy()
    out["participants"] = pd.Series(protected.shown(), index=areas.index, dtype=object)
    hidden = protected.suppressed
    out["rate_per_1000"] = np.where(hidden, np.nan, rate)
    out["ci_low"] = np.where(hidden, np.nan, low)
    out["ci_high"] = np.where(hidden, np.nan, high)
    out["suppressed"] = hidden
    return out


def area_rates(con: duckdb.DuckDBPyConnection, scope: Scope, level: str = "lsoa",
               disclosure: str = "suppress") -> pd.DataFrame:
    """Participants per 1,000 residents for every area of the scope at `level` ('lsoa',
    'msoa' or 'place'), zero included; rates and Byar's intervals are NaN where withheld
    or where an area has no residents."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    areas = db.query(con, "measures/area_counts", level=level, preset=resolved.scope.preset)
    if level != "lsoa":
        areas = areas.drop(columns=["imd_decile", "imd_rank", "core20"])
    return rate_table(areas, policy)


def gradient_from_deciles(deciles: pd.DataFrame, policy: Policy, scope_name: str) -> dict:
    """docs/methods.md section 4 from residents and participants per national IMD decile (pure).

    Deciles with residents in the scope enter the slope index (stats.slope_index); fewer than
    five, or no participants at all, and sii/rii/interval are None with the reason.
    """
    table = rate_table(deciles.rename(columns={"imd_decile": "decile"}), policy)
    present = deciles["population"].to_numpy() > 0
    counts = policy.protect(deciles["participants"].to_numpy()).values
    result = {
        "sii": None, "rii": None, "sii_ci_low": None, "sii_ci_high": None,
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
            f"simulation ({stats.SII_REPETITIONS:,} draws, Byar standard errors)."
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
    fit = stats.slope_index(deciles["population"].to_numpy()[present], counts[present])
    result.update(sii=fit.sii, rii=fit.rii, sii_ci_low=fit.ci_low, sii_ci_high=fit.ci_high)
    return result


def gradient(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The deprivation gradient of engagement: sii, rii, sii_ci_low, sii_ci_high, the ten
    deciles (residents, participants, rate with Byar's interval), deciles_present, and the
    reason when it cannot be computed."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    deciles = db.query(con, "measures/decile_counts")
    return gradient_from_deciles(deciles, policy, resolved.name)
