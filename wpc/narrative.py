"""Plain-English sentences that go under every chart (pages, workshop mode and packs share them)."""

from __future__ import annotations

import datetime as dt

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


def _activities(n: int) -> str:
    return _plural(n, "activity", "activities")


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


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


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
