"""Uploads by someone whose access covers only some places (wpc.access): a row for any
other place is quarantined with the reason, and so is a row that would change another
place's records (an activity or insight id already stored for a place they may not see).
Nothing is lost: the rejects file holds those rows for someone with access to store.

Participants, returns and insights naming an activity of another place are quarantined by
the check that the activity exists (wpc.ingest.validate), with the message an id that does
not exist gets: an upload never tells anyone which activity ids exist in places they may
not see."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from wpc import db
from wpc.access import Access
from wpc.ingest.validate import Validated, known_activities


def _outside(access: Access, presets, places) -> np.ndarray:
    return np.array(
        [
            not access.may_store(None if pd.isna(p) else p, None if pd.isna(q) else q)
            for p, q in zip(presets, places)
        ],
        dtype=bool,
    )


def _stored_places(con: duckdb.DuckDBPyConnection, kind: str, ids: pd.Series) -> pd.DataFrame:
    """For each id in `ids` already stored: the preset and place its record belongs to (indexed by id)."""
    if kind == "insights":
        wanted = pd.DataFrame({"insight_id": pd.unique(ids.dropna().astype(str)).astype(object)})
        con.register("wanted_insights", wanted)
        try:
            found = db.query(con, "ingest/known_insights")
        finally:
            con.unregister("wanted_insights")
        return found.set_index("insight_id")
    found = known_activities(con, ids.fillna("").astype(str))
    found = found[found["wanted_id"] == found["activity_id"]].drop_duplicates("activity_id")
    return found.set_index("activity_id")[["preset", "place"]]


def problems(kind: str, checked: Validated, con: duckdb.DuckDBPyConnection, access: Access) -> pd.DataFrame:
    """Problems (row, column, reason) for the rows `access` may not store; rows already
    quarantined for another reason are left as they are."""
    clean = checked.clean.reset_index(drop=True)
    checkable = ~np.isin(np.arange(len(clean)), checked.problems["row"].to_numpy())
    yours = f"your access covers {access.describe()}"
    found = []

    def add(mask: np.ndarray, column: str, reason: str) -> None:
        rows = np.flatnonzero(mask & checkable)
        found.append(pd.DataFrame({"row": rows, "column": column, "reason": reason}))

    key = "insight_id" if kind == "insights" else "activity_id"
    stored = _stored_places(con, kind, clean[key])
    stored_preset = clean[key].map(stored["preset"])
    stored_place = clean[key].map(stored["place"])
    already = stored_place.notna().to_numpy()
    changes_other = already & _outside(access, stored_preset, stored_place)
    if kind in ("activities", "insights"):
        add(
            _outside(access, clean["preset"], clean["place"]),
            "place",
            f"not a place you may upload for ({yours})"
            if kind == "activities"
            else f"not a place you may upload for ({yours}; an insight with no place needs access to "
            "a whole ICS)",
        )
        add(
            changes_other,
            key,
            f"this {key} is already stored for a place you may not upload for ({yours}), so it cannot be "
            "changed from your account",
        )
    if not found:
        return checked.problems
    merged = pd.concat([checked.problems, *found], ignore_index=True)
    return merged.sort_values("row", kind="stable").reset_index(drop=True)
