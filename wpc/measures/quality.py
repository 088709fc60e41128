"""Data quality (docs/methods.md section 9): how much of the scope's engagement data can be measured.

Covers the activities held in the scope that start in the period: where their participants
come from (individual rows, aggregated returns, a headcount only), the share unknown on each
field of the individual rows, postcodes that were invalid or not found, activities without
equality monitoring, and headcounts that disagree with the rows or returns.
"""

from __future__ import annotations

import duckdb

from wpc import db
from wpc.measures import families
from wpc.measures.plain import records
from wpc.measures.prepare import begin
from wpc.measures.scope import Scope

FIELDS = {
    "home_area": "Home area (postcode or LSOA)",
    "age_band": "Age",
    "sex": "Sex",
    "gender_same_as_birth": "Gender same as sex registered at birth",
    "ethnicity": "Ethnic group",
    "disability": "Disability",
    "carer": "Unpaid carer",
    "religion": "Religion",
    "sexual_orientation": "Sexual orientation",
    "pregnant_or_recent_birth": "Pregnant or recently gave birth",
    "inclusion_groups": "Inclusion and PLUS groups",
}


def quality(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """Data quality for the scope (see the module docstring). Unknown shares are over the
    individual participant rows; a field's share is withheld when its unknown count is hidden."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes",
                             "int_scope_participants")
    fields = db.query(con, "measures/quality_fields").iloc[0]
    db.execute(con, "measures/quality_scope_activities")
    acts = db.query(con, "measures/quality_activities").iloc[0]
    here = resolved.place

    def activities_family():
        return families.get(con, resolved, "activities")

    sources = policy.cells(activities_family, [("source", here, k) for k in ("individual", "returns", "headcount")],
                           [int(acts["participants_individual"]), int(acts["participants_returns"]),
                            int(acts["participants_headcount"])])
    if int(fields["participants"]) != int(acts["participants_individual"]):
        raise AssertionError("data quality counts individual rows two ways that disagree")
    rows_hidden = bool(sources.suppressed[0])
    denominator = 0 if rows_hidden else int(sources.values[0])
    names = [*FIELDS, "invalid_postcodes", "unmapped_postcodes"]
    counted = policy.cells(lambda: families.get(con, resolved, "quality"), [("quality", here, f) for f in names],
                           [int(fields[f]) for f in names])
    shown = dict(zip(names, counted.shown()))
    value = dict(zip(names, counted.values))
    hidden = dict(zip(names, counted.suppressed))
    unknown = [{
        "field": field,
        "label": label,
        "unknown": shown[field],
        "share_unknown": (None if hidden[field] or not denominator
                          else policy.share(min(int(value[field]), denominator) / denominator)),
    } for field, label in FIELDS.items()]
    source_shown = sources.shown()
    return {
        "activities": int(acts["activities"]),
        "activities_with_individual_rows": int(acts["with_individual_rows"]),
        "activities_with_returns_only": int(acts["with_returns_only"]),
        "activities_headcount_only": int(acts["headcount_only"]),
        "activities_without_participants": int(acts["without_participants"]),
        "activities_without_equality_monitoring": int(acts["without_equality_monitoring"]),
        "participants_individual_rows": source_shown[0],
        "participants_from_returns": source_shown[1],
        "participants_headcount_only": source_shown[2],
        "unknown_by_field": unknown,
        "invalid_postcodes": shown["invalid_postcodes"],
        "unmapped_postcodes": shown["unmapped_postcodes"],
        "headcount_mismatches": int(acts["headcount_mismatches"]),
        "return_mismatches": int(acts["return_mismatches"]),
        "returns_ignored": int(acts["returns_ignored"]),
        "mismatched_activities": _protected_counts(records(db.query(con, "measures/quality_mismatches")), policy),
    }


def _protected_counts(rows: list[dict], policy) -> list[dict]:
    """Per-activity counts of people are counts like any other: the activity's rows as the
    activity log shows them (keyed by their people); the headcounts its uploader gave, with the
    activity's own key."""
    out = []
    for row in rows:
        key = row.pop("record_key")
        rows_key = row.pop("individual_key_sum")
        row = dict(row)
        if row["individual_rows"] is not None:
            row["individual_rows"] = policy.show_one(row["individual_rows"], rows_key)
        for given in ("participants_total", "largest_return_total"):
            if row[given] is not None:
                row[given] = policy.show_one(row[given], key)
        out.append(row)
    return out
