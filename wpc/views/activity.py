"""Activity and feedback: the scope's activities (the log, docs/methods.md section 14), how far
up the ladder of participation they went and where they sit in the engagement cycle (section
6), whether people were told what changed (the feedback loop, section 7), and who took part in
one activity. Lists of activities show only the person's own places."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures, vocab
from wpc.access import Access
from wpc.measures import log
from wpc.measures.scope import Scope
from wpc.views import charts
from wpc.views.compare import extreme
from wpc.views.format import activity_count, counted, day, listed, lower_first, missing, number, pct, verb
from wpc.views.naming import capital
from wpc.views.parts import Metric, Table, limit, records_name
from wpc.views.plans import not_counted_here

PROFILE_LABELS = {**vocab.DIMENSION_LABELS, "home": "Where they live"}
PROFILE_DIMENSIONS = log.PROFILE_DIMENSIONS
LOG_TITLES = {"start_date": "Start", "title": "Title", "place": "Place", "organisation": "Organisation",
              "programme": "Programme", "method": "Method", "ladder_name": "Ladder rung",
              "cycle_name": "Cycle stage", "target_group_names": "Target groups", "participants": "Participants",
              "feedback_status": "Feedback", "feedback_due": "Feedback due", "activity_id": "Activity ID"}
RECENT_TITLES = {key: LOG_TITLES[key] for key in
                 ("start_date", "title", "organisation", "method", "participants", "feedback_status")}
FEEDBACK_COLUMNS = ["activities", "closed_on_time", "closed_late", "overdue", "not_yet_due",
                    "share_closed_on_time"]
# feedback_table's columns as people read them (pages, workshop screens, packs)
FEEDBACK_TITLES = {"organisation": "Organisation", "place": "Place", "activities": "Activities",
                   "closed_on_time": "Closed on time", "closed_late": "Closed late", "overdue": "Overdue",
                   "not_yet_due": "Not yet due", "share_closed_on_time": "Share closed on time"}
# ladder and cycle tables' columns as people read them
STEP_TITLES = {"rung": "Rung", "stage": "Stage", "name": "Name", "activities": "Activities",
               "share": "Share of those recorded"}
STEPS_CAPTION = "The last row counts the activities with no rung or stage recorded, as a share of all."


@dataclass(frozen=True)
class Headlines:
    name: str
    empty: bool  # no activity in the scope at all
    metrics: tuple[Metric, ...]
    not_counted: tuple[str, ...] = ()  # ICS-wide activities (a place's pages), plans and cancelled ones


@dataclass(frozen=True)
class ActivityLog:
    listed_name: str  # whose activities are listed (the person's own places)
    sentence: str
    log: Table  # the listed activities, newest first
    choices: dict[str, str]  # activity id -> "title · start date", for the detail's chooser
    whole_ics: bool  # the person may see every place's records

    def link_note(self, asked: str | None) -> tuple[str, str] | None:
        """What to say when a link names an activity that is not listed: ('warning', text)
        when it is not the person's to see, ('info', text) otherwise; None when it is listed."""
        if not asked or asked in self.choices:
            return None
        if not self.whole_ics:
            return ("warning", f"You cannot open the activity this link names: it is not an activity of your "
                    f"places ({self.listed_name}) in this choice of place, period and filters, so nothing of "
                    "it is shown. Showing the newest of yours instead.")
        return ("info", f"Activity {asked} is not in this list (place, period, filters or title search); "
                "showing the newest activity instead.")


@dataclass(frozen=True)
class ActivityDetail:
    title: str
    facts: str  # place · organisation · programme · method
    metrics: tuple[Metric, ...]
    table: Table
    you_said: str
    we_did: str
    monitored: bool  # individual rows or returns: a profile by dimension can be drawn


@dataclass(frozen=True)
class Profile:
    """Who took part in one activity, on one dimension."""

    sentence: str
    chart: go.Figure | None  # None without equality monitoring
    table: Table | None


@dataclass(frozen=True)
class Steps:
    """The ladder of participation or the engagement cycle."""

    chart: go.Figure
    sentence: str
    table: Table


@dataclass(frozen=True)
class FeedbackLoop:
    sentence: str
    chart: go.Figure
    overdue_sentence: str
    by_organisation: Table
    by_place: Table | None  # the whole ICS only
    overdue: Table  # the person's own places' overdue activities
    all_on_time: str | None  # said instead of an empty overdue table
    due_rule: str


