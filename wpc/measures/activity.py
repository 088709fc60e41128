"""Activity-based measures (docs/methods.md sections 6 to 8): the ladder of participation, the engagement
cycle, the feedback loop, cost, and what works.

These take the activities held in the scope's places that start in the period and pass the
filters. Counts of activities and money are not counts of people and are not suppressed;
the participant counts beside them are.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from wpc import db, vocab
from wpc.measures import families, stats
from wpc.measures.plain import plain, records
from wpc.measures.prepare import begin
from wpc.measures.scope import Scope

NOT_RECORDED = "Not recorded"


def _steps(frame: pd.DataFrame, key: str, names: dict[int, str]) -> pd.DataFrame:
    """Counts and shares of activities per step, every step listed; share of the activities
    with the step recorded; a last row (step None) for those not recorded, as a share of all."""
    counts = {int(k): int(n) for k, n in zip(frame[key], frame["activities"]) if pd.notna(k)}
    missing = int(frame.loc[frame[key].isna(), "activities"].sum())
    recorded = sum(counts.values())
    total = recorded + missing
    rows = [
        {key: step, "name": name, "activities": counts.get(step, 0),
         "share": counts.get(step, 0) / recorded if recorded else None}
        for step, name in names.items()
    ]
    rows.append({key: None, "name": NOT_RECORDED, "activities": missing,
                 "share": missing / total if total else None})
    frame = pd.DataFrame(rows, columns=[key, "name", "activities", "share"])
    frame[key] = frame[key].astype("Int64")  # whole numbers, with <NA> for not recorded
    return frame


def ladder(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Activities by rung of the ladder of participation (1 Coercion .. 7 Co-production)."""
    begin(con, scope, disclosure, "int_scope_activities")
    return _steps(db.query(con, "measures/ladder"), "rung", vocab.LADDER)


# The top two rungs of the ladder (docs/methods.md section 6): co-design and co-production.
CO_DESIGN_RUNGS = (6, 7)


def co_design_share(rungs: pd.DataFrame) -> dict:
    """Activities at co-design or co-production, from a `ladder` table (pure): all activities,
    those with a rung recorded, those at rung 6 or 7, and their share of those recorded (None
    if none is), as every ladder share is; so it equals the sum of rungs 6 and 7's shares."""
    recorded = rungs[rungs["rung"].notna()]
    top = int(recorded.loc[recorded["rung"].isin(CO_DESIGN_RUNGS), "activities"].sum())
    with_rung = int(recorded["activities"].sum())
    return {
        "activities": int(rungs["activities"].sum()),
        "with_rung": with_rung,
        "co_production": top,
        "share": top / with_rung if with_rung else None,
    }


