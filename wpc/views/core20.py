"""Core20 reach: the share of participants living in the most deprived 20% of England against
the share of residents who do (docs/methods.md section 2), for the ICS and each of its places."""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.measures.scope import Scope
from wpc.views import charts
from wpc.views.compare import extreme, names
from wpc.views.format import SUPPRESSED, gap_words, number, pct, plural
from wpc.views.parts import Table
from wpc.views.reach import reach_table

CORE20_COLUMNS = ["area", "place", "engaged", "engaged_share", "ci_low", "ci_high", "population_share",
                  "gap_pp", "ratio", "flag", "suppressed"]
POPULATION_NAME = "Residents in Core20 areas"
SHARE_TITLE = "Core20 share of participants (%), with 95% interval"


@dataclass(frozen=True)
class Core20Places:
    """Core20 reach for the ICS and each place, the scope's own area highlighted."""

    name: str
    here: dict  # the scope's own row (measures.core20 keys)
    chart: go.Figure
    sentences: tuple[str, str]  # the scope's reach; how the places compare
    table: Table


def places(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Core20Places:
    """Core20 reach by place for the scope's ICS (its period and filters), the scope's area
    highlighted: every place of the ICS is compared whichever is chosen."""
    resolved = measures.resolve(con, scope)
    rows = by_place(con, whole_ics(scope), disclosure)
    here = rows[rows["area"] == resolved.name].iloc[0].to_dict()
    chart = charts.share_intervals(rows, label_column="area", highlight=resolved.name,
                                   population_name=POPULATION_NAME, share_title=SHARE_TITLE)
    table = reach_table(rows, "core20-by-place", "Core20 reach: the ICS and each place", resolved.threshold,
                        label_column="area", label_title="Area")
    return Core20Places(resolved.name, here, chart,
                        (core20_reach(resolved.name, here), core20_places(resolved.preset.name, rows)), table)


def by_place(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Core20 reach for the whole ICS, then each of its places, with the scope's period and
    activity filters (the scope's own place is ignored, so places can be compared). One row
    per area: area (display name), place (None for the ICS) and the measures.core20 keys."""
    preset = measures.resolve(con, scope).preset
    rows = [{"area": preset.name, "place": None, **measures.core20(con, whole_ics(scope), disclosure)}]
    each = measures.core20_places(con, scope, disclosure)
    rows += [{"area": place, "place": place, **each[place]} for place in preset.place_names]
    return pd.DataFrame(rows, columns=CORE20_COLUMNS)


def whole_ics(scope: Scope) -> Scope:
    """The same scope for the whole ICS."""
    return replace(scope, place=None)


def interval_words(row: dict) -> str:
    """What the 95% interval says about the gap, for a reach row with a flag."""
    interval = f"The 95% interval ({pct(row['ci_low'])} to {pct(row['ci_high'])})"
    if row.get("flag") == "under":
        return f"{interval} is wholly below the residents' share, so the gap is unlikely to be chance."
    if row.get("flag") == "over":
        return f"{interval} is wholly above the residents' share, so the difference is unlikely to be chance."
    return f"{interval} includes the residents' share, so the difference may be chance."


def core20_reach(scope_name: str, core20: dict) -> str:
    """docs/dashboard.md: 'In Lambeth, 24.0% of participants whose home is known live in the most
    deprived fifth of England, against 31.0% of residents: 7.0 points short.', and what its
    95% interval says about the gap."""
    share = core20.get("engaged_share")
    if share is None:
        if core20.get("engaged") == SUPPRESSED:
            return (f"In {scope_name}, so few participants live in the most deprived fifth of England "
                    "that the number is hidden (*) and no share is shown.")
        return (f"In {scope_name}, no participant with a known home took part in this period, so Core20 "
                "reach cannot be measured.")
    where = (f"In {scope_name}, {pct(share)} of participants whose home is known live in the most "
             "deprived fifth")
    if core20.get("population_share") is None:
        return f"{where} of England."
    if not core20["population_share"]:
        return f"{where} of England; none of the area's residents do."
    return (f"{where} of England, against {pct(core20['population_share'])} of residents: "
            f"{gap_words(core20['gap_pp'])}. {interval_words(core20)}")


def _against(row) -> str:
    return (f"{pct(row['engaged_share'])} of participants against {pct(row['population_share'])} of "
            f"residents")


def _gap_detail(rows) -> str:
    """'2.7% of participants against 3.5% of residents: 0.8 points short' for one place; for
    tied places the gap once and each place's shares."""
    first = rows.iloc[0]
    if len(rows) == 1:
        return f"{_against(first)}: {gap_words(first['gap_pp'])}"
    each = "; ".join(f"{row['area']} {_against(row)}" for row in rows.to_dict("records"))
    return f"{gap_words(first['gap_pp'])} each: {each}"


def core20_places(ics_name: str, rows) -> str:
    """How the places' Core20 reach compares with their residents' share: the largest and
    smallest gap below it, the largest margin above it, the lowest and highest reach (each named
    as what it is; tied places named together), and how many intervals lie wholly below.
    `rows` are `by_place` rows (the ICS first)."""
    places = rows[rows["place"].notna() & rows["gap_pp"].notna()]
    if places.empty:
        return f"No place in {ics_name} has enough participants with a known home to compare."
    total = len(places)
    if total == 1:
        only = places.iloc[0]
        return (f"{only['area']} is the only place that can be compared: {_gap_detail(places)}.")
    rounded = places["gap_pp"].astype(float).round(1)
    short, above = places[rounded < 0], places[rounded > 0]
    if short.empty:
        words = [f"No place in {ics_name} falls short of its residents' Core20 share."]
    else:
        how_many = f"all {number(total)}" if len(short) == total else f"{number(len(short))} of"
        words = [f"Core20 reach falls short of the residents' share in {how_many} places of {ics_name}."]
        widest = extreme(short, "gap_pp", gap_words, lowest=True)
        said = f"The largest gap is in {names(widest, 'area')} ({_gap_detail(widest)})"
        if len(widest) < len(short):
            narrowest = extreme(short, "gap_pp", gap_words, lowest=False)
            said += f"; the smallest gap is in {names(narrowest, 'area')} ({_gap_detail(narrowest)})"
        words.append(said + ".")
    if not above.empty:
        most = extreme(above, "gap_pp", gap_words, lowest=False)
        words.append(f"Reach is above the residents' share in {plural(len(above), 'place')}; the largest "
                     f"margin is in {names(most, 'area')} ({_gap_detail(most)}).")
    level = places[rounded == 0]
    if not level.empty:
        words.append(f"Reach is level with the residents' share in {names(level, 'area')}.")
    lowest = extreme(places, "engaged_share", pct, lowest=True)
    highest = extreme(places, "engaged_share", pct, lowest=False)
    if len(lowest) == total:
        words.append(f"Reach itself is {pct(lowest.iloc[0]['engaged_share'])} in every place.")
    else:
        words.append(f"Reach itself is lowest in {names(lowest, 'area')} "
                     f"({pct(lowest.iloc[0]['engaged_share'])}) and highest in {names(highest, 'area')} "
                     f"({pct(highest.iloc[0]['engaged_share'])}).")
    under = int((places["flag"] == "under").sum())
    words.append(f"In {number(under)} of {plural(total, 'place')} the whole 95% interval lies below the "
                 "residents' share.")
    return " ".join(words)
