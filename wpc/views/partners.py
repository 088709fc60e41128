"""Partners: which kinds of partner (ICB, NHS trusts, primary care, local authorities,
Healthwatch, VCSE) ran the scope's activities, and whom their activities reached: each type's
share of the activities, its participants' Core20 share against the residents', and its cost per
Core20 participant (docs/methods.md section 8, what works). Aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.measures.scope import Scope
from wpc.views import charts, naming
from wpc.views.compare import extreme
from wpc.views.format import activity_count, count, listed, number, pct
from wpc.views.parts import Table
from wpc.views.what_works import what_works_display

SHARE_COLUMNS = ("Share of activities", "Core20 share", "95% CI from", "95% CI to", "Residents in Core20 areas")


@dataclass(frozen=True)
class Partners:
    name: str
    empty: bool  # no activity in the scope
    sentence: str
    activities_chart: go.Figure
    reach_sentence: str
    reach_chart: go.Figure
    table: Table
    note: str  # what 'Not recorded' means, and how to record the type


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Partners:
    resolved = measures.resolve(con, scope)
    rows = measures.partners(con, scope, disclosure)
    name = resolved.name
    return Partners(
        name=name, empty=rows.empty,
        sentence=activities_sentence(name, rows, naming.in_period(resolved.scope)),
        activities_chart=charts.share_bars(list(rows["label"]), list(rows["activity_share"])),
        reach_sentence=reach_sentence(name, rows, naming.in_period(resolved.scope)),
        reach_chart=charts.share_intervals(rows, population_name="Residents in Core20 areas",
                                           share_title="Participants living in Core20 areas (%), with 95% interval"),
        table=Table("partner-types", f"Activities and Core20 reach by partner type: {name}", partners_display(rows),
                    SHARE_COLUMNS, ("Gap (points)",),
                    slide_columns=("Partner type", "Activities", "Share of activities", "Core20 share"),
                    threshold=resolved.threshold),
        note=("Partner type is the organisation type given with each activity (see the data standard). "
              "'Not recorded' counts activities uploaded without it: add the organisation type column to the "
              "activity log and upload it again to place them."),
    )


def partners_display(rows: pd.DataFrame) -> pd.DataFrame:
    """measures.partners rows as a table (pure): what works by partner type (wpc.views.what_works),
    with each type's share of the activities and its gap to the residents' share, and no total cost."""
    table = what_works_display(rows, "Partner type").drop(columns="Cost")
    table.insert(2, "Share of activities", pd.to_numeric(rows["activity_share"], errors="coerce").to_numpy())
    table.insert(table.columns.get_loc("Flag"), "Gap (points)",
                 [None if g is None or pd.isna(g) else round(float(g), 1) for g in rows["gap_pp"]])
    return table


def activities_sentence(scope_name: str, rows: pd.DataFrame, period: str = "in this period") -> str:
    """Which partner type ran the most activities, and how many had no type recorded."""
    typed = rows[rows["organisation_type"] != "not recorded"]
    if rows.empty:
        return f"{scope_name} held no engagement activities {period}."
    if typed.empty:
        return f"None of {scope_name}'s activities has a partner type recorded."
    top = extreme(typed, "activities", number, lowest=False)
    first = top.iloc[0]
    missing = int(rows.loc[rows["organisation_type"] == "not recorded", "activities"].sum())
    tail = f"; {activity_count(missing)} had no partner type recorded" if missing else ""
    if len(top) > 1:
        return (f"{listed([mid_sentence(label) for label in top['label']])} partners ran the most of "
                f"{scope_name}'s activities {period}, tied at {activity_count(int(first['activities']))} "
                f"each ({pct(first['activity_share'])} of them){tail}.")
    return (f"{first['label']} partners ran the most of {scope_name}'s activities {period}: "
            f"{activity_count(int(first['activities']))}, {pct(first['activity_share'])} of them{tail}.")


def mid_sentence(label: str) -> str:
    """A partner type's label inside a sentence: 'Primary care' -> 'primary care'; names and
    initials ('Healthwatch', 'NHS trust', 'VCSE') as they are."""
    return label.lower() if label in ("Primary care", "Local authority", "Other") else label


def reach_sentence(scope_name: str, rows: pd.DataFrame, period: str = "in this period") -> str:
    """Whose activities reached Core20 residents most and least, against the residents' share."""
    shown = rows[(rows["organisation_type"] != "not recorded") & rows["engaged_share"].notna()]
    if shown.empty:
        return f"No partner type's Core20 share in {scope_name} can be shown {period}."
    high = extreme(shown, "engaged_share", pct, lowest=False)
    low = extreme(shown, "engaged_share", pct, lowest=True)
    baseline = pct(high.iloc[0]["population_share"])
    if len(high) == len(shown):
        who = "every partner type's" if len(shown) > 1 else f"{mid_sentence(high.iloc[0]['label'])} partners'"
        return (f"{pct(high.iloc[0]['engaged_share'])} of {who} participants live in Core20 areas, against "
                f"{baseline} of {scope_name}'s residents.")
    one = len(high) == 1
    said = (f"{count(high.iloc[0]['participants'])} participants" if one
            else "participants at each")
    return (f"The highest Core20 share was at {_types(high)} partners' activities "
            f"({pct(high.iloc[0]['engaged_share'])} of {said}) and the lowest at "
            f"{_types(low)} partners' ({pct(low.iloc[0]['engaged_share'])}), against {baseline} of "
            f"{scope_name}'s residents living in Core20 areas.")


def _types(rows: pd.DataFrame) -> str:
    """Tied partner types named together, as they read inside a sentence."""
    return listed([mid_sentence(label) for label in rows["label"]])
