"""What works: which methods, organisations and kinds of partner reach people living in Core20
areas, and at what cost (docs/methods.md section 8). Each row: its participants, their Core20
share with Wilson's 95% interval against the share of the scope's residents living in Core20
areas, its cost and its cost per Core20 participant. Aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures, vocab
from wpc.measures import stats
from wpc.measures.scope import Scope
from wpc.views import charts, naming
from wpc.views.compare import extreme, names
from wpc.views.format import money, pct, plural
from wpc.views.parts import Table
from wpc.views.reach import FLAG_WORDS

# breakdown -> (the measure's key and column, its name in a table, its plural in a sentence)
BREAKDOWNS: dict[str, tuple[str, str, str, str]] = {
    "method": ("by_method", "method", "Method", "methods"),
    "organisation": ("by_organisation", "organisation", "Organisation", "organisations"),
    "organisation_type": ("by_organisation_type", "organisation_type", "Partner type", "partner types"),
}
DEFAULT_BREAKDOWN = "organisation_type"
NOT_RECORDED = ("not recorded", "Not recorded")
CAPTION = ("Each dot is the share of participants (with a known home) living in Core20 areas, the most deprived "
           "fifth of England, with its 95% interval, highest first; the black tick is the share of residents who "
           "do. The table puts the lowest cost per Core20 participant first; cost counts only activities with a "
           "cost recorded.")
SHARE_COLUMNS = ("Core20 share", "95% CI from", "95% CI to", "Residents in Core20 areas")
COLUMNS = ["label", "activities", "participants", "core20_engaged", "engaged_share", "ci_low", "ci_high",
           "population_share", "flag", "cost_gbp", "per_core20_participant", "suppressed"]


@dataclass(frozen=True)
class WhatWorks:
    name: str
    breakdown: str
    label: str  # 'Method', 'Organisation' or 'Partner type'
    empty: bool  # no activity in the scope
    sentence: str  # who reached the highest and lowest Core20 share
    cost_sentence: str  # who had the lowest and highest cost per Core20 participant
    chart: go.Figure  # Core20 share with its interval, highest first, against the residents' share
    table: Table  # lowest cost per Core20 participant first
    rows: pd.DataFrame  # the rows behind both, highest Core20 share first


def build(con: duckdb.DuckDBPyConnection, scope: Scope, breakdown: str = DEFAULT_BREAKDOWN,
          disclosure: str = "suppress") -> WhatWorks:
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"no breakdown {breakdown!r}: use one of {', '.join(BREAKDOWNS)}")
    key, column, label, many = BREAKDOWNS[breakdown]
    resolved = measures.resolve(con, scope)
    works = measures.what_works(con, scope, disclosure)[key]
    residents = measures.core20(con, scope, disclosure)["population_share"]
    rows = what_works_rows(works, column, residents)
    period = naming.in_period(resolved.scope)
    return WhatWorks(
        name=resolved.name, breakdown=breakdown, label=label, empty=rows.empty,
        sentence=reach_sentence(resolved.name, rows, many, period),
        cost_sentence=cost_sentence(rows, many),
        chart=charts.share_intervals(rows, population_name="Residents in Core20 areas",
                                     share_title="Participants living in Core20 areas (%), with 95% interval"),
        table=Table(f"what-works-{breakdown.replace('_', '-')}",
                    f"What works by {label.lower()}: {resolved.name}, lowest cost per Core20 participant first",
                    what_works_display(by_value(rows), label), SHARE_COLUMNS,
                    slide_columns=(label, "Participants", "Core20 share", "Cost per Core20 participant"),
                    threshold=resolved.threshold),
        rows=rows,
    )


def _label(breakdown_column: str, name: str) -> str:
    if breakdown_column == "organisation_type":
        return vocab.ORGANISATION_TYPES.get(name, NOT_RECORDED[1])
    if name in NOT_RECORDED:
        return NOT_RECORDED[1]
    return naming.capital(name) if breakdown_column == "method" else str(name)


def what_works_rows(records: list[dict], column: str, population_share: float | None) -> pd.DataFrame:
    """measures.what_works rows of one breakdown, labelled and flagged against the residents'
    Core20 share (pure), highest Core20 share first; withheld shares and 'Not recorded' last."""
    rows = pd.DataFrame([{
        "label": _label(column, r[column]),
        **{k: r[k] for k in ("activities", "participants", "core20_engaged", "engaged_share", "ci_low", "ci_high",
                             "cost_gbp", "per_core20_participant", "suppressed")},
        "population_share": population_share,
        "flag": stats.flag(r["ci_low"], r["ci_high"], population_share),
    } for r in records], columns=COLUMNS)
    if rows.empty:
        return rows
    share = pd.to_numeric(rows["engaged_share"], errors="coerce")
    order = rows.assign(_recorded=rows["label"].eq(NOT_RECORDED[1]), _share=-share.fillna(-1))
    return order.sort_values(["_recorded", "_share", "label"], kind="stable").drop(
        columns=["_recorded", "_share"]).reset_index(drop=True)


def by_value(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with the lowest cost per Core20 participant first; those without one after, by
    their Core20 share (pure)."""
    cost = pd.to_numeric(rows["per_core20_participant"], errors="coerce")
    order = rows.assign(_no_cost=cost.isna(), _cost=cost.fillna(0))
    return order.sort_values(["_no_cost", "_cost"], kind="stable").drop(columns=["_no_cost", "_cost"])


