"""Data quality (docs/methods.md section 9): how much of the stored engagement data for a scope
can be measured, the answers left unknown, and the activities whose headcounts disagree
(listed for the person's own places only)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.access import Access
from wpc.measures.scope import Scope
from wpc.views import charts, counts
from wpc.views.compare import extreme
from wpc.views.format import (SUPPRESSED, activity_count, count, counted, listed, lower_first, number, pct,
                              verb)
from wpc.views.parts import Metric, Table, limit

# Fields whose unknowns leave people out of a reach dimension; inclusion groups are left out
# because most people belong to none, so a blank there is usually an answer.
QUALITY_FIELDS = ("home_area", "age_band", "sex", "ethnicity", "disability", "carer")
QUALITY_LIMIT = 0.10
MISMATCH_TITLES = {"activity_id": "Activity ID", "title": "Title", "place": "Place", "source": "Recorded as",
                   "participants_total": "Headcount given", "individual_rows": "Individual rows",
                   "largest_return_total": "Largest return total", "returned_totals_differ": "Returns disagree"}


@dataclass(frozen=True)
class StoredQuality:
    """The quality of the engagement data stored for a scope."""

    name: str
    empty: bool  # no activity stored for the scope
    checked: bool  # individual rows are stored, so fields can be checked
    metrics: tuple[Metric, ...]
    sentence: str
    sources: Table  # how participants were recorded
    unknown_chart: go.Figure | None
    unknown_sentence: str
    unknown: Table | None
    mismatches: Table  # the person's own places' activities whose headcount disagrees


def stored(con: duckdb.DuckDBPyConnection, scope: Scope, access: Access | None = None,
           disclosure: str = "suppress") -> StoredQuality:
    resolved = measures.resolve(con, scope)
    q = measures.quality(con, scope, disclosure)
    threshold = resolved.threshold
    postcodes = [q["invalid_postcodes"], q["unmapped_postcodes"]]
    checked = q["participants_individual_rows"] not in (0, None)
    sources = pd.DataFrame(
        [("Individual equality-monitoring rows", q["activities_with_individual_rows"],
          q["participants_individual_rows"]),
         ("Aggregated returns only", q["activities_with_returns_only"], q["participants_from_returns"]),
         ("Headcount only", q["activities_headcount_only"], q["participants_headcount_only"]),
         ("No participants recorded", q["activities_without_participants"], 0)],
        columns=["Participants recorded as", "Activities", "Participants"])
    unknown = pd.DataFrame(q["unknown_by_field"], columns=["label", "unknown", "share_unknown"])
    mismatched = pd.DataFrame(limit(access, resolved.scope, q["mismatched_activities"]), columns=list(MISMATCH_TITLES))
    return StoredQuality(
        name=resolved.name, empty=not q["activities"],
        metrics=(
            Metric("Activities", f"{q['activities']:,}"),
            Metric("Without equality monitoring", f"{q['activities_without_equality_monitoring']:,}",
                   "A headcount only, or no participants recorded at all."),
            Metric("Postcodes invalid or not found", "*" if "*" in postcodes else f"{sum(postcodes):,}",
                   "Home area then unknown: not a valid postcode, or not in the postcode lookup."),
            Metric("Headcounts that disagree", f"{q['headcount_mismatches'] + q['return_mismatches']:,}",
                   "An activity's headcount differs from its individual rows, or its returns' totals differ."),
        ),
        sentence=quality(resolved.name, q),
        sources=Table("quality-sources", "Participants recorded as", sources, threshold=threshold),
        checked=checked,
        unknown_chart=charts.unknown_by_field(q["unknown_by_field"]) if checked else None,
        unknown_sentence=unknown_fields(resolved.name, q) if checked else
        "No individual participant rows are stored for this choice, so no field can be checked.",
        unknown=Table("quality-unknown", "Answers left unknown", unknown.rename(
            columns={"label": "Field", "unknown": "Rows unknown", "share_unknown": "Share unknown"}),
            percent_columns=("Share unknown",), threshold=threshold) if checked else None,
        mismatches=Table("quality-mismatches", "Activities whose headcount disagrees",
                         mismatched.rename(columns=MISMATCH_TITLES), threshold=threshold),
    )


# ---------- sentences (pure)


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
        if row["field"] == "home_area":  # the named count the Overview reconciles
            warnings.append(f"{counts.ROWS_NO_HOME.says(row['unknown'])} ({pct(share)} of rows); {effect}.")
            continue
        rows = "a few (*)" if row["unknown"] == SUPPRESSED else count(row["unknown"])
        warnings.append(f"{row['label']}: unknown for {rows} participant rows "
                        f"({pct(share)}); {effect}.")
    for postcodes, what in ((quality["invalid_postcodes"], "invalid"),
                            (quality["unmapped_postcodes"], "not found in the lookup")):
        if postcodes not in (0, None):
            how_many = "A few (*)" if postcodes == SUPPRESSED else number(postcodes)
            warnings.append(f"{how_many} postcodes were {what}: counted among the participant rows "
                            "with no usable home area.")
    if quality["activities_without_equality_monitoring"]:
        warnings.append(f"{activity_count(quality['activities_without_equality_monitoring'])} without equality "
                        "monitoring: their participants are unknown on every dimension.")
    mismatches = quality["headcount_mismatches"] + quality["return_mismatches"]
    if mismatches:
        warnings.append(f"{activity_count(mismatches)} where the headcount disagrees with the rows or returns "
                        "uploaded.")
    if quality["returns_ignored"]:
        warnings.append(f"{activity_count(quality['returns_ignored'])} with both individual rows and aggregated "
                        "returns: the returns were ignored so nobody is counted twice.")
    return warnings


def quality(scope_name: str, q: dict) -> str:
    """How much of the scope's engagement data can be measured (measures.quality)."""
    if not q["activities"]:
        return f"No activities in {scope_name}, so there is no engagement data to check."
    without = q["activities_without_equality_monitoring"]
    text = (
        f"Of the {activity_count(q['activities'])} in {scope_name}, "
        f"{number(q['activities_with_individual_rows'])} sent individual equality monitoring, "
        f"{number(q['activities_with_returns_only'])} aggregated returns only, and {number(without)} "
        f"({pct(without / q['activities'])}) none: {number(q['activities_headcount_only'])} with a "
        f"headcount only and {number(q['activities_without_participants'])} with no participants recorded."
    )
    mismatches = q["headcount_mismatches"] + q["return_mismatches"]
    if mismatches:
        text += (
            f" {activity_count(mismatches)} {verb(mismatches, 'has', 'have')} a headcount that disagrees with "
            "its rows or returns (listed below)."
        )
    return text


