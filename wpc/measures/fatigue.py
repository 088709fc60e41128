"""Engagement fatigue (docs/methods.md section 5): who is asked again and again.

The window is the preset's fatigue window (default 90 days) ending on the last day of the
scope's period, or on today when no period end is given; activities count when they start
in it. The scope's activity filters apply; its period start does not.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wpc import db
from wpc.measures.plain import records
from wpc.measures.prepare import begin
from wpc.measures.scope import ResolvedScope, Scope


def over_limit(neighbourhoods: pd.DataFrame, resolved: ResolvedScope) -> np.ndarray:
    """Which neighbourhoods are over-asked in a window (docs/methods.md section 5), the one
    rule every fatigue flag asks: reached by at least the preset's fatigue limit of distinct
    activities. `neighbourhoods` has `activities` (and may have `participations` and
    `population`, which the rule may weigh)."""
    return neighbourhoods["activities"].to_numpy() >= resolved.preset.thresholds.fatigue_limit


def fatigue_neighbourhoods(con: duckdb.DuckDBPyConnection, scope: Scope,
                           disclosure: str = "suppress") -> pd.DataFrame:
    """Each neighbourhood (MSOA) of the scope reached in the window: msoa_code, msoa_name,
    place, activities (distinct activities with a participant living there), high (at or
    above the preset's fatigue limit). Activity counts are not counts of people."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    frame = db.query(con, "measures/fatigue_neighbourhoods")
    frame["high"] = over_limit(frame, resolved)
    return frame


def repeat_participants(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """People (by hashed participant ref) in the window and how many took part in at least the
    fatigue limit of distinct activities. Participants without a ref cannot be followed. Each
    count stands alone (no shown count adds up with it), so each is protected on its own."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_refs", "int_scope_activities")
    row = db.query(con, "measures/repeat_participants", **resolved.sql_params()).iloc[0]
    return {
        "participants_with_ref": policy.show_one(int(row["people_with_ref"]), int(row["people_key_sum"])),
        "repeat_participants": policy.show_one(int(row["repeat_participants"]), int(row["repeat_key_sum"])),
    }


def overlaps(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Place x target group with two or more of the scope's held or planned activities in the
    window: place, target_group, activities, activity_ids, titles, statuses, high (at or above
    the limit)."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_all_activities")
    frame = db.query(con, "measures/overlaps")
    frame["high"] = frame["activities"] >= resolved.preset.thresholds.fatigue_limit
    return frame


def fatigue(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """All of docs/methods.md section 5 for the scope, with the window it looked at."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    neighbourhoods = fatigue_neighbourhoods(con, scope, disclosure)
    overlapping = overlaps(con, scope, disclosure)
    thresholds = resolved.preset.thresholds
    return {
        "window_start": resolved.window_start.isoformat(),
        "window_end": resolved.window_end.isoformat(),
        "window_days": thresholds.fatigue_window_days,
        "limit": thresholds.fatigue_limit,
        "neighbourhoods_reached": len(neighbourhoods),
        "neighbourhoods_high": int(neighbourhoods["high"].sum()),
        "neighbourhoods": records(neighbourhoods),
        **repeat_participants(con, scope, disclosure),
        "overlaps": records(overlapping),
    }
