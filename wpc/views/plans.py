"""Plans: look before you engage. Each planned activity of the scope with what is known before
anyone is asked again: activities aimed at the same groups in the same place around the same
time, neighbourhoods it would bring to or past the fatigue limit, insights already held, and
the Core20 neighbourhoods not reached in a year that it could reach (docs/methods.md section
15). Plans are records: only the person's own places' plans are listed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import duckdb
import pandas as pd

from wpc import measures, vocab
from wpc.access import Access
from wpc.insights import library
from wpc.insights.search import InsightIndex, SearchUnavailable
from wpc.measures import plans as plan_measures
from wpc.measures.scope import Scope
from wpc.presets import Preset
from wpc.views.format import activity_count, are, count, day, listed, number, plural
from wpc.views.parts import Metric, Table, limit, records_name


@dataclass(frozen=True)
class PlanCheck:
    """One plan and its four checks."""

    activity_id: str
    title: str
    facts: str  # when, where, who, how, for whom
    warning: str | None  # a start date already passed
    metrics: tuple[Metric, ...]
    overlap_sentence: str
    overlaps: Table
    fatigue_sentence: str
    fatigue: Table
    insight_sentence: str
    insights: Table
    insight_link: str  # the insight library, searched for this plan
    cold_sentence: str
    cold_spots: Table
    coverage_link: str  # Place coverage for the plan's place


@dataclass(frozen=True)
class Plans:
    name: str
    listed_name: str
    sentence: str
    summary: Table  # one row per plan: its checks' counts
    checks: tuple[PlanCheck, ...]
    window_days: int


def build(con: duckdb.DuckDBPyConnection, scope: Scope, index: InsightIndex | None = None,
          access: Access | None = None, disclosure: str = "suppress") -> Plans:
    """The scope's plans that `access` may see, each checked (`index`: the ICS's insight library,
    loaded here when not given; without SQLite's FTS5 the insight check is left out)."""
    resolved = measures.resolve(con, scope)
    s, preset = resolved.scope, resolved.preset
    if index is None:
        try:
            index = library.load_index(con, s.preset)
        except SearchUnavailable:
            index = None
    checks = limit(access, s, measures.plan_checks(con, scope, index, disclosure))
    listed_name = records_name(access, preset, s.place)
    cards = tuple(plan_card(plan, preset, resolved.threshold) for plan in checks)
    return Plans(
        name=resolved.name, listed_name=listed_name, sentence=plans_sentence(listed_name, checks, preset),
        summary=Table("plans", f"Planned activities: {listed_name}", summary_display(checks, preset)),
        checks=cards, window_days=preset.thresholds.fatigue_window_days,
    )


def _link(page: str, **params) -> str:
    return f"/{page}?" + urlencode({k: v for k, v in params.items() if v})


def plan_card(plan: dict, preset: Preset, threshold: int) -> PlanCheck:
    """One plan's checks as people read them (pure)."""
    place = plan["place"]
    where = preset.name if place == vocab.ICS_WIDE else place
    groups = [preset.group_label(g) for g in plan["target_groups"]]
    facts = " · ".join(x for x in (
        day(plan["start_date"]), "the whole ICS" if place == vocab.ICS_WIDE else place, plan.get("organisation"),
        (plan.get("method") or "").capitalize() or None, plan.get("programme"),
        ("for " + listed(groups)) if groups else None,
        plural(len(plan["target_areas"]), "target area") if plan["target_areas"] else None) if x)
    insight_words = plan_measures.title_words(plan["title"], preset.place_names)
    return PlanCheck(
        activity_id=plan["activity_id"], title=plan["title"], facts=facts,
        warning=(f"Its start date ({day(plan['start_date'])}) has passed: if it went ahead, upload it again with "
                 "status held and its participants; if not, as cancelled.") if plan["start_passed"] else None,
        metrics=(
            Metric("Overlapping activities", number(plan["overlap_count"]),
                   "Held or planned activities in the same place (or ICS-wide) aimed at one of the same groups, "
                   f"starting within {preset.thresholds.fatigue_window_days} days of this one."),
            Metric("Neighbourhoods at or past the fatigue limit", f"{number(plan['fatigue_count'])} of "
                   f"{number(plan['neighbourhoods'])}",
                   "Of the neighbourhoods (MSOAs) it could reach, those this plan would bring to or past the "
                   "fatigue limit, counting it."),
            Metric("Insights already held", "–" if plan["insight_count"] is None else number(plan["insight_count"])),
            Metric("Cold spots it could reach", number(plan["cold_spot_count"]),
                   "Core20 neighbourhoods in its target areas (else its place) with nobody reached in the last "
                   "12 months."),
        ),
        overlap_sentence=overlap_sentence(plan, preset),
        overlaps=Table(f"plan-overlaps-{plan['activity_id']}", "Overlapping activities", overlaps_display(plan, preset)),
        fatigue_sentence=fatigue_sentence(plan, preset),
        fatigue=Table(f"plan-fatigue-{plan['activity_id']}", "Neighbourhoods at or past the fatigue limit",
                      fatigue_display(plan), threshold=threshold),
        insight_sentence=insight_sentence(plan, where),
        insights=Table(f"plan-insights-{plan['activity_id']}", "Insights already held", insights_display(plan)),
        insight_link=_link("insights", preset=preset.id, place=None if place == vocab.ICS_WIDE else place,
                           q=insight_words or None),
        cold_sentence=cold_sentence(plan, where),
        cold_spots=Table(f"plan-cold-spots-{plan['activity_id']}", "Cold spots it could reach",
                         cold_display(plan)),
        coverage_link=_link("place-coverage", preset=preset.id, place=None if place == vocab.ICS_WIDE else place),
    )


