"""The activity log (docs/methods.md section 14): the scope's activities one per row, one activity's detail,
and the profile of one activity's participants.

Like the other activity-based measures these take the activities held in the scope's places
that start in the period and pass the filters. Every count of people on these record-level
views (an activity's participants, its headcount, each category of its profile) passes the
disclosure policy, so no list ever shows a count from 1 to the threshold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd

from wpc import db, vocab
from wpc.measures.plain import plain
from wpc.measures.prepare import _vocab_ethnicity, begin, resolved_scope
from wpc.measures.reach import categories_for, reach_table
from wpc.measures.scope import Scope

FEEDBACK_STATUSES = ("closed on time", "closed late", "overdue", "not yet due")
SOURCES = {
    "individual": "individual equality-monitoring rows",
    "returns": "aggregated monitoring returns",
    "headcount": "a headcount only (no equality monitoring)",
    "none": "nothing: no participants recorded",
}
# The dimensions of an activity's participant profile, in the order pages show them.
PROFILE_DIMENSIONS = (
    "imd_quintile",
    "home",
    "ethnicity_group",
    "age_band",
    "sex",
    "disability",
    "carer",
    "inclusion_group",
)
HOME = {
    "place": "In the activity's place",
    "ics": "Elsewhere in the ICS",
    "out": "Outside the ICS",
}
PROFILE_COLUMNS = [
    "dimension",
    "category",
    "label",
    "participants",
    "share",
    "ci_low",
    "ci_high",
    "suppressed",
]


def _shown(policy, value) -> int | str | None:
    """A count of people as a reader may see it; None when nothing was recorded."""
    if value is None or pd.isna(value):
        return None
    return policy.show_one(int(value))


def activity_log(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    title_contains: str | None = None,
    disclosure: str = "suppress",
) -> pd.DataFrame:
    """The scope's activities in the period, newest first (optionally only titles containing
    `title_contains`, any case), with rung and stage names, participants (protected) and
    feedback status on the scope's 'today'."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_activities")
    wanted = (title_contains or "").strip() or None
    frame = db.query(con, "measures/activity_log", today=resolved.today, title_contains=wanted)
    frame["participants"] = pd.Series(
        [_shown(policy, n) for n in frame["participants"]], index=frame.index, dtype=object
    )
    frame["ladder_name"] = frame["ladder_rung"].map(
        lambda r: vocab.LADDER.get(int(r)) if pd.notna(r) else None
    )
    frame["cycle_name"] = frame["cycle_stage"].map(lambda s: vocab.CYCLE.get(int(s)) if pd.notna(s) else None)
    frame["target_group_names"] = frame["target_groups"].map(
        lambda codes: "; ".join(resolved.preset.group_label(code) for code in _codes(codes))
    )
    return frame


def _codes(value) -> list[str]:
    """A list column's value as a list (None or NaN -> [])."""
    return [] if value is None or isinstance(value, float) else [str(code) for code in value]


def twelve_months_to(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months up to `today`, both ends included: from the day after the same
    date a year earlier (28 February for 29 February)."""
    try:
        year_before = today.replace(year=today.year - 1)
    except ValueError:
        year_before = today.replace(year=today.year - 1, day=28)
    return year_before + dt.timedelta(days=1), today


def recent_activities(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    target_group: str | None = None,
    disclosure: str = "suppress",
) -> pd.DataFrame:
    """The activity log of the scope's places for the last 12 months up to the scope's 'today'
    (the scope's own period is replaced), targeting `target_group` if given."""
    today = resolved_scope(con, scope).today
    date_from, date_to = twelve_months_to(today)
    recent = dataclasses.replace(
        scope,
        date_from=date_from,
        date_to=date_to,
        today=today,
        target_group=target_group if target_group else scope.target_group,
    )
    return activity_log(con, recent, disclosure=disclosure)


def activity_detail(
    con: duckdb.DuckDBPyConnection, scope: Scope, activity_id: str, disclosure: str = "suppress"
) -> dict | None:
    """Every field of one activity of the scope's ICS (None if it has no such activity), with
    its participants (protected), where they come from, and its feedback due date and status."""
    resolved, policy = begin(con, scope, disclosure)
    frame = db.query(
        con,
        "measures/activity_detail",
        activity_id=activity_id,
        preset=resolved.scope.preset,
        today=resolved.today,
        feedback_window_days=resolved.preset.thresholds.feedback_window_days,
    )
    if frame.empty:
        return None
    row = plain(frame.iloc[0].to_dict())
    for internal in ("individual_rows", "returned_total", "upload_id", "preset", "feedback_due"):
        row.pop(internal, None)
    row["participants"] = _shown(policy, row["participants"])
    row["participants_total"] = _shown(policy, row["participants_total"])
    row["ladder_name"] = vocab.LADDER.get(row["ladder_rung"]) if row["ladder_rung"] else None
    row["cycle_name"] = vocab.CYCLE.get(row["cycle_stage"]) if row["cycle_stage"] else None
    row["source_description"] = SOURCES[row["source"]]
    row["target_group_labels"] = [resolved.preset.group_label(code) for code in row["target_groups"] or []]
    row["clinical_area_labels"] = [
        vocab.CLINICAL_AREAS.get(code, code) for code in row["clinical_areas"] or []
    ]
    row["threshold"] = policy.threshold
    return row


def activity_profile(
    con: duckdb.DuckDBPyConnection, scope: Scope, activity_id: str, disclosure: str = "suppress"
) -> pd.DataFrame:
    """Who took part in one activity of the scope's ICS (wherever they live): for each of
    PROFILE_DIMENSIONS, participants per category with a last 'unknown' row, each dimension
    protected as one table (complementary suppression). share = of those with a known value
    (for inclusion groups, of all participants); the unknown row's share is of all. Empty if
    the ICS has no such activity."""
    resolved, policy = begin(con, scope, disclosure)
    con.register("vocab_ethnicity", _vocab_ethnicity())
    counts = db.query(con, "measures/activity_profile", activity_id=activity_id, preset=resolved.scope.preset)
    if counts.empty and activity_detail(con, scope, activity_id, disclosure) is None:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    everyone = int(counts.loc[counts["dimension"] == "sex", "participants"].sum())
    tables = []
    for dimension in PROFILE_DIMENSIONS:
        if dimension == "home":
            categories = dict(HOME)
        else:
            categories = categories_for(
                dimension, resolved.preset.plus_groups, resolved.preset.plus_group_label
            )
        rows = counts[counts["dimension"] == dimension]
        table = reach_table(
            dimension,
            categories,
            dict(zip(rows["category"], rows["participants"].astype(int))),
            None,
            policy,
            everyone if dimension == "inclusion_group" else None,
        )
        if (
            dimension == "inclusion_group"
            and int(rows.loc[rows["category"] == vocab.UNKNOWN, "participants"].sum()) == everyone
        ):
            # nobody's inclusion groups are known: a share of 0% for each group would be a claim
            table.loc[table["category"] != vocab.UNKNOWN, ["engaged_share", "ci_low", "ci_high"]] = None
        tables.append(table)
    profile = pd.concat(tables, ignore_index=True).rename(
        columns={"engaged": "participants", "engaged_share": "share"}
    )
    return profile[PROFILE_COLUMNS]