def what_works_display(rows: pd.DataFrame, label: str) -> pd.DataFrame:
    """Rows as a table people read (pure)."""
    number = pd.to_numeric
    return pd.DataFrame({
        label: rows["label"].to_numpy(),
        "Activities": rows["activities"].to_numpy(),
        "Participants": rows["participants"].to_numpy(),
        "Core20 participants": rows["core20_engaged"].to_numpy(),
        "Core20 share": number(rows["engaged_share"], errors="coerce").to_numpy(),
        "95% CI from": number(rows["ci_low"], errors="coerce").to_numpy(),
        "95% CI to": number(rows["ci_high"], errors="coerce").to_numpy(),
        "Residents in Core20 areas": number(rows["population_share"], errors="coerce").to_numpy(),
        "Flag": [FLAG_WORDS.get(f) if isinstance(f, str) else None for f in rows["flag"]],
        "Cost": [_money(v) for v in rows["cost_gbp"]],
        "Cost per Core20 participant": [_money(v) for v in rows["per_core20_participant"]],
    })


def _money(value) -> str:
    return "–" if value is None or pd.isna(value) else money(float(value))


def _shown(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows with a value in `column`, 'Not recorded' left out (it is no one approach)."""
    return rows[(rows["label"] != NOT_RECORDED[1]) & pd.to_numeric(rows[column], errors="coerce").notna()]


def reach_sentence(scope_name: str, rows: pd.DataFrame, many: str, period: str = "in this period") -> str:
    """Which rows reached the highest and lowest Core20 share, ties named together, against the
    residents' share (pure)."""
    if rows.empty:
        return f"{scope_name} held no engagement activities {period}."
    shown = _shown(rows, "engaged_share")
    if shown.empty:
        return (f"The Core20 share of {scope_name}'s {many} cannot be shown {period}: each is withheld to "
                "protect privacy or has no participants with a known home.")
    residents = pct(shown.iloc[0]["population_share"])
    high = extreme(shown, "engaged_share", pct, lowest=False)
    low = extreme(shown, "engaged_share", pct, lowest=True)
    if len(high) == len(shown):
        who = names(high, "label", many[:-1])
        return (f"{pct(high.iloc[0]['engaged_share'])} of participants at {who} {period} live in Core20 areas, "
                f"against {residents} of {scope_name}'s residents.")
    return (f"Of {scope_name}'s {many} {period}, the highest Core20 share of participants was at "
            f"{names(high, 'label', many[:-1])} ({pct(high.iloc[0]['engaged_share'])}"
            f"{_interval(high)}) and the lowest at {names(low, 'label', many[:-1])} "
            f"({pct(low.iloc[0]['engaged_share'])}{_interval(low)}), against {residents} of its residents "
            "living in Core20 areas.")


def _interval(rows: pd.DataFrame) -> str:
    """', 95% CI 10.0% to 14.1%' for one row; nothing for tied rows (their intervals differ)."""
    if len(rows) != 1:
        return " each"
    row = rows.iloc[0]
    return f", 95% CI {pct(row['ci_low'])} to {pct(row['ci_high'])}"


def cost_sentence(rows: pd.DataFrame, many: str) -> str:
    """The lowest and highest cost per Core20 participant, ties named together (pure)."""
    shown = _shown(rows, "per_core20_participant")
    unpriced = len(rows[rows["label"] != NOT_RECORDED[1]]) - len(shown)
    tail = (f" {plural(unpriced, many[:-1], many)} ha{'s' if unpriced == 1 else 've'} no cost per Core20 "
            "participant to show (no cost recorded, or its count withheld)." if unpriced else "")
    if shown.empty:
        return (f"None of the {many} has a cost per Core20 participant to show: record each activity's "
                "cost (cost_gbp) to compare them.")
    low = extreme(shown, "per_core20_participant", _money, lowest=True)
    high = extreme(shown, "per_core20_participant", _money, lowest=False)
    if len(low) == len(shown):
        return (f"Each Core20 participant cost {_money(low.iloc[0]['per_core20_participant'])} at "
                f"{names(low, 'label', many[:-1])}.{tail}")
    return (f"The lowest cost per Core20 participant was at {names(low, 'label', many[:-1])} "
            f"({_money(low.iloc[0]['per_core20_participant'])}) and the highest at "
            f"{names(high, 'label', many[:-1])} ({_money(high.iloc[0]['per_core20_participant'])}).{tail}")

