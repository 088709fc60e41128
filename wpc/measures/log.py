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
import numpy as np
import pandas as pd
from scipy import sparse

from wpc import db, vocab
from wpc.measures import cellkey
from wpc.measures.audit import Family, complete
from wpc.measures.disclosure import Policy, Protected
from wpc.measures.plain import plain
from wpc.measures.prepare import _vocab_ethnicity, begin, resolved_scope
from wpc.measures.reach import MULTI_VALUED, categories_for, exact_cells, reach_table
from wpc.measures.scope import ResolvedScope, Scope

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


def _activity_counts(policy: Policy, counts, keys) -> list:
    """Each activity's participants as a reader may see them (None when nothing was recorded).
    An activity is a record of its own: its count is hidden from 1 to the threshold, and
    otherwise changed slightly by the keys of the people it counts (docs/disclosure.md)."""
    return [None if n is None or pd.isna(n) else policy.show_one(int(n), int(k)) for n, k in zip(counts, keys)]


def _activity_count(policy: Policy, count, key) -> Protected:
    return policy.one(int(count or 0), int(key or 0))


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
        _activity_counts(policy, list(frame["participants"]), list(frame.pop("key_sum").fillna(0))),
        index=frame.index, dtype=object,
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
    key = row.pop("record_key")  # secret: never shown
    count_key = row.pop("key_sum")
    for internal in ("individual_rows", "individual_key_sum", "returned_total", "upload_id", "preset",
                     "feedback_due"):
        row.pop(internal, None)
    row["participants"] = _activity_counts(policy, [row["participants"]], [count_key or 0])[0]
    if row["participants_total"] is not None:  # the headcount its uploader gave
        row["participants_total"] = policy.show_one(row["participants_total"], key)
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
    PROFILE_DIMENSIONS, participants per category with a last 'unknown' row. share = of those
    with a known value (for inclusion groups, of all participants); the unknown row's share is
    of all. Empty if the ICS has no such activity. Disclosure: the activity's count comes from
    the activities family, as the activity log's; each dimension is protected as a table whose
    total is that count (docs/disclosure.md)."""
    resolved, policy = begin(con, scope, disclosure)
    con.register("vocab_ethnicity", _vocab_ethnicity())
    counts = db.query(con, "measures/activity_profile", activity_id=activity_id, preset=resolved.scope.preset)
    if counts.empty and activity_detail(con, scope, activity_id, disclosure) is None:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    everyone = int(counts.loc[counts["dimension"] == "sex", "participants"].sum())
    total = _profile_total(con, resolved, policy, activity_id, everyone)
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
            _profile_cells(con, resolved, policy, activity_id, dimension, rows, total),
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


def _profile_total(con, resolved: ResolvedScope, policy: Policy, activity_id: str, everyone: int) -> Protected:
    """The activity's participants as the activity log shows them."""
    frame = db.query(con, "measures/activity_detail", activity_id=activity_id, preset=resolved.scope.preset,
                     today=resolved.today, feedback_window_days=resolved.preset.thresholds.feedback_window_days)
    row = frame.iloc[0]
    count = 0 if pd.isna(row["participants"]) else int(row["participants"])
    if policy.on and count != everyone:
        raise AssertionError(f"activity {activity_id}: its profile and the activity log count different people")
    return _activity_count(policy, count, 0 if pd.isna(row["key_sum"]) else row["key_sum"])


def _profile_cells(con, resolved: ResolvedScope, policy: Policy, activity_id: str, dimension: str,
                   rows: pd.DataFrame, total: Protected):
    """The protected counts of one dimension of an activity's profile (see reach.reach_table)."""
    if not policy.on:
        return exact_cells(policy)
    keys = dict(zip(rows["category"], rows["key_sum"].astype(int)))

    def cells(codes, values, known, people):
        protected = _profile_family(policy, dimension, codes, values, [keys.get(c, 0) for c in codes], total)
        return protected, _denominators(policy, total, known, sum(keys.get(c, 0) for c in codes[:-1]))
    return cells


def _denominators(policy: Policy, total: Protected, known: int, known_key: int) -> Protected:
    """(known, everyone) for a profile's shares: everyone is the activity's protected count; the
    count with a known value is perturbed by its own key, and too small to divide by from 1 to
    the threshold."""
    known_protected = policy.one(known, known_key)
    return Protected(values=np.array([known_protected.values[0], total.values[0]], dtype=np.int64),
                     suppressed=np.array([bool(known_protected.suppressed[0]), bool(total.suppressed[0])]))


def _profile_family(policy: Policy, dimension: str, codes: list[str], values, keys, total: Protected) -> Protected:
    """One dimension of an activity's profile, protected as a table whose total (the activity's
    count) is shown, or hidden, as the activity log shows it: complementary cells are hidden
    until the solver finds none of the hidden counts can be worked out from the total."""
    values = np.asarray(values, dtype=np.int64)
    n = len(codes)
    if dimension in MULTI_VALUED:
        # groups overlap, so they do not add up to the total: each is a count of its own, and
        # all are hidden with a hidden total (none can be more than it)
        hidden = (values >= 1) & ((values <= policy.threshold) | bool(total.suppressed[0]))
        perturbed = cellkey.perturb(values, keys, policy.threshold)
        return policy._finish(perturbed, hidden)
    # cells: each category (one atom each), then the total (the atoms' sum)
    rows_, cols = list(range(n)) + [n] * n, list(range(n)) * 2
    membership = sparse.csr_matrix((np.ones(len(rows_)), (rows_, cols)), shape=(n + 1, n))
    family = Family(
        name=f"profile {dimension}", cells=[*codes, "total"], membership=membership,
        atom_values=values, atom_keys=np.asarray(keys, dtype=np.int64),
        links=sparse.csr_matrix((0, n)), shown=np.ones(n + 1, dtype=bool),
        equations=[(n, tuple(range(n)))],
    )
    primary = (family.values >= 1) & (family.values <= policy.threshold)
    primary[n] = bool(total.suppressed[0])
    hidden = complete(family, policy.threshold, primary=primary,
                      never_hide=np.array([False] * n + [True]))
    if hidden[n] and not total.suppressed[0]:
        hidden[:n] |= values > 0  # the total is shown: hide every category rather than contradict it
        hidden[n] = False
    perturbed = cellkey.perturb(values, keys, policy.threshold)
    return policy._finish(perturbed, hidden[:n])
