"""The alternatives wpc is measured against: plain pandas, and the physical floor.

`pandas_report` is the core of a place report as an analyst would write it without wpc:
read the tables into DataFrames, merge, filter, group by. It covers participant counts,
reach on every dimension against census shares (Wilson intervals, gaps, ratios, flags; the
Core20 headline is reach on IMD quintile 1; PLUS groups counted from age band or home area
as well as by name), Core20 coverage and cold spots, engagement
rates per LSOA (Byar's intervals) and the deprivation gradient (SII and RII by weighted
least squares). It is written from docs/methods.md, not from wpc's code, so agreeing with
wpc is a real cross-check; `core_of_report` takes the same numbers out of `wpc report`'s
JSON and `differences` lists where the two disagree.

Scope: an ICS or one place, no period and no activity filters; engagement from individual
participant rows and headcount-only activities (the bench data has no aggregated returns,
and `pandas_report` refuses a scope that has any).

`floor_query` is the least work any implementation must do: one DuckDB scan of the
participants table, aggregated to the cells a report is built from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from wpc import vocab

Z = 1.959964
CENSUS_DIMENSIONS = ("imd_quintile", "ethnicity_group", "ethnicity", "age_band", "sex", "disability", "carer")


@dataclass
class Tables:
    participants: pd.DataFrame
    activities: pd.DataFrame
    returns: pd.DataFrame
    lsoas: pd.DataFrame
    census: pd.DataFrame
    plus_groups: dict[str, list[str]]


def load_tables(con: duckdb.DuckDBPyConnection) -> Tables:
    """The tables a report needs, read whole into DataFrames (the columns it uses)."""
    import json

    return Tables(
        participants=con.execute(
            "select activity_id, lsoa21cd, age_band, sex, ethnicity, disability, carer, inclusion_groups "
            "from participants"
        ).df(),
        activities=con.execute("select activity_id, preset, place, participants_total from activities").df(),
        returns=con.execute("select activity_id from returns").df(),
        lsoas=con.execute(
            "select lsoa21cd, preset, place, imd_rank, imd_decile, imd_quintile, core20, population, urban_rural "
            "from ref_lsoa"
        ).df(),
        census=con.execute("select lsoa21cd, dimension, category, population from ref_census_population").df(),
        plus_groups={
            preset: json.loads(config)["plus_groups"]
            for preset, config in con.execute("select preset, config_json from ref_preset").fetchall()
        },
    )


# Statistics, from their published formulas ---------------------------------------------------


def wilson(x: float, n: float) -> tuple[float, float]:
    """Wilson score interval (Newcombe 1998, method 3)."""
    if n <= 0:
        return math.nan, math.nan
    p = x / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    low, high = (centre - spread) / (1 + Z * Z / n), (centre + spread) / (1 + Z * Z / n)
    return (0.0 if x == 0 else max(low, 0.0)), (1.0 if x == n else min(high, 1.0))


def byar(observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximate 95% limits for Poisson counts."""
    o = observed.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(o > 0, o * (1 - 1 / (9 * o) - Z / (3 * np.sqrt(o))) ** 3, 0.0)
    high = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z / (3 * np.sqrt(o + 1))) ** 3
    return low, high


