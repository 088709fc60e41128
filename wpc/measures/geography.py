"""Geography below place (docs/methods.md section 3, geography below place): reach, Core20 reach
and the engagement rate per 1,000 residents by district, by rural/urban class (the ONS Rural
Urban Classification 2021 of each LSOA) and by primary care network.

Every area's participants are those living there (home LSOA known and in the scope), in the
period, as for every area-based measure. For each area:

- reach: its share of the scope's participants against its share of the scope's residents
  (Wilson interval; flag under / over / ok, as on any reach dimension);
- rate: participants per 1,000 residents with its 95% interval (stats.rate_interval); `rate_flag`
  lower / higher / ok against the scope's overall rate;
- Core20 reach: the share of its participants living in Core20 LSOAs against the share of its
  residents who do (Wilson interval; flag).

Disclosure: the areas' participant counts are one table (complementary suppression); within
each area, its Core20 and other participants are one table; every count shown gets its
cell-key change (docs/disclosure.md), keyed to the people it counts.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wpc import db, vocab
from wpc.measures import families, stats
from wpc.measures.disclosure import Policy
from wpc.measures.prepare import begin
from wpc.measures.scope import Scope

LEVELS: dict[str, str] = {
    "district": "District",
    "rural_urban": "Rural or urban",
    "ruc_class": "Rural Urban Classification",
    "pcn": "Primary care network (PCN)",
}
ORDER = {"rural_urban": list(vocab.RURAL_URBAN), "ruc_class": list(vocab.RUC_CLASSES)}
COLUMNS = [
    "level", "area_code", "area_name", "places", "lsoas", "population", "population_share", "participants",
    "engaged_share", "ci_low", "ci_high", "gap_pp", "ratio", "flag", "rate_per_1000", "rate_ci_low",
    "rate_ci_high", "rate_flag", "core20_population_share", "core20_participants", "core20_share",
    "core20_ci_low", "core20_ci_high", "core20_gap_pp", "core20_flag", "suppressed",
]


def _num(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def rate_flag(low: float | None, high: float | None, overall: float | None) -> str | None:
    """'lower' when the interval lies wholly below the scope's overall rate, 'higher' when wholly
    above, otherwise 'ok'; None when either is withheld."""
    if low is None or high is None or overall is None:
        return None
    if high < overall:
        return "lower"
    if low > overall:
        return "higher"
    return "ok"


def breakdown_table(level: str, areas: pd.DataFrame, policy: Policy, everyone: int | None = None) -> pd.DataFrame:
    """The measures of one level from its areas' residents and participants (pure).

    `areas`: area_code, area_name, places, lsoas, population, core20_population, participants,
    core20_participants (participants living there); key_sum and core20_key_sum, their record
    keys' sums (without them, as in tests of hand values, counts are not changed). `everyone`:
    the scope's participants living in it as shown everywhere else (protected in the area
    family); by default the areas' sum."""
    if areas.empty:
        return pd.DataFrame(columns=COLUMNS)
    areas = areas.reset_index(drop=True)
    keyed = "key_sum" in areas.columns
    protected = policy.protect(areas["participants"].to_numpy(), keys=areas["key_sum"].to_numpy() if keyed else None)
    values, hidden, shown = protected.values, protected.suppressed, protected.shown()
    everyone = policy.total(int(areas["participants"].sum())) if everyone is None else int(everyone)
    residents = int(areas["population"].sum())
    overall = everyone / residents * 1000 if residents else None
    share_low, share_high = stats.wilson_interval(np.minimum(values, everyone), np.full(len(values), everyone))
    rate, rate_low, rate_high = stats.rate_interval(values, areas["population"].to_numpy())
    rows = []
    for i, area in enumerate(areas.itertuples(index=False)):
        withheld = bool(hidden[i])
        population_share = area.population / residents if residents else None
        share = None if withheld or not everyone else values[i] / everyone
        low = None if share is None else _num(share_low[i])
        high = None if share is None else _num(share_high[i])
        r_low = None if withheld or not area.population else _num(rate_low[i])
        r_high = None if withheld or not area.population else _num(rate_high[i])
        core20 = policy.protect([int(area.core20_participants), int(area.participants - area.core20_participants)],
                                keys=[int(area.core20_key_sum), int(area.key_sum - area.core20_key_sum)] if keyed else None)
        core20_hidden = withheld or bool(core20.suppressed.any())
        n_area = int(core20.values.sum())
        core20_share = None if core20_hidden or not n_area else core20.values[0] / n_area
        c_low = c_high = None
        if core20_share is not None:
            c_low, c_high = (float(x) for x in stats.wilson_interval(min(core20.values[0], n_area), n_area))
        core20_population_share = area.core20_population / area.population if area.population else None
        rows.append({
            "level": level,
            "area_code": area.area_code,
            "area_name": area.area_name,
            "places": area.places,
            "lsoas": int(area.lsoas),
            "population": int(area.population),
            "population_share": population_share,
            "participants": shown[i],
            "engaged_share": share,
            "ci_low": low,
            "ci_high": high,
            "gap_pp": None if share is None or population_share is None else 100 * (share - population_share),
            "ratio": None if share is None or not population_share else share / population_share,
            "flag": stats.flag(low, high, population_share),
            "rate_per_1000": None if withheld or not area.population else _num(rate[i]),
            "rate_ci_low": r_low,
            "rate_ci_high": r_high,
            "rate_flag": rate_flag(r_low, r_high, overall),
            "core20_population_share": core20_population_share,
            "core20_participants": SUPPRESSED if withheld else core20.shown()[0],
            "core20_share": core20_share,
            "core20_ci_low": c_low,
            "core20_ci_high": c_high,
            "core20_gap_pp": None if core20_share is None or core20_population_share is None
            else 100 * (core20_share - core20_population_share),
            "core20_flag": stats.flag(c_low, c_high, core20_population_share),
            "suppressed": withheld,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


SUPPRESSED = "*"


def area_breakdown(con: duckdb.DuckDBPyConnection, scope: Scope, level: str,
                   disclosure: str = "suppress") -> pd.DataFrame:
    """Reach, rate and Core20 reach for every area of the scope at `level` (LEVELS), in the
    classification's order (districts and PCNs by code; LSOAs with no PCN last). Empty for
    'pcn' when no GP registrations have been imported for the scope's LSOAs."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    areas = db.query(con, "measures/area_breakdown", level=level)
    known = policy.cells(lambda: families.get(con, resolved, "area"), [("known", resolved.place)],
                         [int(areas["participants"].sum())])
    everyone = 0 if known.suppressed[0] else int(known.values[0])
    if level == "pcn" and (areas["area_code"] != "none").sum() == 0:
        areas = areas.iloc[0:0]
    if level in ORDER:
        rank = {code: i for i, code in enumerate(ORDER[level])}
        areas = areas.assign(_rank=areas["area_code"].map(rank).fillna(len(rank))).sort_values(
            ["_rank", "area_code"], kind="stable").drop(columns="_rank")
        if level == "ruc_class":
            areas["area_name"] = areas["area_code"].map(vocab.RUC_CLASSES).fillna(areas["area_name"])
    return breakdown_table(level, areas, policy, everyone)


def gp_registrations_imported(con: duckdb.DuckDBPyConnection) -> str | None:
    """The GP registrations file last imported by `wpc init --gp-registrations` (None if none)."""
    return db.get_meta(con, "gp_registrations")


def geography_levels() -> list[str]:
    return list(LEVELS)


def geography(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Every level of `area_breakdown` as lists of plain rows (for `wpc report --json`)."""
    from wpc.measures.plain import records

    return {level: records(area_breakdown(con, scope, level, disclosure)) for level in LEVELS}
