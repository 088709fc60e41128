"""Below place: reach, Core20 reach and the engagement rate per 1,000 residents by district (for
places of several districts), by rural and urban neighbourhoods (the ONS Rural Urban
Classification 2021) and by primary care network, with 95% intervals and flags
(docs/methods.md section 3, geography below place). Aggregates only: no list of records."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.measures.scope import Scope
from wpc.views import charts
from wpc.views.compare import extreme, names
from wpc.views.format import count, gap_words, pct, plural, rate
from wpc.views.parts import Table
from wpc.views.reach import FLAG_WORDS

RATE_FLAG_WORDS = {"lower": "Below the overall rate", "higher": "Above the overall rate",
                   "ok": "Within chance of the overall rate"}
SHARE_COLUMNS = ("Residents' share", "Share of participants", "95% CI from", "95% CI to",
                 "Core20 residents' share", "Core20 share of participants")
ONE_DECIMAL_COLUMNS = ("Gap (points)", "Per 1,000 residents", "Rate 95% CI from", "Rate 95% CI to")
PCN_HOW = ("Reach by primary care network needs NHS England's patients registered at a GP practice by LSOA: "
           "download gp-reg-pat-prac-lsoa-all.csv and run `wpc init --gp-registrations FILE` (README, Command "
           "line). Each neighbourhood is then counted in the PCN with most of its registered patients.")

PCN_NONE_HERE = ("None of {name}'s neighbourhoods is in the GP registrations imported: import a file that covers "
                 "its practices with `wpc init --gp-registrations FILE` to see its primary care networks.")


@dataclass(frozen=True)
class Level:
    """One way of dividing the scope below place."""

    level: str
    title: str
    sentence: str
    share_chart: go.Figure | None  # share of participants against residents' share
    rate_chart: go.Figure | None  # participants per 1,000 residents against the overall rate
    table: Table


@dataclass(frozen=True)
class Geography:
    name: str
    empty: bool  # nobody living in the scope took part
    rural_gap: str  # the one sentence a place lead needs on rural and urban neighbourhoods
    levels: tuple[Level, ...]  # districts (only for a scope of several), rural/urban, the six classes, PCNs
    pcn_note: str | None  # how to see PCNs, when no GP registrations have been imported


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Geography:
    resolved = measures.resolve(con, scope)
    name, threshold = resolved.name, resolved.threshold
    rows = {level: measures.area_breakdown(con, scope, level, disclosure) for level in measures.geography_levels()}
    overall = overall_rate(rows["rural_urban"])
    levels = []
    if len(rows["district"]) > 1:
        levels.append(_level("district", "By district", rows["district"], name, overall, threshold,
                             district_sentence(name, rows["district"])))
    levels.append(_level("rural_urban", "Rural and urban neighbourhoods", rows["rural_urban"], name, overall,
                         threshold, rates_sentence(name, rows["rural_urban"])))
    levels.append(_level("ruc_class", "The six rural and urban classes", rows["ruc_class"], name, overall,
                         threshold, classes_sentence(name, rows["ruc_class"])))
    assigned = bool(len(rows["pcn"]))  # empty when none of the scope's LSOAs has a PCN
    if assigned:
        levels.append(_level("pcn", "By primary care network (PCN)", rows["pcn"], name, overall, threshold,
                             district_sentence(name, rows["pcn"], "primary care network")))
    everyone = rows["rural_urban"]
    return Geography(
        name=name, empty=bool(everyone["participants"].eq(0).all()),
        rural_gap=rural_gap(name, rows["rural_urban"]), levels=tuple(levels),
        pcn_note=None if assigned else PCN_HOW if not measures.gp_registrations_imported(con)
        else PCN_NONE_HERE.format(name=name),
    )


def _level(level: str, title: str, rows: pd.DataFrame, name: str, overall: float | None, threshold: int,
           sentence: str) -> Level:
    drawn = rows[rows["population"] > 0].rename(columns={"area_name": "label"})
    return Level(
        level=level, title=title, sentence=sentence,
        share_chart=charts.share_intervals(drawn, population_name="Residents' share") if len(drawn) else None,
        rate_chart=charts.rate_intervals(drawn, overall) if len(drawn) else None,
        table=Table(f"geography-{level.replace('_', '-')}", f"{title}: {name}", breakdown_display(rows),
                    SHARE_COLUMNS, ONE_DECIMAL_COLUMNS,
                    slide_columns=("Area", "Participants", "Share of participants", "Residents' share",
                                   "Per 1,000 residents"),
                    threshold=threshold),
    )


def overall_rate(rows: pd.DataFrame) -> float | None:
    """The scope's participants per 1,000 residents, from any level's rows (they cover it all)."""
    counts = pd.to_numeric(rows["participants"], errors="coerce")
    residents = rows["population"].sum()
    if counts.isna().any() or not residents:
        return None
    return float(counts.sum()) / residents * 1000


# ---------- tables as people read them (pure)


def _round(value, digits: int = 1):
    return None if value is None or pd.isna(value) else round(float(value), digits)


def breakdown_display(rows: pd.DataFrame) -> pd.DataFrame:
    """measures.area_breakdown rows as a table: reach, rate and Core20 reach per area."""
    number = pd.to_numeric
    return pd.DataFrame({
        "Area": rows["area_name"].to_numpy(),
        "Code": rows["area_code"].to_numpy(),
        "Residents": rows["population"].to_numpy(),
        "Residents' share": number(rows["population_share"], errors="coerce").to_numpy(),
        "Participants": rows["participants"].to_numpy(),
        "Share of participants": number(rows["engaged_share"], errors="coerce").to_numpy(),
        "95% CI from": number(rows["ci_low"], errors="coerce").to_numpy(),
        "95% CI to": number(rows["ci_high"], errors="coerce").to_numpy(),
        "Gap (points)": [_round(g) for g in rows["gap_pp"]],
        "Flag": [FLAG_WORDS.get(f) if isinstance(f, str) else None for f in rows["flag"]],
        "Per 1,000 residents": [_round(r) for r in rows["rate_per_1000"]],
        "Rate 95% CI from": [_round(r) for r in rows["rate_ci_low"]],
        "Rate 95% CI to": [_round(r) for r in rows["rate_ci_high"]],
        "Rate flag": [RATE_FLAG_WORDS.get(f) if isinstance(f, str) else None for f in rows["rate_flag"]],
        "Core20 residents' share": number(rows["core20_population_share"], errors="coerce").to_numpy(),
        "Core20 participants": rows["core20_participants"].to_numpy(),
        "Core20 share of participants": number(rows["core20_share"], errors="coerce").to_numpy(),
        "Core20 flag": [FLAG_WORDS.get(f) if isinstance(f, str) else None for f in rows["core20_flag"]],
    })


# ---------- sentences (pure)


def _row(rows: pd.DataFrame, code: str) -> dict | None:
    found = rows[rows["area_code"] == code]
    return found.iloc[0].to_dict() if len(found) else None


def rural_gap(scope_name: str, rows: pd.DataFrame) -> str:
    """The rural gap in one sentence: rural residents' share of the place against their share of
    its participants, and the two rates per 1,000."""
    rural, urban = _row(rows, "Rural"), _row(rows, "Urban")
    if rural is None or not rural["population"]:
        return f"{scope_name} has no rural neighbourhoods (ONS Rural Urban Classification 2021): all are urban."
    residents = pct(rural["population_share"], 0)
    if rural["engaged_share"] is None or pd.isna(rural["engaged_share"]):
        return (f"{residents} of {scope_name}'s residents live in rural neighbourhoods; too few participants "
                f"live there ({count(rural['participants'])}) to compare.")
    gap = rural["gap_pp"]
    judged = ", beyond chance" if rural["flag"] in ("under", "over") else ", within chance" if rural["flag"] else ""
    rates = ""
    if urban is not None and urban["rate_per_1000"] is not None and not pd.isna(urban["rate_per_1000"]):
        rates = (f": {rate(rural['rate_per_1000'])} per 1,000 rural residents took part, against "
                 f"{rate(urban['rate_per_1000'])} per 1,000 in urban neighbourhoods")
    joined = "but only" if rural["flag"] == "under" else "and"
    return (f"In {scope_name}, {residents} of residents {joined} {pct(rural['engaged_share'], 0)} of the "
            f"participants living there live in rural neighbourhoods ({gap_words(gap)}{judged}){rates}.")


def district_sentence(scope_name: str, rows: pd.DataFrame, noun: str = "district") -> str:
    """The lowest and highest rate per 1,000 across the scope's districts (or PCNs)."""
    shown = rows[pd.to_numeric(rows["rate_per_1000"], errors="coerce").notna()]
    if shown.empty:
        return f"No {noun}'s rate in {scope_name} can be shown for this period."
    low = extreme(shown, "rate_per_1000", rate, lowest=True)
    high = extreme(shown, "rate_per_1000", rate, lowest=False)
    below = int((rows["rate_flag"] == "lower").sum())
    tail = f"; {plural(below, noun)} {'is' if below == 1 else 'are'} below the overall rate beyond chance."
    if len(low) == len(shown):
        return (f"Across {plural(len(rows), noun)} of {scope_name}, participants per 1,000 residents are "
                f"{rate(low.iloc[0]['rate_per_1000'])} in every {noun} whose rate can be shown{tail}")
    return (f"Across {plural(len(rows), noun)} of {scope_name}, participants per 1,000 residents range from "
            f"{rate(low.iloc[0]['rate_per_1000'])} in {names(low, 'area_name', noun)} (the lowest rate) to "
            f"{rate(high.iloc[0]['rate_per_1000'])} in {names(high, 'area_name', noun)} (the highest){tail}")


