"""Plain-English sentences that go under every chart (pages, workshop mode and packs share them)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from wpc.format import count, number, pct
from wpc.format import quarter as quarter_label


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


# ---------- Overview, Reach gaps and Place coverage (pure: measure output in, one sentence out)

SUPPRESSED = "*"
# Fields whose unknowns leave people out of a reach dimension; inclusion groups are left out
# because most people belong to none, so a blank there is usually an answer.
QUALITY_FIELDS = ("home_area", "age_band", "sex", "ethnicity", "disability", "carer")
QUALITY_LIMIT = 0.10
# What each reach dimension asks people, as it reads inside a sentence.
DIMENSION_NOUNS = {
    "imd_quintile": "home area",
    "ethnicity_group": "ethnic group",
    "ethnicity": "ethnic group",
    "age_band": "age",
    "sex": "sex",
    "disability": "disability status",
    "carer": "unpaid carer status",
    "inclusion_group": "inclusion or PLUS group",
}


def _count(value) -> str:
    """A count of people as shown: '*' when hidden, else with thousands separators."""
    return count(value)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _gap_words(gap_pp: float) -> str:
    """-2.67 -> '2.7 points short'; 6.3 -> '6.3 points above'; ~0 -> 'level'."""
    if round(gap_pp, 1) == 0:
        return "level"
    return f"{abs(gap_pp):.1f} points {'short' if gap_pp < 0 else 'above'}"


def _interval_words(row: dict) -> str:
    """What the 95% interval says about the gap, for a reach row with a flag."""
    interval = f"The 95% interval ({pct(row['ci_low'])} to {pct(row['ci_high'])})"
    if row.get("flag") == "under":
        return f"{interval} is wholly below the residents' share, so the gap is unlikely to be chance."
    if row.get("flag") == "over":
        return f"{interval} is wholly above the residents' share, so the difference is unlikely to be chance."
    return f"{interval} includes the residents' share, so the difference may be chance."


def core20_reach(scope_name: str, core20: dict) -> str:
    """DESIGN 5.1: 'In Lambeth, 24.0% of participants whose home is known live in the most
    deprived fifth of England, against 31.0% of residents: 7.0 points short.', and what its
    95% interval says about the gap."""
    share = core20.get("engaged_share")
    if share is None:
        if core20.get("engaged") == SUPPRESSED:
            return (f"In {scope_name}, so few participants live in the most deprived fifth of England "
                    "that the number is hidden (*) and no share is shown.")
        return (f"In {scope_name}, no participant with a known home took part in this period, so Core20 "
                "reach cannot be measured.")
    where = (f"In {scope_name}, {pct(share)} of participants whose home is known live in the most "
             "deprived fifth")
    if core20.get("population_share") is None:
        return f"{where} of England."
    if not core20["population_share"]:
        return f"{where} of England; none of the area's residents do."
    return (f"{where} of England, against {pct(core20['population_share'])} of residents: "
            f"{_gap_words(core20['gap_pp'])}. {_interval_words(core20)}")


def core20_places(ics_name: str, rows) -> str:
    """Which places fall furthest short of (or go furthest beyond) their residents' Core20
    share; `rows` are dashboard.core20_by_place rows (the ICS first)."""
    places = rows[rows["place"].notna() & rows["gap_pp"].notna()]
    if places.empty:
        return f"No place in {ics_name} has enough participants with a known home to compare."
    worst = places.loc[places["gap_pp"].idxmin()]
    best = places.loc[places["gap_pp"].idxmax()]
    under = int((places["flag"] == "under").sum())
    words = (f"Core20 reach is lowest against its residents in {worst['area']} "
             f"({pct(worst['engaged_share'])} of participants against {pct(worst['population_share'])} of "
             f"residents: {_gap_words(worst['gap_pp'])})")
    if len(places) > 1:
        words += f" and highest in {best['area']} ({_gap_words(best['gap_pp'])})"
    return (f"{words}. In {number(under)} of {_plural(len(places), 'place')} the whole 95% interval lies "
            "below the residents' share.")


def participants_summary(scope_name: str, people: dict) -> str:
    """Who the participant total is made of (a person at two activities counts twice)."""
    if people["total"] == 0:
        return f"Nobody took part in {scope_name}'s engagement in this period."
    return (f"{_count(people['total'])} participants (one per person per activity): "
            f"{_count(people['known_area'])} live in {scope_name}, {_count(people['unknown_home'])} gave no "
            f"usable home area and {_count(people['out_of_area'])} live outside the ICS.")


def activities_held(scope_name: str, activities: int, loop: dict) -> str:
    """How many activities the scope held in the period, and how many owe feedback."""
    if not activities:
        return f"{scope_name} held no engagement activities in this period."
    owe = "owes" if loop["overdue"] == 1 else "owe"
    return (f"{_activities(activities)} held in {scope_name} started in this period; "
            f"{number(loop['overdue'])} {owe} people feedback that is overdue.")


def involvement_depth(scope_name: str, depth: dict) -> str:
    """How many activities reached co-design or co-production (ladder rungs 6-7)."""
    if not depth["activities"]:
        return f"{scope_name} held no engagement activities in this period."
    if not depth["with_rung"]:
        return (f"None of {scope_name}'s {_activities(depth['activities'])} has a rung of the ladder of "
                "participation recorded.")
    missing = depth["activities"] - depth["with_rung"]
    tail = f" ({number(missing)} have no rung recorded)" if missing else ""
    return (f"{number(depth['co_production'])} of {scope_name}'s {number(depth['with_rung'])} activities "
            f"with a rung recorded ({pct(depth['share'])}) were co-design or co-production, the top two "
            f"rungs of the ladder of participation{tail}.")


def feedback_loop(scope_name: str, loop: dict) -> str:
    """'You said, we did': the share of activities that closed the loop on time."""
    judged = loop["closed"] + loop["overdue"]
    if not loop["activities"]:
        return f"{scope_name} held no engagement activities in this period."
    if not judged:
        return f"None of {scope_name}'s {_activities(loop['activities'])} is due to report back yet."
    words = (f"Of the {_activities(judged)} in {scope_name} whose feedback (you said, we did) has been "
             f"given or is overdue, {number(loop['closed_on_time'])} ({pct(loop['share_closed_on_time'])}) "
             f"told people what changed on time; {number(loop['closed_late'])} did so late and "
             f"{number(loop['overdue'])} {_are(loop['overdue'])} overdue.")
    if loop["not_yet_due"]:
        words += f" {number(loop['not_yet_due'])} more {_are(loop['not_yet_due'])} not yet due."
    return words


def quality_warnings(quality: dict, limit: float = QUALITY_LIMIT) -> list[str]:
    """Plain-English warnings from measures.quality (empty list: nothing to warn about).

    A field is flagged when more than `limit` of the individual participant rows leave it
    unknown (its share withheld is not flagged: it is a small count)."""
    warnings = []
    for row in quality["unknown_by_field"]:
        share = row["share_unknown"]
        if row["field"] not in QUALITY_FIELDS or share is None or share <= limit:
            continue
        effect = ("they cannot count towards Core20 reach, coverage or rates" if row["field"] == "home_area"
                  else "they are left out of that dimension's shares")
        warnings.append(f"{row['label']}: unknown for {_count(row['unknown'])} participant rows "
                        f"({pct(share)}); {effect}.")
    for postcodes, what in ((quality["invalid_postcodes"], "invalid"),
                            (quality["unmapped_postcodes"], "not found in the lookup")):
        if postcodes not in (0, None):
            warnings.append(f"{_count(postcodes)} postcodes were {what}; those people have no known home "
                            "area.")
    if quality["activities_without_equality_monitoring"]:
        warnings.append(f"{_activities(quality['activities_without_equality_monitoring'])} without equality "
                        "monitoring: their participants are unknown on every dimension.")
    mismatches = quality["headcount_mismatches"] + quality["return_mismatches"]
    if mismatches:
        warnings.append(f"{_activities(mismatches)} where the headcount disagrees with the rows or returns "
                        "uploaded.")
    if quality["returns_ignored"]:
        warnings.append(f"{_activities(quality['returns_ignored'])} with both individual rows and aggregated "
                        "returns: the returns were ignored so nobody is counted twice.")
    return warnings


def reach_gaps(scope_name: str, reach_rows) -> str:
    """The largest shortfall and the largest over-representation on one dimension (reach rows)."""
    noun = DIMENSION_NOUNS.get(reach_rows["dimension"].iloc[0], "answer")
    rows = reach_rows[reach_rows["category"] != "unknown"]
    shown = rows[rows["engaged_share"].notna()]
    if shown.empty:
        return f"No participant in {scope_name} has a known {noun} in this period that can be shown."
    if shown["population_share"].isna().all():
        top = shown.loc[shown["engaged_share"].idxmax()]
        return (f"There is no census count of each {noun}, so only the participants' shares are shown: "
                f"the largest group in {scope_name} is {top['label']} ({pct(top['engaged_share'])} of "
                "participants).")
    parts = []
    under = shown[shown["flag"] == "under"]
    if len(under):
        worst = under.loc[under["gap_pp"].idxmin()]
        parts.append(f"In {scope_name}, the largest shortfall is {worst['label']}: "
                     f"{pct(worst['engaged_share'])} of participants against "
                     f"{pct(worst['population_share'])} of residents ({_gap_words(worst['gap_pp'])}, "
                     "beyond chance).")
    else:
        parts.append(f"In {scope_name}, no category of {noun} is reached clearly less than its share of "
                     "residents.")
    over = shown[shown["flag"] == "over"]
    if len(over):
        most = over.loc[over["gap_pp"].idxmax()]
        parts.append(f"The most over-represented is {most['label']}: {pct(most['engaged_share'])} against "
                     f"{pct(most['population_share'])} ({_gap_words(most['gap_pp'])}).")
    withheld = int(rows["suppressed"].sum())
    if withheld:
        parts.append(f"{_plural(withheld, 'category is', 'categories are')} hidden (*) to protect privacy.")
    return " ".join(parts)


def reach_unknown(reach_rows) -> str:
    """How many participants are unknown on the dimension and left out of its shares."""
    dimension = reach_rows["dimension"].iloc[0]
    noun = DIMENSION_NOUNS.get(dimension, "answer")
    row = reach_rows[reach_rows["category"] == "unknown"].iloc[0]
    if dimension == "inclusion_group":
        what, effect = f"named no {noun}", "each group's share is of all participants"
    elif dimension == "imd_quintile":
        what, effect = "gave no usable home area", "they are left out of the shares"
    else:
        what, effect = f"did not give their {noun}", "they are left out of the shares"
    if row["engaged"] == 0:
        return f"Every participant's {noun} is known."
    if row["engaged"] == SUPPRESSED:
        return f"A few participants (*) {what}; {effect}."
    return f"{_count(row['engaged'])} participants ({pct(row['engaged_share'])} of all) {what}; {effect}."


def reach_trend(scope_name: str, category_label: str, trend) -> str:
    """How one category's share of participants moved between the first and last quarter shown."""
    shown = trend[trend["engaged_share"].notna()]
    if shown.empty:
        return f"No quarter has enough participants in {scope_name} to show {category_label} safely."
    last = shown.iloc[-1]
    residents = "" if pd.isna(last["population_share"]) else f" (residents: {pct(last['population_share'])})"
    if len(shown) == 1:
        return (f"In {quarter_label(last['quarter'])}, {pct(last['engaged_share'])} of participants in "
                f"{scope_name} were {category_label}{residents}; no other quarter can be shown.")
    first = shown.iloc[0]
    return (f"{category_label}: {pct(first['engaged_share'])} of participants in {scope_name} in "
            f"{quarter_label(first['quarter'])}, {pct(last['engaged_share'])} in "
            f"{quarter_label(last['quarter'])}{residents}.")