def count_limits(observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% limits of Poisson counts as docs/methods.md section 11 gives them (PHEindicatormethods'
    phe_rate): the exact chi-squared limits below 10, Byar's from 10."""
    from scipy.stats import chi2, norm

    o = observed.astype(float)
    tail = norm.sf(Z)
    with np.errstate(invalid="ignore"):
        exact_low = np.where(o > 0, chi2.ppf(tail, 2 * np.maximum(o, 1)) / 2, 0.0)
    exact_high = chi2.ppf(1 - tail, 2 * o + 2) / 2
    low, high = byar(observed)
    return np.where(o < 10, exact_low, low), np.where(o < 10, exact_high, high)


# The report ---------------------------------------------------------------------------------


def pandas_report(t: Tables, preset: str, place: str | None) -> dict:
    """The report's core numbers for an ICS (place None) or one of its places."""
    acts = t.activities[t.activities["preset"] == preset].copy()
    if acts["activity_id"].isin(t.returns["activity_id"]).any():
        raise ValueError("the pandas baseline does not handle aggregated returns")
    acts["in_place"] = True if place is None else acts["place"] == place
    acts["has_rows"] = acts["activity_id"].isin(t.participants["activity_id"].unique())
    headcount = int(acts.loc[~acts["has_rows"] & acts["in_place"] & (acts["participants_total"] > 0),
                             "participants_total"].sum())

    homes = t.lsoas[["lsoa21cd", "preset", "place", "imd_decile", "imd_quintile", "core20", "urban_rural"]].rename(
        columns={"preset": "home_preset", "place": "home_place"})
    rows = t.participants.merge(acts[["activity_id", "in_place"]], on="activity_id")
    rows = rows.merge(homes, on="lsoa21cd", how="left")
    lives_in_scope = (rows["home_preset"] == preset) & (True if place is None else rows["home_place"] == place)
    rows["home"] = np.select(
        [rows["lsoa21cd"].isna(), lives_in_scope, rows["home_preset"] == preset],
        ["unknown", "scope", "ics"], "out")
    at_place = rows["in_place"]
    people = {
        "known_area": int((rows["home"] == "scope").sum()),
        "out_of_area": int((at_place & (rows["home"] == "out")).sum()),
        "unknown_home": int((at_place & (rows["home"] == "unknown")).sum()) + headcount,
    }
    people["total"] = people["known_area"] + people["out_of_area"] + people["unknown_home"]

    scope_lsoas = t.lsoas[(t.lsoas["preset"] == preset) & (True if place is None else t.lsoas["place"] == place)]
    census = t.census.merge(scope_lsoas[["lsoa21cd"]], on="lsoa21cd").groupby(
        ["dimension", "category"])["population"].sum()

    reached = rows[(rows["home"] == "scope") | (at_place & (rows["home"] == "unknown"))]
    reach = []
    for dimension in vocab.DIMENSIONS:
        counts = _dimension_counts(reached, dimension)
        counts["unknown"] = counts.get("unknown", 0) + headcount
        rows_of = _reach_rows(dimension, counts, census, t.plus_groups[preset], everyone=len(reached) + headcount)
        if dimension == "inclusion_group":
            derived = _derived_groups(reached, scope_lsoas, census, t.plus_groups[preset])
            rows_of = [derived.get(row["category"], row) for row in rows_of]
        reach += rows_of
    reach = pd.DataFrame(reach)

    living = rows.loc[rows["home"] == "scope", "lsoa21cd"].value_counts()
    lsoa_rates = scope_lsoas[["lsoa21cd", "imd_rank", "imd_decile", "core20", "population"]].copy()
    lsoa_rates["participants"] = lsoa_rates["lsoa21cd"].map(living).fillna(0).astype(int)
    low, high = count_limits(lsoa_rates["participants"].to_numpy())
    per = np.where(lsoa_rates["population"] > 0, 1000 / lsoa_rates["population"], np.nan)
    lsoa_rates["rate_per_1000"] = lsoa_rates["participants"] * per
    lsoa_rates["ci_low"], lsoa_rates["ci_high"] = low * per, high * per
    lsoa_rates = lsoa_rates.sort_values(["imd_rank", "lsoa21cd"]).reset_index(drop=True)

    core20 = lsoa_rates[lsoa_rates["core20"]]
    cold = core20[core20["participants"] == 0].sort_values(["imd_rank", "lsoa21cd"])
    core20_row = reach[(reach["dimension"] == "imd_quintile") & (reach["category"] == "1")].iloc[0]
    return {
        "participants": people,
        "core20": {k: core20_row[k] for k in ("engaged", "engaged_share", "ci_low", "ci_high",
                                                "population_share", "gap_pp", "ratio", "flag")},
        "reach": reach,
        "coverage": {"core20_lsoas": len(core20), "core20_lsoas_reached": int((core20["participants"] > 0).sum()),
                     "share": (core20["participants"] > 0).mean() if len(core20) else None},
        "cold_spots": cold["lsoa21cd"].tolist(),
        "lsoa_rates": lsoa_rates[["lsoa21cd", "population", "participants", "rate_per_1000", "ci_low", "ci_high"]],
        "gradient": _gradient(lsoa_rates),
    }


def _dimension_counts(rows: pd.DataFrame, dimension: str) -> dict[str, int]:
    if dimension == "imd_quintile":
        values = rows["imd_quintile"].astype("Int64").astype("string").fillna("unknown")
    elif dimension == "ethnicity_group":
        groups = {code: group for code, (_label, group) in vocab.ETHNICITY.items()}
        values = rows["ethnicity"].map(lambda code: groups.get(code, code))
    elif dimension == "inclusion_group":
        named = rows["inclusion_groups"].map(lambda gs: [g for g in gs if g not in ("none", "unknown")])
        counts = named.explode().dropna().value_counts().to_dict()
        counts["unknown"] = int((named.map(len) == 0).sum())
        return {str(k): int(v) for k, v in counts.items()}
    else:
        values = rows[dimension]
    return {str(k): int(v) for k, v in values.value_counts().items()}


def _reach_rows(dimension, counts, census, plus_groups, everyone) -> list[dict]:
    multi = dimension == "inclusion_group"
    categories = list(plus_groups) if multi else list(vocab.DIMENSIONS[dimension])
    categories += sorted(c for c in counts if c not in categories and c != "unknown")
    known = everyone if multi else sum(v for c, v in counts.items() if c != "unknown")
    shares = None
    if dimension in CENSUS_DIMENSIONS:
        residents = census.loc[dimension] if dimension in census.index.get_level_values(0) else pd.Series(dtype=int)
        shares = residents / residents.sum() if residents.sum() > 0 else None
    out = []
    for category in categories:
        n = counts.get(category, 0)
        share = n / known if known > 0 else None
        low, high = wilson(n, known) if known > 0 else (None, None)
        population = None
        if shares is not None and (category in vocab.DIMENSIONS[dimension] or category in shares.index):
            population = float(shares.get(category, 0.0))
        flag = None
        if share is not None and population is not None:
            flag = "under" if high < population else "over" if low > population else "ok"
        out.append({
            "dimension": dimension, "category": category, "engaged": n, "engaged_share": share,
            "ci_low": low, "ci_high": high, "population_share": population,
            "gap_pp": None if share is None or population is None else 100 * (share - population),
            "ratio": None if share is None or not population else share / population, "flag": flag,
        })
    unknown = counts.get("unknown", 0)
    everyone_here = everyone if multi else known + unknown
    out.append({"dimension": dimension, "category": "unknown", "engaged": unknown,
                "engaged_share": unknown / everyone_here if everyone_here else None,
                "ci_low": None, "ci_high": None, "population_share": None, "gap_pp": None, "ratio": None,
                "flag": None})
    return out


def _derived_groups(reached: pd.DataFrame, scope_lsoas: pd.DataFrame, census,
                    plus_groups: list[str]) -> dict[str, dict]:
    """The PLUS groups a person is in by an answer or their home area as well as by naming it
    (docs/methods.md section 2, "PLUS groups counted from what people told us or where they
    live"): in the group / known, Wilson interval, against the census share of the scope's
    residents. People of headcount-only activities are not known."""
    named = reached["inclusion_groups"].map(lambda gs: set(gs) if gs is not None else set())
    # the home area is known for people living in the scope, from their LSOA's rural/urban class
    home_area = reached["urban_rural"].where(reached["home"] == "scope")
    answers = {"age_band": reached["age_band"].where(reached["age_band"] != "unknown"), "home_area": home_area}
    ages = census.loc["age_band"] if "age_band" in census.index.get_level_values(0) else pd.Series(dtype=int)
    areas = scope_lsoas.groupby("urban_rural", dropna=False)["population"].sum()
    residents = {"age_band": ages, "home_area": areas}
    out = {}
    for code in plus_groups:
        basis = vocab.PLUS_GROUP_BASIS.get(code)
        if basis is None:
            continue
        if set(basis) - set(answers) or len(basis) != 1:
            raise ValueError(f"the pandas baseline does not count PLUS group {code!r} from {', '.join(basis)}")
        (answer, values), = basis.items()
        names = named.map(lambda gs, c=code: c in gs)
        in_group = int((answers[answer].isin(values) | names).sum())
        known = int((answers[answer].notna() | names).sum())
        base = residents[answer]
        population = float(base[base.index.isin(values)].sum() / base.sum()) if base.sum() > 0 else None
        share = in_group / known if known > 0 else None
        low, high = wilson(in_group, known) if known > 0 else (None, None)
        flag = None
        if share is not None and population is not None:
            flag = "under" if high < population else "over" if low > population else "ok"
        out[code] = {"dimension": "inclusion_group", "category": code, "engaged": in_group, "engaged_share": share,
                     "ci_low": low, "ci_high": high, "population_share": population,
                     "gap_pp": None if share is None or population is None else 100 * (share - population),
                     "ratio": None if share is None or not population else share / population, "flag": flag}
    return out


def _gradient(lsoa_rates: pd.DataFrame) -> dict:
    """SII and RII of participants per 1,000 residents across national IMD deciles (Low & Low
    2004): weighted least squares of the decile rates on the population-midpoint rank."""
    deciles = lsoa_rates.groupby("imd_decile")[["population", "participants"]].sum().sort_index()
    deciles = deciles[deciles["population"] > 0]
    if len(deciles) < 5 or deciles["participants"].sum() == 0:
        return {"sii": None, "rii": None}
    weight = deciles["population"] / deciles["population"].sum()
    rank = weight.cumsum() - weight / 2
    rate = deciles["participants"] / deciles["population"] * 1000
    design = np.column_stack([np.ones(len(rank)), rank]) * np.sqrt(weight.to_numpy())[:, None]
    (_intercept, slope), *_ = np.linalg.lstsq(design, rate.to_numpy() * np.sqrt(weight.to_numpy()), rcond=None)
    sii = -slope
    mean = deciles["participants"].sum() / deciles["population"].sum() * 1000
    return {"sii": float(sii), "rii": float(sii / mean) if mean > 0 else None}


# wpc's numbers, in the same shape ----------------------------------------------------------


def core_of_report(report: dict) -> dict:
    """The same numbers from `build_report(..., disclosure='off')` (docs/methods.md section 13)."""
    rates = pd.DataFrame(report["rates"]["lsoa"]).rename(columns={"area_code": "lsoa21cd"})
    keys = ("engaged", "engaged_share", "ci_low", "ci_high", "population_share", "gap_pp", "ratio", "flag")
    return {
        "participants": {k: report["participants"][k] for k in ("total", "known_area", "out_of_area",
                                                                "unknown_home")},
        "core20": {k: report["core20"][k] for k in keys},
        "reach": pd.DataFrame(report["reach"])[["dimension", "category", *keys]],
        "coverage": {k: report["coverage"][k] for k in ("core20_lsoas", "core20_lsoas_reached", "share")},
        "cold_spots": [row["lsoa_code"] for row in report["cold_spots"]],
        "lsoa_rates": rates[["lsoa21cd", "population", "participants", "rate_per_1000", "ci_low", "ci_high"]],
        "gradient": {"sii": report["gradient"]["sii"], "rii": report["gradient"]["rii"]},
    }


def _same(a, b, tolerance: float = 1e-9) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return False
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)


