"""Plans (docs/methods.md section 15): look before you engage.

A planned activity counts in no measure. For each plan of the scope, what is known before
anyone is asked again:

- **overlaps**: held or planned activities of the same place (either of them ICS-wide reaches
  every place) aimed at one of the same target groups, starting within the fatigue window of
  the plan's start, before or after;
- **fatigue**: the neighbourhoods (MSOAs) it could reach (those of its target areas, else of
  its place) that the plan would bring to or past the fatigue limit, judged by
  `fatigue.over_limit` on the window ending on the plan's start day, with the plan counted;
- **insights** already held that match its place, programme, target groups or title
  (`matching_insights`, the insight library's own search);
- **cold spots** it could reach: Core20 LSOAs of its target areas (else of its place) with no
  participant living there in the 12 months up to today.

Counts of activities, neighbourhoods and insights are not counts of people; the
participations from each neighbourhood are, and are protected (one table per plan).
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd

from wpc import db, vocab
from wpc.insights.search import InsightIndex, parse
from wpc.measures.areas import cold_spots
from wpc.measures.fatigue import over_limit
from wpc.measures.log import twelve_months_to
from wpc.measures.plain import plain, records
from wpc.measures.prepare import begin
from wpc.measures.scope import Scope

# Words of a title that say nothing about its subject (with the method and place names).
TITLE_NOISE = frozenset(
    "a an and at for from in into of on or our the to with about by event events session sessions "
    "engagement listening plan planned next quarter new local people community communities".split()
)
INSIGHTS_KEPT = 5
COLD_SPOTS_KEPT = 5


def planned(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """The scope's planned activities, soonest first: those of its place (every plan of the ICS,
    ICS-wide ones included, for the whole ICS), passing the activity filters; any period."""
    begin(con, scope, disclosure, "int_scope_all_activities")
    return db.query(con, "measures/plans")


def title_words(title: str, place_names: list[str]) -> str:
    """The words of a plan's title that say what it is about, for the insight search: without
    method and place names or words such as 'event' and 'in'."""
    noise = set(TITLE_NOISE)
    for name in [*vocab.METHODS, *place_names]:
        noise.update(w.casefold() for w in re.findall(r"\w+", name))
    kept = [words for words in parse(title).terms if not all(w in noise for w in words)]
    return " ".join(" ".join(w for w in words if w not in noise) for words in kept)


def matching_insights(index: InsightIndex, plan: dict, place_names: list[str]) -> pd.DataFrame:
    """Insights of the plan's place (any place, for an ICS-wide plan) or given for the whole
    ICS, that share one of its target groups, are on the same programme (any case), or match
    its title's words (the library's search: every word, else any); those matching more of
    these first, then those of the place before those given for the whole ICS, then the
    newest. `matched_on` says which."""
    rows = index.rows
    if rows.empty:
        return rows.assign(matched_on=pd.Series(dtype=object))
    where = rows["place"].isna() | (plan["place"] == vocab.ICS_WIDE) | (rows["place"] == plan["place"])
    groups = set(plan["target_groups"] or [])
    by_group = rows["groups"].map(lambda gs: bool(groups & set(gs)))
    programme = (plan.get("programme") or "").strip().casefold()
    by_programme = rows["programme"].fillna("").str.strip().str.casefold().eq(programme) if programme \
        else pd.Series(False, index=rows.index)
    words = title_words(plan["title"], place_names)
    by_title = pd.Series(False, index=rows.index)
    if words:
        found = index.search(words, limit=0).matches
        by_title = rows["insight_id"].isin(set(found["insight_id"]))
    reasons = [
        "; ".join(r for r, hit in (("target group", g), ("programme", p), ("title", t)) if hit)
        for g, p, t in zip(by_group, by_programme, by_title)
    ]
    found = rows.assign(matched_on=reasons, _matches=by_group.astype(int) + by_programme.astype(int)
                        + by_title.astype(int), _here=rows["place"].notna().astype(int))
    found = found[where & (found["_matches"] > 0)]
    found = found.assign(_date=pd.to_datetime(found["insight_date"]))
    return found.sort_values(["_matches", "_here", "_date", "insight_id"], ascending=[False, False, False, True],
                             na_position="last").drop(columns=["_matches", "_here", "_date"]).reset_index(drop=True)


def _plan_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "activity_id": frame["activity_id"].astype(str),
        "place": frame["place"].astype(str),
        "start_date": pd.to_datetime(frame["start_date"]).dt.date,
        "target_groups": [list(g) if g is not None and not isinstance(g, float) else [] for g in frame["target_groups"]],
        "target_areas": [list(a) if a is not None and not isinstance(a, float) else [] for a in frame["target_areas"]],
    })


def plan_checks(con: duckdb.DuckDBPyConnection, scope: Scope, index: InsightIndex | None = None,
                disclosure: str = "suppress") -> list[dict]:
    """Every plan of the scope with its four checks (module docstring). `index`: the ICS's
    insight library (wpc.insights.library.load_index); None skips the insight check."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_all_activities")
    plans = db.query(con, "measures/plans")
    if plans.empty:
        return []
    preset = resolved.preset
    window = preset.thresholds.fatigue_window_days
    registered = _plan_frame(plans)
    con.register("plans", registered)
    try:
        overlaps = db.query(con, "measures/plan_overlaps", preset=preset.id, ics_wide=vocab.ICS_WIDE,
                            window_days=window)
        con.execute("create or replace temp table plan_lsoas as "
                    + db.load_sql("measures/plan_lsoas"), db.bind(db.load_sql("measures/plan_lsoas"),
                                                                  {"preset": preset.id, "ics_wide": vocab.ICS_WIDE}))
        reach = con.table("plan_lsoas").df()
        fatigue = db.query(con, "measures/plan_fatigue", preset=preset.id, window_days=window)
    finally:
        con.unregister("plans")
        con.execute("drop table if exists plan_lsoas")
    today = resolved.today
    date_from, date_to = twelve_months_to(today)
    recent = Scope(preset=preset.id, date_from=date_from, date_to=date_to, today=today)
    cold = cold_spots(con, recent, disclosure)
    out = []
    for plan in plans.to_dict("records"):
        plan = plain(plan)
        plan["target_groups"] = plan["target_groups"] or []
        plan["target_areas"] = plan["target_areas"] or []
        plan_id = plan["activity_id"]
        mine = overlaps[overlaps["plan_id"] == plan_id].drop(columns="plan_id")
        lsoas = set(reach.loc[reach["activity_id"] == plan_id, "lsoa21cd"])
        spots = cold[cold["lsoa_code"].isin(lsoas)]
        hoods = fatigue_after(fatigue[fatigue["plan_id"] == plan_id].drop(columns="plan_id"), resolved, policy)
        at_limit = hoods[hoods["with_plan_over"]]
        plan.update({
            "start_passed": plan["start_date"] < today.isoformat(),
            "overlap_count": len(mine),
            "overlaps": records(mine),
            "neighbourhoods": int(len(hoods)),
            "fatigue_count": int(len(at_limit)),
            "fatigue": records(at_limit),
            "cold_spot_count": int(len(spots)),
            "cold_spots": records(spots.head(COLD_SPOTS_KEPT)),
            "cold_spot_residents": int(spots["population"].sum()),
            "insight_count": None,
            "insights": [],
        })
        if index is not None:
            found = matching_insights(index, plan, preset.place_names)
            plan["insight_count"] = int(len(found))
            plan["insights"] = records(found.head(INSIGHTS_KEPT)[
                ["insight_id", "insight_date", "place", "programme", "summary", "matched_on"]])
        out.append(plan)
    return out


