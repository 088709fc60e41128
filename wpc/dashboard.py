"""What the dashboard's pages show, gathered from the measures (wpc.measures) for one scope.

Every function that reads the database takes a connection first and a `Scope`, like the
measures, so pages call it through `wpc.ui.cache.call`; workshop mode and slide packs reuse
them. Nothing here recomputes a measure: these functions only gather, join and pick, so
every number on a page is the number `wpc report` prints for the same scope.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from wpc import population
from wpc.format import quarter
from wpc.measures import area_rates, core20, core20_places, feedback, ladder, participants, quality, resolve
from wpc.measures.scope import Scope
from wpc.presets import Preset

# Rungs 6 and 7 of the ladder of participation (DESIGN 4.6): co-design and co-production.
CO_PRODUCTION_RUNGS = (6, 7)
FEEDBACK_KEYS = ("activities", "closed", "closed_on_time", "closed_late", "overdue", "not_yet_due",
                 "share_closed_on_time")
CORE20_COLUMNS = ["area", "place", "engaged", "engaged_share", "ci_low", "ci_high", "population_share",
                  "gap_pp", "ratio", "flag", "suppressed"]


def core20_by_place(con: duckdb.DuckDBPyConnection, scope: Scope,
                    disclosure: str = "suppress") -> pd.DataFrame:
    """Core20 reach (DESIGN 4.2) for the whole ICS, then each of its places, with the scope's
    period and activity filters (the scope's own place is ignored, so places can be compared).
    One row per area: area (display name), place (None for the ICS) and the core20 keys."""
    preset = resolve(con, scope).preset
    rows = [{"area": preset.name, "place": None, **core20(con, whole_ics(scope), disclosure)}]
    places = core20_places(con, scope, disclosure)
    rows += [{"area": place, "place": place, **places[place]} for place in preset.place_names]
    return pd.DataFrame(rows, columns=CORE20_COLUMNS)


def whole_ics(scope: Scope) -> Scope:
    """The same scope for the whole ICS: what core20_by_place is asked with, so that one
    cached table serves every place of the ICS."""
    return replace(scope, place=None)


def ladder_depth(rungs: pd.DataFrame) -> dict:
    """Activities at co-design or co-production (rungs 6-7) from a ladder table (pure).

    The share is of the activities with a rung recorded, as every ladder share is
    (docs/methods.md section 6), so it equals the sum of the report's rung 6 and 7 shares."""
    recorded = rungs[rungs["rung"].notna()]
    top = int(recorded.loc[recorded["rung"].isin(CO_PRODUCTION_RUNGS), "activities"].sum())
    with_rung = int(recorded["activities"].sum())
    return {
        "activities": int(rungs["activities"].sum()),
        "with_rung": with_rung,
        "co_production": top,
        "share": top / with_rung if with_rung else None,
    }


def overview(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The headlines of the scope: participants, Core20 reach, activities, depth of
    involvement (ladder rungs 6-7), the feedback loop and data quality."""
    loop = feedback(con, scope, disclosure)
    return {
        "participants": participants(con, scope, disclosure),
        "core20": core20(con, scope, disclosure),
        "activities": loop["activities"],
        "depth": ladder_depth(ladder(con, scope, disclosure)),
        "feedback": {key: loop[key] for key in FEEDBACK_KEYS},
        "quality": quality(con, scope, disclosure),
    }


def focus_category(reach_rows: pd.DataFrame) -> str:
    """The category a reach page looks at first (pure): Core20 for deprivation, otherwise
    the category furthest below its residents' share, else the first category."""
    categories = reach_rows[reach_rows["category"] != "unknown"]
    if categories.empty:
        return "1"
    if (categories["dimension"] == "imd_quintile").all() and "1" in set(categories["category"]):
        return "1"
    gaps = pd.to_numeric(categories["gap_pp"], errors="coerce")
    if gaps.notna().any():
        return str(categories.loc[gaps.idxmin(), "category"])
    return str(categories["category"].iloc[0])


def coverage_map(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Every LSOA of the scope (the whole ICS when no place is chosen) with its boundary, IMD
    decile, residents, participants living there ('*' when hidden), rate per 1,000 with
    Byar's interval (NaN when withheld), and `cold_spot` (Core20 and nobody reached)."""
    resolved = resolve(con, scope)
    areas = population.lsoas_for_map(con, resolved.scope.preset, resolved.scope.place)
    rates = area_rates(con, scope, "lsoa", disclosure)[
        ["area_code", "participants", "rate_per_1000", "ci_low", "ci_high", "suppressed"]]
    merged = areas.merge(rates, left_on="lsoa21cd", right_on="area_code", how="left", validate="one_to_one")
    merged = merged.drop(columns=["area_code"])
    reached_nobody = merged["participants"].map(lambda n: n == 0)
    merged["cold_spot"] = merged["core20"].astype(bool) & reached_nobody
    return merged


# ---------- tables as people read them (pure): plain column names, shares kept as 0-1 fractions

FLAG_WORDS = {
    "under": "Below residents' share",
    "over": "Above residents' share",
    "ok": "Within chance of residents' share",
}


def _flag_words(flag) -> str | None:
    return FLAG_WORDS.get(flag) if isinstance(flag, str) else None


def _points(gap) -> float | None:
    return None if gap is None or pd.isna(gap) else round(float(gap), 1)


def reach_display(rows: pd.DataFrame, label_column: str = "label",
                  label_title: str = "Category") -> pd.DataFrame:
    """Reach rows (measures.reach, or core20_by_place with label_column='area') as a table."""
    return pd.DataFrame({
        label_title: rows[label_column].to_numpy(),
        "Participants": rows["engaged"].to_numpy(),
        "Share of participants": pd.to_numeric(rows["engaged_share"], errors="coerce").to_numpy(),
        "95% CI from": pd.to_numeric(rows["ci_low"], errors="coerce").to_numpy(),
        "95% CI to": pd.to_numeric(rows["ci_high"], errors="coerce").to_numpy(),
        "Residents' share": pd.to_numeric(rows["population_share"], errors="coerce").to_numpy(),
        "Gap (points)": [_points(g) for g in rows["gap_pp"]],
        "Flag": [_flag_words(f) for f in rows["flag"]],
    })


SHARE_COLUMNS = ("Share of participants", "95% CI from", "95% CI to", "Residents' share")
ONE_DECIMAL_COLUMNS = ("Gap (points)", "Per 1,000 residents", "95% CI from", "95% CI to")


def unknown_row(rows: pd.DataFrame) -> dict:
    """The 'unknown' row of a reach table: its count ('*' if hidden) and share of all participants."""
    row = rows[rows["category"] == "unknown"].iloc[0]
    share = row["engaged_share"]
    return {"engaged": row["engaged"], "share": None if share is None or pd.isna(share) else float(share)}


def has_baseline(rows: pd.DataFrame) -> bool:
    """Whether a reach table has residents' shares to compare with (inclusion groups have none)."""
    return bool(pd.to_numeric(rows["population_share"], errors="coerce").notna().any())


def categories(rows: pd.DataFrame) -> dict[str, str]:
    """A reach table's categories (unknown left out) as code -> label, in order."""
    known = rows[rows["category"] != "unknown"]
    return dict(zip(known["category"], known["label"], strict=True))


def trend_display(trend: pd.DataFrame) -> pd.DataFrame:
    """measures.reach_trend rows as a table, one row per quarter."""
    table = reach_display(trend).drop(columns=["Category"])
    table.insert(0, "Quarter", [quarter(q) for q in trend["quarter"]])
    return table


def coverage_display(areas: pd.DataFrame) -> pd.DataFrame:
    """coverage_map rows (most deprived first) as the table behind the map."""
    return pd.DataFrame({
        "LSOA": areas["lsoa21cd"].to_numpy(),
        "Name": areas["lsoa21nm"].to_numpy(),
        "Neighbourhood (MSOA)": areas["msoa21nm"].to_numpy(),
        "Place": areas["place"].to_numpy(),
        "IMD rank": areas["imd_rank"].to_numpy(),
        "IMD decile": areas["imd_decile"].to_numpy(),
        "Residents": areas["population"].to_numpy(),
        "Participants": areas["participants"].to_numpy(),
        "Per 1,000 residents": [None if pd.isna(r) else round(float(r), 1) for r in areas["rate_per_1000"]],
        "Cold spot": ["Yes" if c else "" for c in areas["cold_spot"]],
    })


def cold_spots_display(spots: pd.DataFrame) -> pd.DataFrame:
    """measures.cold_spots rows (most deprived first) as a table."""
    return pd.DataFrame({
        "LSOA": spots["lsoa_code"].to_numpy(),
        "Name": spots["lsoa_name"].to_numpy(),
        "Neighbourhood (MSOA)": spots["msoa_name"].to_numpy(),
        "Place": spots["place"].to_numpy(),
        "IMD rank": spots["imd_rank"].to_numpy(),
        "IMD decile": spots["imd_decile"].to_numpy(),
        "Residents": spots["population"].to_numpy(),
    })


def rates_display(rates: pd.DataFrame, area_title: str = "Neighbourhood (MSOA)") -> pd.DataFrame:
    """measures.area_rates rows as a table: residents, participants, rate per 1,000 and interval."""
    def one(value):
        return None if pd.isna(value) else round(float(value), 1)

    return pd.DataFrame({
        area_title: rates["area_name"].to_numpy(),
        "Code": rates["area_code"].to_numpy(),
        "Place": rates["place"].to_numpy(),
        "Residents": rates["population"].to_numpy(),
        "Participants": rates["participants"].to_numpy(),
        "Per 1,000 residents": [one(v) for v in rates["rate_per_1000"]],
        "95% CI from": [one(v) for v in rates["ci_low"]],
        "95% CI to": [one(v) for v in rates["ci_high"]],
    })


def group_label(preset: Preset, code: str) -> str:
    """A target group code as people read it (Core20, or the preset's PLUS group label)."""
    return "Core20" if code == "core20" else preset.plus_group_label(code)


def fatigue_tables(fatigue: dict, preset: Preset) -> dict[str, pd.DataFrame]:
    """measures.fatigue as two tables: neighbourhoods at or over the limit, and overlapping
    activities (target groups by their labels)."""
    high = [row for row in fatigue["neighbourhoods"] if row["high"]]
    neighbourhoods = pd.DataFrame({
        "Neighbourhood (MSOA)": [row["msoa_name"] for row in high],
        "Code": [row["msoa_code"] for row in high],
        "Place": [row["place"] for row in high],
        "Activities in the window": [row["activities"] for row in high],
    })
    overlaps = pd.DataFrame({
        "Place": [row["place"] for row in fatigue["overlaps"]],
        "Target group": [group_label(preset, row["target_group"]) for row in fatigue["overlaps"]],
        "Activities": [row["activities"] for row in fatigue["overlaps"]],
        "At or over the limit": ["Yes" if row["high"] else "" for row in fatigue["overlaps"]],
        "Titles": ["; ".join(row["titles"]) for row in fatigue["overlaps"]],
    })
    return {"neighbourhoods": neighbourhoods, "overlaps": overlaps}
