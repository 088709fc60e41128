"""Targets and how many more (docs/methods.md sections 16 and 17): each target of the preset with
its status for the ICS and each place, as a word and a mark (never colour alone), and one
sentence per target that is short: how many more people (or activities) would close the gap.
Shown on the Overview and Reach gaps, in workshop mode, the place pack and `wpc report`."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.measures import targets as measure
from wpc.measures.scope import Scope
from wpc.views import charts, naming
from wpc.views.format import listed, number, pct, plural
from wpc.views.parts import Table

# A status as a mark and a word: readable without colour, in print and by a screen reader.
MARKS = {measure.MET: "✓", measure.NOT_MET: "✗", measure.UNCLEAR: "?"}
WORDS = {measure.MET: "Met", measure.NOT_MET: "Not met", measure.UNCLEAR: "Not yet clear"}
NO_STATUS = "– No figure to judge"
# What "more" means for a target of activities (MORE_ACTIVITY: one).
MORE_ACTIVITIES = {
    "feedback_on_time": "activities that report back on time",
    "co_design_share": "co-design or co-production activities",
    "equality_monitoring": "activities with equality monitoring",
}
COLUMNS = ("Scope", "Target", "Aim", "Now", "95% CI", "Status", "More to reach", "More to be sure", "By",
           "Source")


@dataclass(frozen=True)
class Targets:
    """The targets of one scope (the ICS and its places, or one place)."""

    name: str
    empty: bool  # the preset sets no target for this scope
    summary: str
    table: Table
    more: tuple[str, ...]  # one "how many more" sentence per target that is short of its aim
    chart: go.Figure | None = None  # each target's figure and interval against a tick at its aim


@dataclass(frozen=True)
class ShortOfResidents:
    """How many more from each category of a dimension below its share of residents."""

    sentences: tuple[str, ...]
    no_baseline: str | None  # PLUS groups without a residents' baseline, said in words


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Targets:
    resolved = measures.resolve(con, scope)
    rows = measure.targets(con, scope, disclosure)
    period = naming.in_period(resolved.scope)
    return Targets(
        name=resolved.name, empty=not rows, summary=summary(resolved.name, rows, resolved.place is None),
        table=Table("targets", f"Targets: {resolved.name}", targets_display(rows),
                    slide_columns=(("Scope",) if resolved.place is None else ()) + (
                        "Target", "Aim", "Now", "Status", "More to reach")),
        more=tuple(filter(None, (more_sentence(row, period) for row in rows))),
        chart=targets_chart(rows, with_scope=resolved.place is None) if rows else None,
    )


def applies(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    """Whether the preset sets any target for the scope (no measure is computed)."""
    resolved = measures.resolve(con, scope)
    return bool(measure.applicable(resolved.preset, resolved.place))


def short_of_residents(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str,
                       disclosure: str = "suppress") -> ShortOfResidents:
    """For Reach gaps: how many more from each category of `dimension` whose share of
    participants is below its share of residents (a group without a target, section 16)."""
    resolved = measures.resolve(con, scope)
    table = measures.reach(con, scope, dimension, disclosure)
    period = naming.in_period(resolved.scope)
    short = measure.short_of_residents(table)
    sentences = tuple(residents_sentence(row, resolved.name, period) for row in short)
    missing = None
    if dimension == "inclusion_group":
        without = [row["label"] for row in table.to_dict("records")
                   if row["category"] != "unknown" and pd.isna(row["population_share"])]
        if without:
            missing = (f"No residents' baseline is given for {listed(without)} in {resolved.name}: no reach "
                       "flag, target or 'how many more' can be worked out for them. The preset file may give one "
                       "([[baselines]]: the About page's methods, section 17).")
    return ShortOfResidents(sentences, missing)


# ---------- words and tables (pure: measure rows in)


def status_text(status: str | None) -> str:
    """'✓ Met', '✗ Not met', '? Not yet clear', or that there is no figure to judge."""
    return f"{MARKS[status]} {WORDS[status]}" if status in MARKS else NO_STATUS


def _is_ratio(row: dict) -> bool:
    return row["measure"] == "representation_ratio"


def _what(row: dict) -> str:
    """'Core20 share of participants', 'Representation ratio: Unpaid carers'."""
    return f"{row['label']}: {row['group']}" if _is_ratio(row) and row.get("group") else row["label"]


def _figure(row: dict, value) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if _is_ratio(row) else pct(value)


def aim_text(row: dict) -> str:
    """The target as people read it: 'at least 14.8% (residents' share)', 'at least 60.0%',
    'a ratio of at least 1.00'."""
    if row["target"] is None:
        return "–"
    if _is_ratio(row):
        return f"a ratio of at least {row['target']:.2f}"
    residents = row["measure"] == "core20_share" and row.get("residents_share") == row["target"]
    return f"at least {pct(row['target'])}" + (" (residents' share)" if residents else "")


def interval_text(row: dict) -> str:
    if row["ci_low"] is None or row["ci_high"] is None:
        return "–"
    return f"{_figure(row, row['ci_low'])} to {_figure(row, row['ci_high'])}"


# The chart's markers: the reach flags' shapes and colours (wpc.views.charts), named for targets.
STATUS_FLAGS = {measure.MET: "over", measure.NOT_MET: "under", measure.UNCLEAR: "ok"}
STATUS_LEGEND = {"over": "✓ Met", "under": "✗ Not met", "ok": "? Not yet clear", None: "No figure"}


def targets_chart(rows: list[dict], with_scope: bool = True) -> go.Figure:
    """Each target's figure with its 95% interval against a black tick at its aim, marked by
    status in shape and colour. Everything is drawn as a share: a representation ratio target
    as the share of participants it asks for (aim x residents' share); the table gives the ratio.
    For the whole ICS (`with_scope`) one target is drawn, for the ICS and each place, labelled by
    place (every target on one chart would not fit a screen); the table lists them all."""
    if with_scope:
        first = (rows[0]["measure"], rows[0]["category"])
        rows = [row for row in rows if (row["measure"], row["category"]) == first]
    def as_share(row, value):
        if value is None:
            return None
        return value * row["residents_share"] if _is_ratio(row) and row["residents_share"] else value

    frame = pd.DataFrame({
        "label": [row["scope"] if with_scope else _what(row) for row in rows],
        "engaged_share": [as_share(row, row["value"]) for row in rows],
        "ci_low": [as_share(row, row["ci_low"]) for row in rows],
        "ci_high": [as_share(row, row["ci_high"]) for row in rows],
        "population_share": [as_share(row, row["target"]) for row in rows],
        "flag": [STATUS_FLAGS.get(row["status"]) for row in rows],
        "suppressed": [row["value"] is None for row in rows],
    })
    title = f"{_what(rows[0])} (%), with 95% interval, against the target" if with_scope else (
        "Share now (%), with 95% interval, against its target")
    return charts.share_intervals(frame, population_name="Target", flag_names=STATUS_LEGEND,
                                  share_title=title)


def targets_display(rows: list[dict]) -> pd.DataFrame:
    """The targets as a table people read: one row per target and scope, the status as a mark
    and a word."""
    return pd.DataFrame([{
        "Scope": row["scope"],
        "Target": _what(row),
        "Aim": aim_text(row),
        "Now": _figure(row, row["value"]),
        "95% CI": interval_text(row),
        "Status": status_text(row["status"]),
        "More to reach": number(row["more_to_reach"]) if row["more_to_reach"] is not None else "–",
        "More to be sure": number(row["more_to_be_sure"]) if row["more_to_be_sure"] is not None else "–",
        "By": row["date"] or "–",
        "Source": row["source"],
    } for row in rows], columns=list(COLUMNS))


def summary(name: str, rows: list[dict], whole_ics: bool = True) -> str:
    """'Of the 10 targets for Mid and South Essex and its places, none is met yet, 7 are not met
    and 3 are not yet clear (judged on the 95% interval, not the point).'"""
    if not rows:
        return (f"No targets are set for {name}. The preset file may set them ([[targets]]: the About page's "
                "methods, section 16).")
    counts = {status: sum(row["status"] == status for row in rows) for status in (*measure.STATUSES, None)}
    parts = [f"{number(counts[measure.MET])} met", f"{number(counts[measure.NOT_MET])} not met",
             f"{number(counts[measure.UNCLEAR])} not yet clear"]
    if counts[None]:
        parts.append(f"{number(counts[None])} with no figure to judge")
    where = f"{name} and its places" if whole_ics else name
    return (f"Of the {plural(len(rows), 'target')} for {where}: {listed(parts)}. A target is met when the whole "
            "95% interval is at or above it, not met when the whole interval is below it, and not yet clear "
            "otherwise.")


MORE_ACTIVITY = {
    "feedback_on_time": "activity that reports back on time",
    "co_design_share": "co-design or co-production activity",
    "equality_monitoring": "activity with equality monitoring",
}


def _noun(row: dict, how_many: int) -> str:
    if row["unit"] == "activities":
        return (MORE_ACTIVITY if how_many == 1 else MORE_ACTIVITIES)[row["measure"]]
    people = "participant" if how_many == 1 else "participants"
    if row["measure"] == "core20_share":
        return f"Core20 {people}"
    return f"{people} from {row['group']}" if row.get("group") else people


def more_sentence(row: dict, period: str = "in this period") -> str | None:
    """'86 more Core20 participants in Thurrock across all dates would close the gap to the target
    (Core20 share of participants at least 14.8% (residents' share)); with 135 more it would be
    clearly met.' None when the target is met or the numbers cannot be shown."""
    more, sure = row["more_to_reach"], row["more_to_be_sure"]
    if row["status"] == measure.MET or more is None:
        return None
    goal = f"{_what(row)} {aim_text(row)}"
    if more == 0:
        words = f"{row['scope']} is at its target ({goal}) but not clearly yet"
        return words + (f": {number(sure)} more {_noun(row, sure)} would make it clearly met." if sure else ".")
    words = (f"{number(more)} more {_noun(row, more)} in {row['scope']} {period} would close the gap to the "
             f"target ({goal})")
    return words + ("." if sure is None else f"; with {number(sure)} more it would be clearly met.")


def residents_sentence(row: dict, name: str, period: str = "in this period") -> str:
    """'120 more participants from Asian, Asian British or Asian Welsh in Lewisham in the period
    … would bring their share up to the residents' 21.4%; 180 more would clear it beyond chance.'"""
    if row["more_to_reach"] is None:
        return (f"{row['label']}: {pct(row['engaged_share'])} of participants against "
                f"{pct(row['residents_share'])} "
                "of residents; how many more cannot be worked out from counts hidden to protect privacy.")
    people = "participant" if row["more_to_reach"] == 1 else "participants"
    words = (f"{number(row['more_to_reach'])} more {people} from {row['label']} in {name} {period} would bring "
             f"their share ({pct(row['engaged_share'])}) up to the residents' {pct(row['residents_share'])}")
    if row["more_to_be_sure"] is not None:
        words += f"; {number(row['more_to_be_sure'])} more would put it beyond chance"
    return words + "."