# ---------- tables (pure)


def summary_display(checks: list[dict], preset: Preset) -> pd.DataFrame:
    return pd.DataFrame({
        "Starts": [day(p["start_date"]) for p in checks],
        "Title": [p["title"] for p in checks],
        "Place": [p["place"] for p in checks],
        "Target groups": ["; ".join(preset.group_label(g) for g in p["target_groups"]) for p in checks],
        "Overlaps": [p["overlap_count"] for p in checks],
        "At or past fatigue limit": [p["fatigue_count"] for p in checks],
        "Insights": [p["insight_count"] for p in checks],
        "Cold spots": [p["cold_spot_count"] for p in checks],
        "Activity ID": [p["activity_id"] for p in checks],
    })


def overlaps_display(plan: dict, preset: Preset) -> pd.DataFrame:
    rows = plan["overlaps"]
    return pd.DataFrame({
        "Starts": [day(r["start_date"]) for r in rows],
        "Title": [r["title"] for r in rows],
        "Place": [r["place"] for r in rows],
        "Status": [vocab.ACTIVITY_STATUS.get(r["status"], r["status"]) for r in rows],
        "Same target groups": ["; ".join(preset.group_label(g) for g in r["shared_groups"]) for r in rows],
        "Activity ID": [r["activity_id"] for r in rows],
    })


def fatigue_display(plan: dict) -> pd.DataFrame:
    rows = plan["fatigue"]
    return pd.DataFrame({
        "Neighbourhood (MSOA)": [r["msoa_name"] for r in rows],
        "Code": [r["msoa_code"] for r in rows],
        "Residents": [r["population"] for r in rows],
        "Activities in the window before it": [r["activities"] for r in rows],
        "With this plan": [r["activities_with_plan"] for r in rows],
        "Participations from there": [r["participations"] for r in rows],
        "Already at or past the limit": ["Yes" if r["over"] else "No: this plan takes it there" for r in rows],
    })


def insights_display(plan: dict) -> pd.DataFrame:
    rows = plan["insights"]
    return pd.DataFrame({
        "Heard": [day(r["insight_date"]) if r["insight_date"] else "" for r in rows],
        "Place": [r["place"] or "Whole ICS" for r in rows],
        "Programme": [r["programme"] for r in rows],
        "What was said": [r["summary"] for r in rows],
        "Matches its": [r["matched_on"] for r in rows],
        "Insight ID": [r["insight_id"] for r in rows],
    })


def cold_display(plan: dict) -> pd.DataFrame:
    rows = plan["cold_spots"]
    return pd.DataFrame({
        "LSOA": [r["lsoa_code"] for r in rows],
        "Name": [r["lsoa_name"] for r in rows],
        "Neighbourhood (MSOA)": [r["msoa_name"] for r in rows],
        "IMD rank": [r["imd_rank"] for r in rows],
        "Residents": [r["population"] for r in rows],
    })


# ---------- sentences (pure)