def _fields(rows: pd.DataFrame) -> str:
    return listed([lower_first(label) for label in rows["label"]])


def unknown_fields(scope_name: str, q: dict) -> str:
    """The equality-monitoring fields most often left unknown (measures.quality)."""
    rows = q["participants_individual_rows"]
    if rows in (0, None):
        return f"No individual participant rows in {scope_name}, so no field can be checked."
    known = [r for r in q["unknown_by_field"] if r["share_unknown"] is not None]
    text = f"Across {counted(rows, 'individual participant row')} in {scope_name}"
    fields = pd.DataFrame(known, columns=["label", "share_unknown"])
    if len(fields) > 1 and fields["share_unknown"].map(pct).nunique() == 1:
        text += f", every field is unknown for {pct(known[0]['share_unknown'])} of them."
    elif known:
        worst = extreme(fields, "share_unknown", pct, lowest=False)
        best = extreme(fields, "share_unknown", pct, lowest=True)
        text += (
            f", {_fields(worst)} {'is' if len(worst) == 1 else 'are'} most often unknown "
            f"({pct(worst.iloc[0]['share_unknown'])}{'' if len(worst) == 1 else ' each'})"
        )
        if len(fields) > 1:
            text += (f" and {_fields(best)} least often ({pct(best.iloc[0]['share_unknown'])}"
                     f"{'' if len(best) == 1 else ' each'})")
        text += "."
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