def coverage_summary(scope_name: str, coverage: dict, cold_spots) -> str:
    """Core20 neighbourhoods reached, the cold spots' residents and the overall rate."""
    rate = coverage["rate_per_1000"]
    rate_words = "" if rate is None else (
        f" Overall, {rate:.1f} participants per 1,000 residents live in {scope_name}.")
    if not coverage["core20_lsoas"]:
        return (f"{scope_name} has no Core20 neighbourhoods (LSOAs in England's most deprived fifth)."
                f"{rate_words}")
    spots = len(cold_spots)
    if spots:
        residents = number(int(cold_spots["population"].sum()))
        tail = f"; the {_plural(spots, 'cold spot')} not reached {_are(spots)} home to {residents} residents"
    else:
        tail = "; there are no cold spots"
    return (f"Engagement reached {number(coverage['core20_lsoas_reached'])} of {scope_name}'s "
            f"{number(coverage['core20_lsoas'])} Core20 neighbourhoods ({pct(coverage['share'])}) in this "
            f"period{tail}.{rate_words}")


def cold_spots_first(cold_spots) -> str:
    """The most deprived cold spot, which the table lists first."""
    if cold_spots.empty:
        return "Every Core20 neighbourhood had at least one participant living there."
    top = cold_spots.iloc[0]
    return (f"The most deprived not reached is {top['lsoa_name']} ({top['lsoa_code']}, in "
            f"{top['msoa_name']}), national IMD rank {number(top['imd_rank'])} (1 = most deprived in "
            f"England), home to {number(top['population'])} residents.")