def differences(ours: dict, theirs: dict, limit: int = 20) -> list[str]:
    """Where two report cores disagree (empty when they give the same numbers)."""
    found: list[str] = []
    for part in ("participants", "core20", "coverage", "gradient"):
        for key in ours[part]:
            if not _same(ours[part][key], theirs[part][key]):
                found.append(f"{part}.{key}: {ours[part][key]!r} != {theirs[part][key]!r}")
    if ours["cold_spots"] != theirs["cold_spots"]:
        found.append(f"cold_spots differ: {len(ours['cold_spots'])} vs {len(theirs['cold_spots'])} LSOAs")
    for part, key_columns in (("reach", ["dimension", "category"]), ("lsoa_rates", ["lsoa21cd"])):
        a, b = ours[part].reset_index(drop=True), theirs[part].reset_index(drop=True)
        if len(a) != len(b) or not (a[key_columns].to_numpy() == b[key_columns].to_numpy()).all():
            found.append(f"{part}: different rows ({len(a)} vs {len(b)})")
            continue
        for column in a.columns:
            for i, (x, y) in enumerate(zip(a[column].tolist(), b[column].tolist())):
                if not _same(x, y):
                    label = "/".join(str(a.loc[i, k]) for k in key_columns)
                    found.append(f"{part}[{label}].{column}: {x!r} != {y!r}")
    return found[:limit]


# The physical floor -------------------------------------------------------------------------

FLOOR_SQL = """
select lsoa21cd, ethnicity, age_band, sex, disability, carer, count(*) as participants
from participants
where activity_id in (select activity_id from activities where preset = $preset)
  and (lsoa21cd in (select lsoa21cd from ref_lsoa where preset = $preset and ($place is null or place = $place))
       or activity_id in (select activity_id from activities
                          where preset = $preset and ($place is null or place = $place)))
group by all
"""


def floor_query(con: duckdb.DuckDBPyConnection, preset: str, place: str | None) -> int:
    """One scan of participants, aggregated to the cells of a report for the scope: the
    scope's people by home LSOA and every census dimension. Returns the number of cells."""
    return len(con.execute(FLOOR_SQL, {"preset": preset, "place": place}).fetchall())
