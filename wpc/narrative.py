"""Plain-English sentences that go under every chart (pages, workshop mode and packs share them)."""

from __future__ import annotations

import datetime as dt
import math

from wpc.format import number, pct


def core20_population(scope_name: str, summary: dict) -> str:
    """'In Thurrock, 14.8% of residents (25,988 of 175,970) live in the most deprived 20% of areas in England.'"""
    if not summary.get("residents"):
        return f"{scope_name} has no residents in the reference data."
    if not summary["core20_residents"]:
        return (
            f"None of {scope_name}'s {number(summary['residents'])} residents live in the most "
            "deprived 20% of areas in England (Core20)."
        )
    return (
        f"In {scope_name}, {pct(summary['core20_share'])} of residents "
        f"({number(summary['core20_residents'])} of {number(summary['residents'])}) live in the most "
        f"deprived 20% of areas in England (Core20), across {number(summary['core20_lsoas'])} of its "
        f"{number(summary['lsoas'])} neighbourhoods (LSOAs)."
    )


def decile_distribution(scope_name: str, deciles) -> str:
    """Which end of the national deprivation scale the scope's residents sit at."""
    total = deciles["residents"].sum()
    if not total:
        return f"{scope_name} has no residents in the reference data."
    most = deciles.loc[deciles["imd_decile"] <= 2, "residents"].sum() / total
    least = deciles.loc[deciles["imd_decile"] >= 9, "residents"].sum() / total
    biggest = deciles.loc[deciles["residents"].idxmax()]
    return (
        f"{pct(most)} of {scope_name}'s residents live in England's most deprived fifth of areas and "
        f"{pct(least)} in the least deprived fifth (an even spread would be 20% each). "
        f"The largest group, {pct(biggest['residents_share'])}, lives in decile {int(biggest['imd_decile'])}."
    )


def core20_by_place(ics_name: str, places, england_share: float) -> str:
    """Which places hold the most deprived residents, against England's share."""
    if places.empty:
        return f"{ics_name} has no places defined."
    top = places.loc[places["core20_share"].idxmax()]
    low = places.loc[places["core20_share"].idxmin()]
    if len(places) == 1:
        return (f"In {top['place']}, {pct(top['core20_share'])} of residents live in Core20 "
                f"neighbourhoods, against {pct(england_share)} across England.")
    return (
        f"Across {ics_name}, the Core20 population share ranges from {pct(low['core20_share'])} in "
        f"{low['place']} to {pct(top['core20_share'])} in {top['place']}, against "
        f"{pct(england_share)} across England."
    )


# ---------- activity log, ladder and cycle, feedback loop, activity profile, data quality,
# insight library. Each takes a measure's output as it comes (counts may be "*").


def _day(value) -> str:
    """'2026-11-03' or a date -> '3 Nov 2026'."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%b %Y}"


def _count(value, noun: str, plural: str | None = None) -> str:
    """'1 activity', '12 activities', 'a few activities' for a hidden count ("*")."""
    if value == "*":
        return f"a few {plural or noun + 's'}"
    return f"{number(value)} {noun if value == 1 else (plural or noun + 's')}"


def _activities(value) -> str:
    return _count(value, "activity", "activities")


def _verb(value, one: str, many: str) -> str:
    return one if value == 1 else many


def _lower_first(label: str) -> str:
    """'Age band' -> 'age band', but 'IMD quintile' stays."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _missing(value) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def activity_log(scope_name: str, log, title_contains: str | None = None) -> str:
    """One sentence over the activity log (measures.log.activity_log)."""
    about = f' with "{title_contains}" in the title' if title_contains else ""
    if log.empty:
        return f"No activities in {scope_name}{about}."
    overdue = int((log["feedback_status"] == "overdue").sum())
    newest, oldest = log["start_date"].max(), log["start_date"].min()
    text = (
        f"{_activities(len(log))} in {scope_name}{about}, started between {_day(oldest)} and "
        f"{_day(newest)}, newest first."
    )
    if overdue:
        text += f" {_activities(overdue)} {_verb(overdue, 'is', 'are')} overdue feedback."
    return text


def _steps(steps, column: str) -> tuple:
    """(rows with the step recorded, how many activities they hold, how many have none)."""
    recorded = steps[steps[column].notna()]
    missing = int(steps.loc[steps[column].isna(), "activities"].sum())
    return recorded, int(recorded["activities"].sum()), missing