def neighbourhood_rates(scope_name: str, rates) -> str:
    """The range of engagement rates across the scope's neighbourhoods (MSOA rows of area_rates)."""
    shown = rates[rates["rate_per_1000"].notna()]
    if shown.empty:
        return f"No neighbourhood rate in {scope_name} can be shown for this period."
    low = shown.loc[shown["rate_per_1000"].idxmin()]
    high = shown.loc[shown["rate_per_1000"].idxmax()]
    return (f"Across {_plural(len(rates), 'neighbourhood')} (MSOAs), participants per 1,000 residents "
            f"range from {low['rate_per_1000']:.1f} in {low['area_name']} to "
            f"{high['rate_per_1000']:.1f} in {high['area_name']}.")


def fatigue_summary(scope_name: str, fatigue: dict) -> str:
    """Neighbourhoods, people and groups asked again and again in the fatigue window."""
    window = f"{_day(fatigue['window_start'])} to {_day(fatigue['window_end'])}"
    limit = fatigue["limit"]
    if not fatigue["neighbourhoods_reached"] and not fatigue["overlaps"]:
        return (f"No activity starting in the fatigue window ({window}) reached anyone living in "
                f"{scope_name}, and none overlapped, so nobody shows as over-asked. Set 'Activities to' in "
                "the sidebar to look back from an earlier date.")
    return (f"From {window}, {number(fatigue['neighbourhoods_high'])} of the "
            f"{_plural(fatigue['neighbourhoods_reached'], 'neighbourhood')} reached had people at {limit} or "
            f"more activities (the limit); {_count(fatigue['repeat_participants'])} people (of "
            f"{_count(fatigue['participants_with_ref'])} with a participant reference) took part in {limit} "
            f"or more; and {_plural(len(fatigue['overlaps']), 'target group')} had two or more activities "
            "aimed at them in the same place.")