def headlines(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Headlines:
    """The headlines over every activity of the scope (aggregates: not limited by access)."""
    resolved = measures.resolve(con, scope)
    everything = log.activity_log(con, scope, disclosure=disclosure)
    top = measures.co_design_share(measures.ladder(con, scope, disclosure))
    loop = measures.feedback(con, scope, disclosure)
    return Headlines(resolved.name, everything.empty, (
        Metric("Activities", number(len(everything))),
        Metric("At co-design or co-production", pct(top["share"]),
               "Share of the activities with a ladder rung recorded that reached rung 6 (co-design) or 7 "
               "(co-production)."),
        Metric("Feedback closed on time", pct(loop["share_closed_on_time"]),
               "Of the activities whose feedback is closed or overdue, the share closed by the due date: "
               f"the feedback due date given, else {resolved.preset.thresholds.feedback_window_days} days after "
               "the end (or start) date."),
        Metric("Feedback overdue", number(loop["overdue"])),
    ), not_counted_here(resolved.name, resolved.preset.name, measures.ics_wide(con, scope, disclosure)))


def activities(con: duckdb.DuckDBPyConnection, scope: Scope, access: Access | None = None,
               title: str | None = None, disclosure: str = "suppress") -> ActivityLog:
    """The log of the scope's activities that `access` may see (titles containing `title`, if
    given), newest first."""
    resolved = measures.resolve(con, scope)
    s = resolved.scope
    shown = limit(access, s, log.activity_log(con, scope, title, disclosure))
    listed_name = records_name(access, resolved.preset, s.place)
    titles = {key: title for key, title in LOG_TITLES.items() if not (s.place and key == "place")}
    return ActivityLog(
        listed_name=listed_name, sentence=activity_log(listed_name, shown, title),
        log=Table("activity-log", "Activity log", log_table(shown, titles), threshold=resolved.threshold),
        choices=dict(zip(shown["activity_id"],
                         shown["title"] + " · " + shown["start_date"].map(day))),
        whole_ics=access is None or access.whole_ics(s.preset),
    )


def due_rule(window_days: int, today: dt.date) -> str:
    """When feedback is due, in words (the rule of measures.feedback, docs/methods.md section 7)."""
    return (f"Feedback is due on the feedback due date given with the activity, else {window_days} days after "
            f"its end (or start) date; overdue means not given by {day(today)}.")


def log_table(shown: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The log's columns under their titles, method names with a capital like every other label."""
    frame = shown[list(titles)].rename(columns=titles)
    if "Method" in frame:
        frame["Method"] = frame["Method"].map(capital, na_action="ignore")
    return frame


def detail(con: duckdb.DuckDBPyConnection, scope: Scope, activity_id: str,
           disclosure: str = "suppress") -> ActivityDetail:
    """One activity of the scope's ICS (the caller offers only the activities the person may see)."""
    threshold = measures.resolve(con, scope).threshold
    row = log.activity_detail(con, scope, activity_id, disclosure)
    facts = [row["place"], row["organisation"], row["programme"], row["method"] and capital(row["method"])]
    return ActivityDetail(
        title=row["title"], facts=" · ".join(str(f) for f in facts if f),
        metrics=(
            Metric("Participants", "*" if row["participants"] == "*" else number(row["participants"]),
                   f"From {row['source_description']}."),
            # the step's number only, so the figure fits its column; its name is in the table below
            Metric("Ladder rung", f"{row['ladder_rung']} of {len(vocab.LADDER)}" if row["ladder_rung"] else "–",
                   row["ladder_name"]),
            Metric("Cycle stage", f"{row['cycle_stage']} of {len(vocab.CYCLE)}" if row["cycle_stage"] else "–",
                   row["cycle_name"]),
            Metric("Feedback", row["feedback_status"].capitalize(),
                   f"Due {day(row['feedback_due_date'])}." if row["feedback_due_date"] else None),
        ),
        table=Table("activity-detail", "The activity", detail_table(row), threshold=threshold),
        you_said=row["you_said"] or "Not recorded.", we_did=row["we_did"] or "Not recorded.",
        monitored=row["source"] not in ("none", "headcount"),
    )


def profile(con: duckdb.DuckDBPyConnection, scope: Scope, activity_id: str, dimension: str = "imd_quintile",
            disclosure: str = "suppress") -> Profile:
    """Who took part in one activity (wherever they live), on one dimension."""
    threshold = measures.resolve(con, scope).threshold
    row = log.activity_detail(con, scope, activity_id, disclosure)
    people = log.activity_profile(con, scope, activity_id, disclosure)
    if row["source"] in ("none", "headcount"):
        return Profile(activity_profile(row, people, "imd_quintile", "deprivation"), None, None)
    label = PROFILE_LABELS[dimension]
    rows = people[people["dimension"] == dimension]
    table = rows[["label", "participants", "share"]].rename(
        columns={"label": label, "participants": "Participants", "share": "Share of those known"})
    return Profile(activity_profile(row, people, dimension, label), charts.profile_bars(people, dimension),
                   Table("activity-profile", f"Who took part: {label}", table,
                         percent_columns=("Share of those known",), threshold=threshold))


def steps(con: duckdb.DuckDBPyConnection, scope: Scope, kind: str = "ladder",
          disclosure: str = "suppress") -> Steps:
    """The ladder of participation (kind "ladder") or the engagement cycle ("cycle")."""
    measure, step, sentence, title = STEP_KINDS[kind]
    counts = measure(con, scope, disclosure)
    return Steps(charts.steps_bars(counts, step), sentence(measures.resolve(con, scope).name, counts),
                 Table(kind, title, counts.rename(columns=STEP_TITLES), percent_columns=("Share of those recorded",)))


def feedback_loop(con: duckdb.DuckDBPyConnection, scope: Scope, access: Access | None = None,
                  disclosure: str = "suppress") -> FeedbackLoop:
    """The feedback loop by organisation and place, and the overdue activities `access` may see."""
    resolved = measures.resolve(con, scope)
    s = resolved.scope
    loop = measures.feedback(con, scope, disclosure)
    overdue = limit(access, s, loop["overdue_activities"])
    listed_name = records_name(access, resolved.preset, s.place)
    on_time = None
    if not overdue:
        on_time = (f"No activity of {listed_name} has overdue feedback." if loop["overdue_activities"]
                   else "No activity's feedback is overdue.")
    return FeedbackLoop(
        sentence=feedback(resolved.name, loop), chart=charts.feedback_by_organisation(loop["by_organisation"]),
        overdue_sentence=overdue_by_organisation(loop),
        by_organisation=Table(
            "feedback-by-organisation", "Feedback loop by organisation (activities), most overdue first",
            feedback_table(loop["by_organisation"], "organisation").rename(columns=FEEDBACK_TITLES),
            percent_columns=("Share closed on time",),
            # every state, so a slide's row adds up to its activities
            slide_columns=("Organisation", "Activities", "Closed on time", "Closed late", "Overdue", "Not yet due")),
        by_place=None if s.place is not None or not loop["by_place"] else Table(
            "feedback-by-place", "Feedback loop by place",
            feedback_table(loop["by_place"], "place").rename(columns=FEEDBACK_TITLES),
            percent_columns=("Share closed on time",)),
        overdue=Table("feedback-overdue", "Activities whose feedback is overdue, longest overdue first",
                      overdue_table(overdue, with_place=s.place is None)),
        all_on_time=on_time, due_rule=due_rule(resolved.preset.thresholds.feedback_window_days, resolved.today),
    )


def recent(con: duckdb.DuckDBPyConnection, scope: Scope, group: str, access: Access | None = None,
           disclosure: str = "suppress") -> pd.DataFrame:
    """The activities of the last 12 months that targeted `group`, of the places `access` may see."""
    return limit(access, measures.resolve(con, scope).scope,
                 log.recent_activities(con, scope, target_group=group, disclosure=disclosure))


# ---------- the same numbers as tables and sentences for people to read (pure)


def feedback_table(rows: list[dict], name: str) -> pd.DataFrame:
    """measures.feedback()'s by_organisation or by_place rows as a table, most overdue first."""
    frame = pd.DataFrame(rows, columns=[name, "closed", *FEEDBACK_COLUMNS])
    frame = frame.sort_values(["overdue", "activities", name], ascending=[False, False, True], kind="stable")
    return frame[[name, *FEEDBACK_COLUMNS]].reset_index(drop=True)


def overdue_table(rows: list[dict], with_place: bool = True) -> pd.DataFrame:
    """measures.feedback()'s overdue_activities as a table, as they come (longest overdue first)."""
    columns = {
        "title": "Title",
        "place": "Place",
        "organisation": "Organisation",
        "start_date": "Start",
        "due_date": "Feedback due",
        "days_overdue": "Days overdue",
        "activity_id": "Activity ID",
    }
    if not with_place:
        columns.pop("place")
    return pd.DataFrame(rows, columns=list(columns)).rename(columns=columns)


def detail_table(detail: dict) -> pd.DataFrame:
    """The facts of one activity (activity_detail) as Field / Value rows of text."""

    def listed(values: list[str]) -> str:
        return "; ".join(values) if values else "None given"

    dates = day(detail["start_date"]) + (f" to {day(detail['end_date'])}" if detail["end_date"] else "")
    facts = [
        ("Activity ID", detail["activity_id"]),
        ("Dates", dates),
        ("Target groups", listed(detail["target_group_labels"])),
        ("Clinical areas", listed(detail["clinical_area_labels"])),
        ("Ladder rung", f"{detail['ladder_rung']} {detail['ladder_name']}" if detail["ladder_rung"]
         else "Not recorded"),
        ("Cycle stage", f"{detail['cycle_stage']} {detail['cycle_name']}" if detail["cycle_stage"]
         else "Not recorded"),
        ("Participants recorded from", capital(detail["source_description"])),
        (
            "Headcount given",
            "Not given" if detail["participants_total"] is None else str(detail["participants_total"]),
        ),
        ("Cost", "Not given" if detail["cost_gbp"] is None else f"£{detail['cost_gbp']:,.2f}"),
        ("Feedback due", day(detail["feedback_due_date"]) if detail["feedback_due_date"] else "Not set"),
        ("Feedback given", day(detail["feedback_date"]) if detail["feedback_date"] else "Not yet"),
        ("Report", detail["report_url"] or "None given"),
    ]
    return pd.DataFrame(facts, columns=["Field", "Value"])


def activity_log(scope_name: str, log, title_contains: str | None = None) -> str:
    """One sentence over the activity log (measures.log.activity_log)."""
    about = f' with "{title_contains}" in the title' if title_contains else ""
    if log.empty:
        return f"No activities in {scope_name}{about}."
    overdue = int((log["feedback_status"] == "overdue").sum())
    newest, oldest = log["start_date"].max(), log["start_date"].min()
    text = (
        f"{activity_count(len(log))} in {scope_name}{about}, started between {day(oldest)} and "
        f"{day(newest)}, newest first."
    )
    if overdue:
        text += f" {activity_count(overdue)} {verb(overdue, 'is', 'are')} overdue feedback."
    return text


def _steps(scope_name: str, steps, column: str, what: str, words) -> str:
    """A sentence over the ladder or the cycle: `words(recorded rows, their activities)` for the
    steps recorded, then how many activities have none; or why there is nothing to say."""
    recorded = steps[steps[column].notna()]
    missing = int(steps.loc[steps[column].isna(), "activities"].sum())
    total = int(recorded["activities"].sum())
    if not total:
        if not missing:
            return f"No activities in {scope_name}."
        return f"None of the {activity_count(missing)} in {scope_name} has {what} recorded."
    tail = f" {activity_count(missing)} {verb(missing, 'has', 'have')} no {column} recorded." if missing else ""
    return words(recorded, total) + tail


def _steps_named(rows, column: str) -> str:
    """'stage 2, Engage' or 'stages 2, Engage and 4, Decide' for tied steps."""
    named = listed([f"{int(row[column])}, {row['name']}" for row in rows.to_dict("records")])
    return f"{column}{'s' if len(rows) > 1 else ''} {named}"


def _most_common(rows, column: str) -> str:
    """The most common rung (tied rungs together), with its activities and share."""
    first = rows.iloc[0]
    if len(rows) == 1:
        return (f"The most common {column} was {int(first[column])} {first['name']} "
                f"({number(first['activities'])}, {pct(first['share'])})")
    named = listed([f"{int(row[column])} {row['name']}" for row in rows.to_dict("records")])
    return (f"The most common {column}s, tied at {number(first['activities'])} each ({pct(first['share'])}), "
            f"were {named}")


def ladder(scope_name: str, steps) -> str:
    """Where the scope's activities sit on the ladder of participation (measures.ladder)."""
    def words(recorded, total: int) -> str:
        shared = measures.co_design_share(steps)["co_production"]
        biggest = extreme(recorded, "activities", number, lowest=False)
        return (f"Of the {activity_count(total)} in {scope_name} with a rung recorded, {number(shared)} "
                f"({pct(shared / total)}) reached co-design or co-production, the top two rungs. "
                f"{_most_common(biggest, 'rung')}.")

    return _steps(scope_name, steps, "rung", "a rung of the ladder", words)


def cycle(scope_name: str, steps) -> str:
    """Where the scope's activities sit in the engagement cycle (measures.cycle)."""
    def words(recorded, total: int) -> str:
        biggest = extreme(recorded, "activities", number, lowest=False)
        fewest = extreme(recorded, "activities", number, lowest=True)
        text = f"Of the {activity_count(total)} in {scope_name} with a stage recorded, "
        if len(biggest) == len(recorded):
            return text + f"each stage recorded has {number(biggest.iloc[0]['activities'])}."
        return (text + f"most were at {_steps_named(biggest, 'stage')} ({number(biggest.iloc[0]['activities'])}"
                f"{' each' if len(biggest) > 1 else ''}, {pct(biggest.iloc[0]['share'])}); fewest at "
                f"{_steps_named(fewest, 'stage')} ({number(fewest.iloc[0]['activities'])}"
                f"{' each' if len(fewest) > 1 else ''}).")

    return _steps(scope_name, steps, "stage", "a stage of the cycle", words)


def feedback(scope_name: str, loop: dict) -> str:
    """The feedback loop in words (measures.feedback)."""
    if not loop["activities"]:
        return f"No activities in {scope_name}, so no feedback is due."
    text = (
        f"Of the {activity_count(loop['activities'])} in {scope_name}, {number(loop['closed'])} told people "
        f'what changed ("you said, we did"): {number(loop["closed_on_time"])} on time and '
        f"{number(loop['closed_late'])} late. {number(loop['overdue'])} "
        f"{verb(loop['overdue'], 'is', 'are')} overdue and {number(loop['not_yet_due'])} not yet due."
    )
    if loop["share_closed_on_time"] is not None:
        text += (
            f" {pct(loop['share_closed_on_time'])} of the activities whose feedback is closed or overdue "
            "closed it on time."
        )
    return text


def overdue_by_organisation(loop: dict) -> str:
    """Which organisations hold the overdue feedback (measures.feedback()['by_organisation'])."""
    late = sorted(
        (r for r in loop["by_organisation"] if r["overdue"]),
        key=lambda r: (-r["overdue"], -r["activities"], r["organisation"]),
    )
    if not late:
        return "No activity's feedback is overdue."
    named = [f"{r['organisation']} ({number(r['overdue'])})" for r in late[:3]]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    text = f"{activity_count(loop['overdue'])} {verb(loop['overdue'], 'is', 'are')} overdue feedback. "
    if len(late) == 1:
        return text + f"All of them are with {listed}."
    text += f"The organisations with the most: {listed}"
    if len(late) > 3:
        rest = sum(r["overdue"] for r in late[3:])
        others = len(late) - 3
        have = verb(others, "organisation has", "organisations have")
        text += f"; {others} other {have} the other {number(rest)}"
    return text + "."


def activity_profile(detail: dict, profile, dimension: str, dimension_label: str) -> str:
    """Who took part in one activity, on one dimension (measures.log.activity_detail and
    activity_profile): the largest known category, and what is hidden or unknown."""
    title = f'"{detail["title"]}"'
    total = detail["participants"]
    if detail["source"] == "none" or total in (None, 0):
        return f"No participants are recorded for {title}."
    if detail["source"] == "headcount":
        return (
            f"{title} recorded a headcount of {counted(total, 'participant')} but no equality monitoring, "
            "so nothing is known about who they were."
        )
    rows = profile[profile["dimension"] == dimension]
    known = rows[rows["category"] != "unknown"]
    unknown = rows[rows["category"] == "unknown"].iloc[0]
    hidden = int((known["participants"] == "*").sum())
    shown = known[known["participants"] != "*"]
    shown = shown[shown["participants"].astype(int) > 0] if len(shown) else shown
    on = lower_first(dimension_label)
    if shown.empty:
        if hidden:
            people = "few participants" if total == "*" else counted(total, "participant")
            return (
                f"On {on}, the {people} of {title} are too few in each group to show without risk of "
                "identifying someone."
            )
        return f"{dimension_label} is unknown for every participant of {title}."
    top = extreme(shown, "participants", number, lowest=False)
    biggest = top.iloc[0]
    share = "" if missing(biggest["share"]) else f", {pct(biggest['share'])} of those with a known value"
    if len(top) > 1:
        share = " each" + share
    groups = "the largest group" if len(top) == 1 else "the largest groups, tied,"
    text = (
        f"Of the {counted(total, 'participant')} of {title}, {groups} on {on} "
        f"{'is' if len(top) == 1 else 'are'} {listed(list(top['label']))}: "
        f"{number(int(biggest['participants']))}{share}."
    )
    if hidden:
        text += f" {hidden} {verb(hidden, 'group is', 'groups are')} hidden (*) because the count is small."
    if unknown["participants"] == "*":
        text += " A few are unknown."
    elif int(unknown["participants"]):
        text += f" {number(int(unknown['participants']))} unknown ({pct(unknown['share'])})."
    return text


# kind -> (measure, step column, sentence, table title)
STEP_KINDS = {
    "ladder": (measures.ladder, "rung", ladder, "Activities by rung of the ladder of participation"),
    "cycle": (measures.cycle, "stage", cycle, "Activities by stage of the engagement cycle"),
}