def ladder(scope_name: str, steps) -> str:
    """Where the scope's activities sit on the ladder of participation (measures.ladder)."""
    recorded, total, missing = _steps(steps, "rung")
    if not total:
        if not missing:
            return f"No activities in {scope_name}."
        return f"None of the {_activities(missing)} in {scope_name} has a rung of the ladder recorded."
    shared = int(recorded.loc[recorded["rung"] >= 6, "activities"].sum())
    biggest = recorded.loc[recorded["activities"].idxmax()]
    text = (
        f"Of the {_activities(total)} in {scope_name} with a rung recorded, {number(shared)} "
        f"({pct(shared / total)}) reached co-design or co-production, the top two rungs. The most common "
        f"rung was {int(biggest['rung'])} {biggest['name']} ({number(biggest['activities'])}, "
        f"{pct(biggest['share'])})."
    )
    if missing:
        text += f" {_activities(missing)} {_verb(missing, 'has', 'have')} no rung recorded."
    return text


def cycle(scope_name: str, steps) -> str:
    """Where the scope's activities sit in the engagement cycle (measures.cycle)."""
    recorded, total, missing = _steps(steps, "stage")
    if not total:
        if not missing:
            return f"No activities in {scope_name}."
        return f"None of the {_activities(missing)} in {scope_name} has a stage of the cycle recorded."
    biggest = recorded.loc[recorded["activities"].idxmax()]
    fewest = recorded.loc[recorded["activities"].idxmin()]
    text = (
        f"Of the {_activities(total)} in {scope_name} with a stage recorded, most were at stage "
        f"{int(biggest['stage'])}, {biggest['name']} ({number(biggest['activities'])}, "
        f"{pct(biggest['share'])}); fewest at stage {int(fewest['stage'])}, {fewest['name']} "
        f"({number(fewest['activities'])})."
    )
    if missing:
        text += f" {_activities(missing)} {_verb(missing, 'has', 'have')} no stage recorded."
    return text


def feedback(scope_name: str, loop: dict) -> str:
    """The feedback loop in words (measures.feedback)."""
    if not loop["activities"]:
        return f"No activities in {scope_name}, so no feedback is due."
    text = (
        f"Of the {_activities(loop['activities'])} in {scope_name}, {number(loop['closed'])} told people "
        f'what changed ("you said, we did"): {number(loop["closed_on_time"])} on time and '
        f"{number(loop['closed_late'])} late. {number(loop['overdue'])} "
        f"{_verb(loop['overdue'], 'is', 'are')} overdue and {number(loop['not_yet_due'])} not yet due."
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
    text = f"{_activities(loop['overdue'])} {_verb(loop['overdue'], 'is', 'are')} overdue feedback. "
    if len(late) == 1:
        return text + f"All of them are with {listed}."
    text += f"The organisations with the most: {listed}"
    if len(late) > 3:
        rest = sum(r["overdue"] for r in late[3:])
        others = len(late) - 3
        have = _verb(others, "organisation has", "organisations have")
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
            f"{title} recorded a headcount of {_count(total, 'participant')} but no equality monitoring, "
            "so nothing is known about who they were."
        )
    rows = profile[profile["dimension"] == dimension]
    known = rows[rows["category"] != "unknown"]
    unknown = rows[rows["category"] == "unknown"].iloc[0]
    hidden = int((known["participants"] == "*").sum())
    shown = known[known["participants"] != "*"]
    shown = shown[shown["participants"].astype(int) > 0] if len(shown) else shown
    on = _lower_first(dimension_label)
    if shown.empty:
        if hidden:
            people = "few participants" if total == "*" else _count(total, "participant")
            return (
                f"On {on}, the {people} of {title} are too few in each group to show without risk of "
                "identifying someone."
            )
        return f"{dimension_label} is unknown for every participant of {title}."
    biggest = shown.loc[shown["participants"].astype(int).idxmax()]
    share = "" if _missing(biggest["share"]) else f", {pct(biggest['share'])} of those with a known value"
    text = (
        f"Of the {_count(total, 'participant')} of {title}, the largest group on {on} is "
        f"{biggest['label']}: {number(int(biggest['participants']))}{share}."
    )
    if hidden:
        text += f" {hidden} {_verb(hidden, 'group is', 'groups are')} hidden (*) because the count is small."
    if unknown["participants"] == "*":
        text += " A few are unknown."
    elif int(unknown["participants"]):
        text += f" {number(int(unknown['participants']))} unknown ({pct(unknown['share'])})."
    return text