def cycle(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Activities by stage of the engagement cycle (1 Identify needs .. 5 Monitor and share)."""
    begin(con, scope, disclosure, "int_scope_activities")
    return _steps(db.query(con, "measures/cycle"), "stage", vocab.CYCLE)


def _feedback_row(row: dict) -> dict:
    """share_closed_on_time is over the activities whose feedback is closed or overdue: an
    activity still inside its window, not yet closed, is neither a success nor a failure."""
    judged = row["closed"] + row["overdue"]
    return {
        "activities": int(row["activities"]),
        "closed": int(row["closed"]),
        "closed_on_time": int(row["closed_on_time"]),
        "closed_late": int(row["closed_late"]),
        "overdue": int(row["overdue"]),
        "not_yet_due": int(row["not_yet_due"]),
        "share_closed_on_time": row["closed_on_time"] / judged if judged else None,
    }


def feedback(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The feedback loop (you said, we did) for the whole scope, by place and by organisation,
    with the overdue activities listed (longest overdue first)."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_activities")
    frame = db.query(con, "measures/feedback", today=resolved.today)
    summary = frame[frame["breakdown"] == "all"]
    overall = _feedback_row(summary.iloc[0].to_dict()) if len(summary) else _feedback_row(
        {"activities": 0, "closed": 0, "closed_on_time": 0, "closed_late": 0, "overdue": 0, "not_yet_due": 0})
    by_place = [{"place": r["place"], **_feedback_row(r)}
                for r in frame[frame["breakdown"] == "place"].to_dict("records")]
    by_organisation = [{"organisation": r["organisation"], **_feedback_row(r)}
                       for r in frame[frame["breakdown"] == "organisation"].to_dict("records")]
    overdue = db.query(con, "measures/feedback_overdue", today=resolved.today)
    return {
        **overall,
        "due_rule": (
            f"due = feedback_due, else end (or start) date + {resolved.preset.thresholds.feedback_window_days} "
            f"days; overdue on {resolved.today.isoformat()}"
        ),
        "by_place": by_place,
        "by_organisation": by_organisation,
        "overdue_activities": records(overdue),
    }


def cost(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Total cost of the scope's activities, per participant (all participants of the
    activities with a recorded cost, wherever they live) and per Core20 participant (those
    whose home LSOA is Core20). Activities without a cost are left out of both sides."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes")
    row = db.query(con, "measures/cost").iloc[0]
    total = plain(row["total_gbp"])
    protected = policy.cells(lambda: families.get(con, resolved, "activities"),
                             [("cost", resolved.place, "participants"), ("cost", resolved.place, "core20")],
                             [int(row["costed_participants"]), int(row["costed_core20"])])
    (participants, core20), (hidden, core20_hidden) = protected.values, protected.suppressed
    shown = protected.shown()
    return {
        "total_gbp": total,
        "per_participant": (None if total is None or hidden or participants == 0
                            else policy.money(total / participants)),
        "per_core20_participant": (None if total is None or core20_hidden or core20 == 0
                                   else policy.money(total / core20)),
        "activities": int(row["activities"]),
        "activities_costed": int(row["activities_costed"]),
        "participants_costed": shown[0],
        "core20_participants_costed": shown[1],
    }


def what_works_table(frame: pd.DataFrame, policy, cells=None) -> pd.DataFrame:
    """Per method or organisation (pure): Core20 engaged share of participants with a known
    home deprivation, with Wilson interval, and cost per Core20 participant. `cells(name, exact)`
    gives a row's protected participants, Core20, known and costed Core20 counts (from the
    activities family; `exact` the same four as the measure counted them): each share and cost
    comes from them, withheld where its count is hidden or too small to show."""
    rows = []
    for r in frame.to_dict("records"):
        participants, known, core20 = int(r["participants"]), int(r["known"]), int(r["core20"])
        exact = [participants, core20, known, int(r["costed_core20"])]
        protected = policy.cells(None, exact, exact) if cells is None else cells(r["name"], exact)
        shown = protected.shown()
        withheld = bool(protected.suppressed[1])
        n_known = 0 if protected.suppressed[2] else int(protected.values[2])
        core20_value = min(int(protected.values[1]), n_known)
        share = core20_value / n_known if n_known and not withheld else None
        low = high = None
        if share is not None:
            low, high = (float(limit) for limit in stats.wilson_interval(core20_value, n_known))
        cost_gbp = plain(r["cost_gbp"])
        costed_core20 = int(protected.values[3])
        per_core20 = None
        if cost_gbp is not None and not withheld and not protected.suppressed[3] and costed_core20:
            per_core20 = policy.money(cost_gbp / costed_core20)
        rows.append({
            "name": r["name"],
            "activities": int(r["activities"]),
            "participants": shown[0],
            "core20_engaged": shown[1],
            "engaged_share": policy.share(share),
            "ci_low": policy.share(low),
            "ci_high": policy.share(high),
            "cost_gbp": cost_gbp,
            "per_core20_participant": per_core20,
            "suppressed": withheld,
        })
    return pd.DataFrame(rows, columns=["name", "activities", "participants", "core20_engaged", "engaged_share",
                                       "ci_low", "ci_high", "cost_gbp", "per_core20_participant", "suppressed"])


def _what_works_cells(con, resolved, policy, breakdown: str):
    """A what-works row's protected counts, from the activities family (wpc.measures.families)."""
    def cells(name, exact):
        ids = [("what_works", breakdown, resolved.place, name, part)
               for part in ("participants", "core20", "known", "costed_core20")]
        return policy.cells(lambda: families.get(con, resolved, "activities"), ids, exact)
    return cells