def plans_sentence(listed_name: str, checks: list[dict], preset: Preset) -> str:
    """How many plans, and how many of them overlap or would over-ask someone."""
    if not checks:
        return (f"No planned activities for {listed_name}. Upload next quarter's activities with status "
                "planned (Upload page) to check them here before anyone is asked.")
    overlapping = sum(1 for p in checks if p["overlap_count"])
    tiring = sum(1 for p in checks if p["fatigue_count"])
    cold = sum(1 for p in checks if p["cold_spot_count"])
    return (f"{plural(len(checks), 'planned activity', 'planned activities')} for {listed_name}: "
            f"{number(overlapping)} overlap other activities aimed at the same groups, {number(tiring)} would "
            f"bring neighbourhoods to or past the fatigue limit ({preset.thresholds.fatigue_limit} activities in "
            f"{preset.thresholds.fatigue_window_days} days), and {number(cold)} could reach Core20 "
            "neighbourhoods nobody reached in the last 12 months.")


def overlap_sentence(plan: dict, preset: Preset) -> str:
    window = preset.thresholds.fatigue_window_days
    if not plan["target_groups"]:
        return "It names no target group, so overlaps cannot be checked: add its target_groups."
    if not plan["overlap_count"]:
        return (f"No other held or planned activity in the same place aims at the same groups within {window} "
                "days of it.")
    planned = sum(1 for r in plan["overlaps"] if r["status"] == vocab.PLANNED)
    return (f"{activity_count(plan['overlap_count'])} in the same place (or ICS-wide) aimed at the same groups "
            f"start within {window} days of it ({number(planned)} of them planned): consider joining up with "
            "them, or asking something different.")


def fatigue_sentence(plan: dict, preset: Preset) -> str:
    limit = preset.thresholds.fatigue_limit
    if not plan["neighbourhoods"]:
        return "It names no neighbourhood it could reach."
    if not plan["fatigue_count"]:
        return (f"None of the {plural(plan['neighbourhoods'], 'neighbourhood')} it could reach would be at "
                f"{limit} or more activities in {preset.thresholds.fatigue_window_days} days with it.")
    pushed = sum(1 for r in plan["fatigue"] if not r["over"])
    already = plan["fatigue_count"] - pushed
    if not already:
        how = "this plan would take " + ("it" if pushed == 1 else "them all") + " there"
    elif not pushed:
        how = ("it was" if already == 1 else "all were") + " there already, before this plan"
    else:
        how = f"this plan would take {number(pushed)} there; {number(already)} {are(already)} there already"
    return (f"With it, {number(plan['fatigue_count'])} of the {plural(plan['neighbourhoods'], 'neighbourhood')} "
            f"it could reach would be at or past the fatigue limit ({limit} or more activities reaching people "
            f"there in the {preset.thresholds.fatigue_window_days} days to its start): {how}.")


def insight_sentence(plan: dict, where: str) -> str:
    if plan["insight_count"] is None:
        return "The insight library could not be searched."
    if not plan["insight_count"]:
        return (f"No insight held for {where} matches its programme, target groups or title: it may find out "
                "something new.")
    return (f"{plural(plan['insight_count'], 'insight')} already held for {where} (or the whole ICS) "
            "match its programme, target groups or title: read them before asking again. The best matches:")


def cold_sentence(plan: dict, where: str) -> str:
    if not plan["cold_spot_count"]:
        return ("Every Core20 neighbourhood it could reach had someone take part in the last 12 months."
                if plan["neighbourhoods"] else "It could reach no Core20 neighbourhood.")
    return (f"It could reach {plural(plan['cold_spot_count'], 'Core20 neighbourhood')} that nobody in "
            f"{where} reached in the last 12 months, home to {number(plan['cold_spot_residents'])} residents; "
            "the most deprived first:")


def not_counted_here(scope_name: str, ics_name: str, ics: dict) -> tuple[str, ...]:
    """What a place's pages leave out (measures.ics_wide): ICS-wide activities, counted for the
    whole ICS only, and plans and cancelled activities, counted nowhere."""
    notes = []
    n = ics["activities"]
    if n and not ics["counted_here"]:
        notes.append(f"{number(n)} ICS-wide {'activity is' if n == 1 else 'activities are'} not counted here: "
                     f"{'it counts' if n == 1 else 'they count'} for {ics_name} as a whole. "
                     f"{'Its' if n == 1 else 'Their'} {count(ics['participants_living_here'])} participants who "
                     f"live in {scope_name} are counted here, where they live.")
    planned, cancelled = ics["planned"], ics["cancelled"]
    if planned or cancelled:
        parts = [p for p in (plural(planned, "planned activity", "planned activities") if planned else "",
                             plural(cancelled, "cancelled activity", "cancelled activities") if cancelled else "")
                 if p]
        notes.append(f"{' and '.join(parts)} {'count' if planned + cancelled > 1 else 'counts'} in no measure "
                     "(plans are checked on the Plans page).")
    return tuple(notes)