def quality(scope_name: str, q: dict) -> str:
    """How much of the scope's engagement data can be measured (measures.quality)."""
    if not q["activities"]:
        return f"No activities in {scope_name}, so there is no engagement data to check."
    without = q["activities_without_equality_monitoring"]
    text = (
        f"Of the {_activities(q['activities'])} in {scope_name}, "
        f"{number(q['activities_with_individual_rows'])} sent individual equality monitoring, "
        f"{number(q['activities_with_returns_only'])} aggregated returns only, and {number(without)} "
        f"({pct(without / q['activities'])}) none: {number(q['activities_headcount_only'])} with a "
        f"headcount only and {number(q['activities_without_participants'])} with no participants recorded."
    )
    mismatches = q["headcount_mismatches"] + q["return_mismatches"]
    if mismatches:
        text += (
            f" {_activities(mismatches)} {_verb(mismatches, 'has', 'have')} a headcount that disagrees with "
            "its rows or returns (listed below)."
        )
    return text


def unknown_fields(scope_name: str, q: dict) -> str:
    """The equality-monitoring fields most often left unknown (measures.quality)."""
    rows = q["participants_individual_rows"]
    if rows in (0, None):
        return f"No individual participant rows in {scope_name}, so no field can be checked."
    known = [r for r in q["unknown_by_field"] if r["share_unknown"] is not None]
    text = f"Across {_count(rows, 'individual participant row')} in {scope_name}"
    if known:
        worst = max(known, key=lambda r: r["share_unknown"])
        best = min(known, key=lambda r: r["share_unknown"])
        text += (
            f", {_lower_first(worst['label'])} is most often unknown ({pct(worst['share_unknown'])}) and "
            f"{_lower_first(best['label'])} least often ({pct(best['share_unknown'])})."
        )
    else:
        text += ", too few fields are unknown to show their shares."
    postcodes = [
        (q["invalid_postcodes"], "not a valid postcode"),
        (q["unmapped_postcodes"], "not in the postcode lookup"),
    ]
    said = [f"{'a few' if n == '*' else number(n)} {what}" for n, what in postcodes if n not in (0, None)]
    if said:
        text += " Postcodes given but unusable: " + " and ".join(said) + "; those homes count as unknown."
    return text


def _given_no_place(results) -> str:
    """' (3 of them given no place)' when some of the insights found have no place."""
    found = results.matches if results.matches is not None else results.hits
    unplaced = int(found["place"].isna().sum()) if len(found) else 0
    if not unplaced:
        return ""
    return " (given no place)" if results.total == 1 else f" ({unplaced} of them given no place)"


def search(scope_name: str, results) -> str:
    """What a search of the insight library found (wpc.insights.search.Results)."""
    where = f" in {scope_name}"
    found = f"{_count(results.total, 'insight')}{where}{_given_no_place(results)}"
    mention = _verb(results.total, "mentions", "mention")
    if results.match == "none":
        if not results.total:
            return f"No insights{where} for this choice of filters."
        return f"{found}, newest first. Type words above to search them."
    words = results.query.describe()
    if not results.total:
        return (
            f"No insight{where} mentions {words}, or words from the same stem. Try fewer or other words, "
            "or clear a filter."
        )
    if results.match == "any":
        return (
            f"No insight{where} mentions all of {words}; {_count(results.total, 'insight')}"
            f"{_given_no_place(results)} {mention} at least one of them, best matches first."
        )
    return f"{found} {mention} {words} (or words from the same stem, such as plurals), best matches first."


def themes(counts, total: int) -> str:
    """The themes most often named by a set of insights (wpc.insights.search.theme_counts)."""
    if counts.empty:
        return "None of these insights names a theme."
    top = counts.iloc[0]
    text = (
        f'The theme named most often by these {_count(total, "insight")} is "{top["theme"]}" '
        f"({number(top['insights'])})."
    )
    if len(counts) > 1:
        second = counts.iloc[1]
        text += f' Next is "{second["theme"]}" ({number(second["insights"])}).'
    return text


def before_you_engage(place_name: str, group_label: str | None, insights: int, recent) -> str:
    """What is already known, and recently done, before engaging a group in a place
    (a count of insights, and measures.log.recent_activities)."""
    who = group_label or "anyone"
    they, them = ("they", "them") if group_label else ("people there", "people there")
    if insights:
        records = _verb(insights, "records", "record")
        known = f"{_count(insights, 'insight')} already {records} what {they} told us"
    else:
        known = f"no insight yet records what {they} told us"
    if recent.empty:
        done = f"no activity in the last 12 months targeted {them}"
    else:
        latest = recent.iloc[0]
        by = f" by {latest['organisation']}" if isinstance(latest["organisation"], str) else ""
        done = (
            f"{_activities(len(recent))} in the last 12 months targeted {them} (the latest: "
            f'"{latest["title"]}"{by}, started {_day(latest["start_date"])})'
        )
    return f"Before engaging {who} in {place_name}: {known}, and {done}."