def what_works(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Core20 engaged share (with interval) and cost per Core20 participant by method, by
    organisation and by partner type, largest first, for the scope's activities."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes")
    frame = db.query(con, "measures/what_works")

    def cells_for(breakdown: str):
        return _what_works_cells(con, resolved, policy, breakdown)

    by_method = what_works_table(frame[frame["breakdown"] == "method"], policy, cells_for("method"))
    by_organisation = what_works_table(frame[frame["breakdown"] == "organisation"], policy,
                                       cells_for("organisation"))
    by_type = what_works_table(frame[frame["breakdown"] == "organisation_type"], policy,
                               cells_for("organisation_type"))
    return {
        "by_method": records(by_method.rename(columns={"name": "method"})),
        "by_organisation": records(by_organisation.rename(columns={"name": "organisation"})),
        "by_organisation_type": records(by_type.rename(columns={"name": "organisation_type"})),
    }


PARTNER_COLUMNS = ["organisation_type", "label", "activities", "activity_share", "participants",
                   "core20_engaged", "engaged_share", "ci_low", "ci_high", "population_share", "gap_pp",
                   "flag", "cost_gbp", "per_core20_participant", "suppressed"]


def partners_table(by_type: pd.DataFrame, core20_population_share: float | None) -> pd.DataFrame:
    """Share of activities and Core20 reach by partner type (pure), from what_works rows by
    organisation_type: each type's share of the activities, and its participants' Core20 share
    (with Wilson's interval) against the scope's residents living in Core20 areas, flagged."""
    total = int(by_type["activities"].sum()) if len(by_type) else 0
    order = {code: i for i, code in enumerate([*vocab.ORGANISATION_TYPES, "not recorded"])}
    rows = []
    for r in sorted(by_type.to_dict("records"), key=lambda r: order.get(r["name"], len(order))):
        share = r["engaged_share"]
        rows.append({
            "organisation_type": r["name"],
            "label": vocab.ORGANISATION_TYPES.get(r["name"], NOT_RECORDED),
            "activities": int(r["activities"]),
            "activity_share": r["activities"] / total if total else None,
            "participants": r["participants"],
            "core20_engaged": r["core20_engaged"],
            "engaged_share": share,
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "population_share": core20_population_share,
            "gap_pp": None if share is None or core20_population_share is None
            else 100 * (share - core20_population_share),
            "flag": stats.flag(r["ci_low"], r["ci_high"], core20_population_share),
            "cost_gbp": r["cost_gbp"],
            "per_core20_participant": r["per_core20_participant"],
            "suppressed": bool(r["suppressed"]),
        })
    return pd.DataFrame(rows, columns=PARTNER_COLUMNS)


def partners(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """By partner type (organisation_type): share of the scope's activities, participants,
    Core20 reach against the scope's residents, and cost per Core20 participant."""
    from wpc.measures.reach import core20

    resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes")
    frame = db.query(con, "measures/what_works")
    by_type = what_works_table(frame[frame["breakdown"] == "organisation_type"], policy,
                               _what_works_cells(con, resolved, policy, "organisation_type"))
    return partners_table(by_type, core20(con, scope, disclosure)["population_share"])


def ics_wide(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The scope's held ICS-wide activities in the period (place 'ICS-wide': counted for the whole
    ICS only) and their participants living in the scope, who count in it as everyone does
    where they live; with the scope's planned and cancelled activities, which count nowhere."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes")
    row = db.query(con, "measures/ics_wide", ics_wide=vocab.ICS_WIDE).iloc[0]
    return {
        "activities": int(row["activities"]),
        "counted_here": resolved.scope.place is None,
        "participants_living_here": policy.show_one(int(row["participants_living_here"]),
                                                   int(row["participants_key_sum"])),
        "planned": int(row["planned"]),
        "cancelled": int(row["cancelled"]),
    }
