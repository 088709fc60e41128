"""Targets and how many more (docs/methods.md section 16): each target of the preset, for the
ICS and every place it covers, with its value, 95% interval, a status judged from the interval
(never the point), and the extra participants (or activities) needed to reach it.

Every number comes from the measures as they are shown after disclosure control: a share,
interval and count are those of the reach table, the feedback loop, the ladder or data quality;
a target whose count is hidden has no status and no "how many more" (never recomputed from the
raw counts).
"""

from __future__ import annotations

import math
from dataclasses import replace

import duckdb
import pandas as pd

from wpc import presets, vocab
from wpc.measures import stats
from wpc.measures.activity import co_design_share, feedback, ladder
from wpc.measures.disclosure import SUPPRESSED, Policy
from wpc.measures.plain import plain
from wpc.measures.prepare import begin
from wpc.measures.quality import quality
from wpc.measures.reach import deprivation_places, reach
from wpc.measures.scope import Scope
from wpc.measures.shortfall import more_to_be_sure, more_to_reach

MET, NOT_MET, UNCLEAR = "met", "not met", "not yet clear"
STATUSES = (MET, NOT_MET, UNCLEAR)
# What is counted towards each measure, for "how many more".
UNITS = {"core20_share": "participants", "representation_ratio": "participants",
         "feedback_on_time": "activities", "co_design_share": "activities", "equality_monitoring": "activities"}

TARGET_KEYS = ["measure", "label", "scope", "place", "dimension", "category", "group", "target",
               "residents_share", "value", "ci_low", "ci_high", "status", "more_to_reach", "more_to_be_sure",
               "unit", "date", "source", "note"]


def status(ci_low: float | None, ci_high: float | None, target: float | None) -> str | None:
    """Met when the 95% lower bound is at or above the target, not met when the upper bound is
    below it, otherwise not yet clear; None when there is no interval or no target."""
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (ci_low, ci_high, target)):
        return None
    if ci_low >= target:
        return MET
    if ci_high < target:
        return NOT_MET
    return UNCLEAR


def shortfall(engaged, known, target_share: float | None) -> tuple[int | None, int | None]:
    """How many more from the group for the share to reach `target_share`, and for its 95% lower
    bound to clear it (wpc.measures.shortfall), from the counts as shown: None when either is
    hidden ("*") or there is no target."""
    if target_share is None or any(v is None or v == SUPPRESSED for v in (engaged, known)):
        return None, None
    x, n = int(engaged), int(known)
    x = min(x, n)  # each count has its own small change, so a shown part may exceed its whole
    return more_to_reach(x, n, target_share), more_to_be_sure(x, n, target_share)


