"""Overview: the ICS or place at a glance. Core20 reach (wpc.views.core20), who took part, how
deeply, whether people were told what changed, and how far the data can be trusted."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from wpc import measures
from wpc.measures.scope import Scope
from wpc.views import counts, naming
from wpc.views.core20 import core20_reach
from wpc.views.format import activity_count, are, count, number, pct
from wpc.views.parts import Metric, Table
from wpc.views.plans import not_counted_here
from wpc.views.quality import quality_warnings

FEEDBACK_KEYS = ("activities", "closed", "closed_on_time", "closed_late", "overdue", "not_yet_due",
                 "share_closed_on_time")


@dataclass(frozen=True)
class Overview:
    name: str
    empty: bool  # no activity and nobody took part
    core20: tuple[Metric, ...]
    core20_sentence: str
    glance: tuple[tuple[Metric, str], ...]  # participants, activities, depth, feedback: figure and sentence
    warnings: tuple[str, ...]  # data quality
    not_counted: tuple[str, ...]  # ICS-wide activities (a place's pages), plans and cancelled activities
    participants: Table  # how the participants split into a known home area and each kind of unknown


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Overview:
    resolved = measures.resolve(con, scope)
    name, period = resolved.name, naming.in_period(resolved.scope)
    view = headlines(con, scope, disclosure)
    core20, people, loop, depth = view["core20"], view["participants"], view["feedback"], view["depth"]
    return Overview(
        name=name, empty=not view["activities"] and people["total"] == 0,
        core20=(Metric("Core20 reach", pct(core20["engaged_share"]),
                       "Share of participants with a known home who live in Core20 neighbourhoods "
                       "(95% Wilson interval in the table below)."),
                Metric("Residents in Core20 areas", pct(core20["population_share"]))),
        core20_sentence=core20_reach(name, core20),
        glance=(
            (Metric(counts.PARTICIPANTS.label, count(people["total"]), counts.PARTICIPANTS.tooltip),
             participants_summary(name, people, period)),
            (Metric("Activities", number(view["activities"])), activities_held(name, view["activities"], loop, period)),
            (Metric("Co-design or co-production", pct(depth["share"]),
                    "Activities at rungs 6 (co-design) and 7 (co-production) of the ladder of participation, "
                    "of those with a rung recorded."), involvement_depth(name, depth, period)),
            (Metric("Feedback closed on time", pct(loop["share_closed_on_time"]),
                    "You said, we did: activities that reported back by their due date, of those closed or "
                    "overdue."), feedback_loop(name, loop, period)),
        ),
        warnings=tuple(quality_warnings(view["quality"])),
        not_counted=not_counted_here(name, resolved.preset.name, measures.ics_wide(con, scope, disclosure)),
        participants=Table("participants-reconciled", "Participants by whether their home area is known",
                           counts.reconciliation(people), threshold=resolved.threshold),
    )


def headlines(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """The headlines of the scope as the measures give them: participants, Core20 reach,
    activities, depth of involvement (measures.co_design_share), the feedback loop and data
    quality."""
    loop = measures.feedback(con, scope, disclosure)
    return {
        "participants": measures.participants(con, scope, disclosure),
        "core20": measures.core20(con, scope, disclosure),
        "activities": loop["activities"],
        "depth": measures.co_design_share(measures.ladder(con, scope, disclosure)),
        "feedback": {key: loop[key] for key in FEEDBACK_KEYS},
        "quality": measures.quality(con, scope, disclosure),
    }


# ---------- sentences (pure: measure output in, one sentence out)


def participants_summary(scope_name: str, people: dict, period: str = "in this period") -> str:
    """Who the participant total is made of (a person at two activities counts twice), in the
    named counts of wpc.views.counts."""
    if people["total"] == 0:
        return f"Nobody took part in {scope_name}'s engagement {period}."
    return (f"{counts.PARTICIPANTS.says(people['total'])} (one per person per activity): "
            f"{count(people['known_area'])} live in {scope_name} and {count(people['out_of_area'])} "
            f"outside the ICS; the other {counts.HOME_UNKNOWN.says(people['unknown_home'])} are split by kind in the "
            "table below.")


def activities_held(scope_name: str, activities: int, loop: dict, period: str = "in this period") -> str:
    """How many activities the scope held in the period, and how many owe feedback."""
    if not activities:
        return f"{scope_name} held no engagement activities {period}."
    owe = "owes" if loop["overdue"] == 1 else "owe"
    return (f"{activity_count(activities)} held in {scope_name} {period}; "
            f"{number(loop['overdue'])} {owe} people feedback that is overdue.")


def involvement_depth(scope_name: str, depth: dict, period: str = "in this period") -> str:
    """How many activities reached co-design or co-production (ladder rungs 6-7)."""
    if not depth["activities"]:
        return f"{scope_name} held no engagement activities {period}."
    if not depth["with_rung"]:
        return (f"None of {scope_name}'s {activity_count(depth['activities'])} has a rung of the ladder of "
                "participation recorded.")
    missing = depth["activities"] - depth["with_rung"]
    tail = f" ({number(missing)} have no rung recorded)" if missing else ""
    return (f"{number(depth['co_production'])} of {scope_name}'s {number(depth['with_rung'])} activities "
            f"with a rung recorded ({pct(depth['share'])}) were co-design or co-production, the top two "
            f"rungs of the ladder of participation{tail}.")


def feedback_loop(scope_name: str, loop: dict, period: str = "in this period") -> str:
    """'You said, we did': the share of activities that closed the loop on time."""
    judged = loop["closed"] + loop["overdue"]
    if not loop["activities"]:
        return f"{scope_name} held no engagement activities {period}."
    if not judged:
        return f"None of {scope_name}'s {activity_count(loop['activities'])} is due to report back yet."
    words = (f"Of the {activity_count(judged)} in {scope_name} whose feedback (you said, we did) has been "
             f"given or is overdue, {number(loop['closed_on_time'])} ({pct(loop['share_closed_on_time'])}) "
             f"told people what changed on time; {number(loop['closed_late'])} did so late and "
             f"{number(loop['overdue'])} {are(loop['overdue'])} overdue.")
    if loop["not_yet_due"]:
        words += f" {number(loop['not_yet_due'])} more {are(loop['not_yet_due'])} not yet due."
    return words