# ---------- activity log, ladder and cycle, feedback loop, activity profile, data quality,
# insight library. Each takes a measure's output as it comes (counts may be "*").


def _day(value) -> str:
    """'2026-11-03' or a date -> '3 Nov 2026'."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%b %Y}"


def _counted(value, noun: str, plural: str | None = None) -> str:
    """'1 activity', '12 activities', 'a few activities' for a hidden count ("*")."""
    if value == "*":
        return f"a few {plural or noun + 's'}"
    return f"{number(value)} {noun if value == 1 else (plural or noun + 's')}"


def _activities(value) -> str:
    return _counted(value, "activity", "activities")


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
            f"{title} recorded a headcount of {_counted(total, 'participant')} but no equality monitoring, "
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
            people = "few participants" if total == "*" else _counted(total, "participant")
            return (
                f"On {on}, the {people} of {title} are too few in each group to show without risk of "
                "identifying someone."
            )
        return f"{dimension_label} is unknown for every participant of {title}."
    biggest = shown.loc[shown["participants"].astype(int).idxmax()]
    share = "" if _missing(biggest["share"]) else f", {pct(biggest['share'])} of those with a known value"
    text = (
        f"Of the {_counted(total, 'participant')} of {title}, the largest group on {on} is "
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
    text = f"Across {_counted(rows, 'individual participant row')} in {scope_name}"
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
    found = f"{_counted(results.total, 'insight')}{where}{_given_no_place(results)}"
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
            f"No insight{where} mentions all of {words}; {_counted(results.total, 'insight')}"
            f"{_given_no_place(results)} {mention} at least one of them, best matches first."
        )
    return f"{found} {mention} {words} (or words from the same stem, such as plurals), best matches first."


def themes(counts, total: int) -> str:
    """The themes most often named by a set of insights (wpc.insights.search.theme_counts)."""
    if counts.empty:
        return "None of these insights names a theme."
    top = counts.iloc[0]
    text = (
        f'The theme named most often by these {_counted(total, "insight")} is "{top["theme"]}" '
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
        known = f"{_counted(insights, 'insight')} already {records} what {they} told us"
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