def fatigue_after(neighbourhoods: pd.DataFrame, resolved, policy) -> pd.DataFrame:
    """A plan's neighbourhoods with and without it (pure but for the rule it asks):
    `over` = over the limit already on the plan's start day, `with_plan_over` = with the plan
    counted as one more activity (`fatigue.over_limit`); participations protected as one table
    (with their cell-key changes where `key_sum` gives their record keys)."""
    frame = neighbourhoods.reset_index(drop=True)
    over = over_limit(frame, resolved) if len(frame) else np.zeros(0, dtype=bool)
    with_plan = frame.assign(activities=frame["activities"] + 1)
    after = over_limit(with_plan, resolved) if len(frame) else np.zeros(0, dtype=bool)
    keys = frame["key_sum"].to_numpy() if "key_sum" in frame.columns else None
    protected = policy.protect(frame["participations"].to_numpy(), keys=keys) if len(frame) else None
    return frame.drop(columns=["key_sum"], errors="ignore").assign(  # keys are secret: never shown
        participations=pd.Series(protected.shown() if protected else [], index=frame.index, dtype=object),
        activities_with_plan=frame["activities"] + 1,
        over=over,
        with_plan_over=after,
    )


def plans_report(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The plans of the scope with their checks, for `wpc report --json`."""
    from wpc.insights.library import load_index

    resolved, _policy = begin(con, scope, disclosure, "int_scope_all_activities")
    any_plan = not db.query(con, "measures/plans").empty
    checks = plan_checks(con, scope, load_index(con, resolved.scope.preset), disclosure) if any_plan else []
    return {
        "planned": len(checks),
        "rule": (f"overlaps: held or planned activities of the same place (or ICS-wide) for a shared target "
                 f"group within {resolved.preset.thresholds.fatigue_window_days} days of the plan's start; "
                 "fatigue: neighbourhoods the plan would bring to or past the limit; cold spots: Core20 "
                 "neighbourhoods of its target areas (else its place) with nobody reached in the last 12 months"),
        "plans": checks,
    }