def rates_sentence(scope_name: str, rows: pd.DataFrame) -> str:
    """Each area's rate per 1,000 with its interval, for a level of few areas (rural and urban)."""
    said = [f"{r['area_name'].lower()} residents {rate(r['rate_per_1000'])} per 1,000 (95% interval "
            f"{rate(r['rate_ci_low'])} to {rate(r['rate_ci_high'])})"
            for r in rows.to_dict("records") if r["rate_per_1000"] is not None and not pd.isna(r["rate_per_1000"])]
    if not said:
        return f"No rate in {scope_name} can be shown for this period."
    return f"Participants living in {scope_name} per 1,000 residents: " + "; ".join(said) + "."


def classes_sentence(scope_name: str, rows: pd.DataFrame) -> str:
    """Which of the six classes has the lowest rate."""
    shown = rows[(rows["population"] > 0) & pd.to_numeric(rows["rate_per_1000"], errors="coerce").notna()]
    if shown.empty:
        return f"No class's rate in {scope_name} can be shown for this period."
    low = extreme(shown, "rate_per_1000", rate, lowest=True)
    has = "has" if len(low) == 1 else "share"
    return (f"Of the {plural(len(shown), 'class', 'classes')} of neighbourhood in {scope_name}, "
            f"{names(low, 'area_name')} {has} the lowest rate: {rate(low.iloc[0]['rate_per_1000'])} "
            "participants per 1,000 residents.")