def targets(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> list[dict]:
    """Every target of the scope's preset that applies to it: for the ICS, each target for the
    ICS and every place (place omitted) or for its one place; for a place, the targets for
    every place and its own. One dict per target and scope (TARGET_KEYS), ICS first, then the
    places in the preset's order."""
    resolved, policy = begin(con, scope, disclosure)
    preset = resolved.preset
    wanted = applicable(preset, scope.place)
    order = [None, *preset.place_names]
    out = []
    deprivation = None
    for place in sorted(wanted, key=order.index):  # one place's measures at a time: its scope tables once
        here = replace(scope, place=place)
        measured: dict = {}
        for target in wanted[place]:
            whole_ics = scope.place is None
            if target.measure == "core20_share" and whole_ics and place is not None and deprivation is None:
                # the places of a whole ICS from one build of its tables, as the Overview compares them
                deprivation = deprivation_places(con, scope, disclosure)
            row = _evaluate(con, here, disclosure, policy, target, measured, deprivation)
            out.append({"scope": place or preset.name, "place": place, "measure": target.measure,
                        "label": target.label, "dimension": target.dimension, "category": target.category,
                        "group": _group(preset, target), "date": target.date, "source": target.source,
                        "unit": UNITS[target.measure], **row})
    return [plain({key: row.get(key) for key in TARGET_KEYS}) for row in out]


def applicable(preset: presets.Preset, place: str | None) -> dict[str | None, list[presets.Target]]:
    """The preset's targets that apply to a scope (place None: the ICS), by the place each is
    judged in (None: the ICS), as `targets` describes."""
    wanted: dict[str | None, list[presets.Target]] = {}
    for target in preset.targets:
        if place is not None:
            places = [place] if target.place in (None, place) else []
        else:
            places = [None, *preset.place_names] if target.place is None else [target.place]
        for where in places:
            wanted.setdefault(where, []).append(target)
    return wanted


def _group(preset, target) -> str | None:
    if target.measure == "core20_share":
        return presets.CORE20_LABEL
    if target.measure != "representation_ratio":
        return None
    if target.dimension == "inclusion_group":
        return preset.plus_group_label(target.category)
    return vocab.DIMENSIONS[target.dimension].get(target.category, target.category)


def _evaluate(con, scope: Scope, disclosure: str, policy: Policy, target, measured: dict,
              deprivation: dict | None) -> dict:
    if target.measure == "core20_share":
        if deprivation is not None and scope.place is not None:
            return core20_target(deprivation[scope.place], target.value)
        if "imd" not in measured:  # the scope's own reach table (a place report builds no other scope)
            measured["imd"] = reach(con, scope, "imd_quintile", disclosure)
        return core20_target(measured["imd"], target.value)
    if target.measure == "representation_ratio":
        key = ("reach", target.dimension)
        if key not in measured:
            measured[key] = reach(con, scope, target.dimension, disclosure)
        return ratio_target(measured[key], target.category, target.value, policy)
    if target.measure == "feedback_on_time":
        if "feedback" not in measured:
            measured["feedback"] = feedback(con, scope, disclosure)
        loop = measured["feedback"]
        return activity_target(loop["closed_on_time"], loop["closed"] + loop["overdue"], target.value, policy)
    if target.measure == "co_design_share":
        if "depth" not in measured:
            measured["depth"] = co_design_share(ladder(con, scope, disclosure))
        depth = measured["depth"]
        return activity_target(depth["co_production"], depth["with_rung"], target.value, policy)
    if "quality" not in measured:
        measured["quality"] = quality(con, scope, disclosure)
    q = measured["quality"]
    return activity_target(q["activities"] - q["activities_without_equality_monitoring"], q["activities"],
                           target.value, policy)


def _known(table: pd.DataFrame, category: str):
    """The protected number a category's share is of (a derived PLUS group's own, else the table's)."""
    return table.attrs.get("known_by_group", {}).get(category, table.attrs.get("known"))


def core20_target(table: pd.DataFrame, value) -> dict:
    """A Core20 share target from an IMD quintile reach table (pure): `value` a share, or
    'residents' for at least the residents' Core20 share."""
    row = table[table["category"] == "1"].iloc[0]
    residents = plain(row["population_share"])
    goal = residents if value == presets.RESIDENTS else float(value)
    low, high = plain(row["ci_low"]), plain(row["ci_high"])
    shown = plain(row["engaged_share"]) is not None
    more, sure = shortfall(row["engaged"], _known(table, "1"), goal) if shown else (None, None)
    return {"target": goal, "residents_share": residents, "value": plain(row["engaged_share"]), "ci_low": low,
            "ci_high": high, "status": status(low, high, goal), "more_to_reach": more, "more_to_be_sure": sure,
            "note": None if goal is not None else "no residents' Core20 share to compare with"}


def ratio_target(table: pd.DataFrame, category: str, value: float, policy: Policy) -> dict:
    """A representation ratio target from a reach table (pure): the ratio of the category's
    share of participants to its share of residents, with its interval (the share's divided by
    the residents' share); judged and counted on shares (target x residents' share)."""
    found = table[table["category"] == category]
    empty = {"target": float(value), "residents_share": None, "value": None, "ci_low": None, "ci_high": None,
             "status": None, "more_to_reach": None, "more_to_be_sure": None}
    if found.empty:
        return {**empty, "note": "nobody in this category took part"}
    row = found.iloc[0]
    residents = plain(row["population_share"])
    if not residents:
        return {**empty, "note": ("no residents' baseline is given for this group" if residents is None
                                  else "no residents in this category")}
    share, low, high = (plain(row[k]) for k in ("engaged_share", "ci_low", "ci_high"))
    goal = float(value) * residents
    more, sure = (None, None) if share is None else shortfall(row["engaged"], _known(table, category), goal)
    return {**empty, "residents_share": residents,
            "value": None if share is None else policy.ratio(share / residents),
            "ci_low": None if low is None else policy.ratio(low / residents),
            "ci_high": None if high is None else policy.ratio(high / residents),
            "status": status(low, high, goal), "more_to_reach": more, "more_to_be_sure": sure,
            "note": None if share is not None else "the count is hidden by disclosure control"}


def activity_target(successes: int, judged: int, value: float, policy: Policy) -> dict:
    """A share of activities (not of people: no disclosure control) against a target, with
    its 95% Wilson interval."""
    empty = not judged
    share = None if empty else successes / judged
    low, high = (None, None) if empty else (float(v) for v in stats.wilson_interval(successes, judged))
    more, sure = (None, None) if empty else (more_to_reach(successes, judged, value),
                                             more_to_be_sure(successes, judged, value))
    low, high = policy.share(low), policy.share(high)
    return {"target": float(value), "residents_share": None, "value": policy.share(share), "ci_low": low,
            "ci_high": high, "status": status(low, high, float(value)), "more_to_reach": more,
            "more_to_be_sure": sure, "note": "no activities to judge" if empty else None}


def short_of_residents(table: pd.DataFrame) -> list[dict]:
    """Each category of a reach table whose share of participants is below its share of
    residents, with how many more from it would reach that share and clear it (pure): the
    "how many more" of a group that has no target (section 16)."""
    rows = []
    for row in table.to_dict("records"):
        share, residents = plain(row["engaged_share"]), plain(row["population_share"])
        if share is None or not residents or share >= residents:
            continue
        more, sure = shortfall(row["engaged"], _known(table, row["category"]), residents)
        rows.append({"category": row["category"], "label": row["label"], "engaged_share": share,
                     "residents_share": residents, "more_to_reach": more, "more_to_be_sure": sure})
    return rows
