"""Data quality (docs/methods.md section 9): how much of the scope's engagement data can be measured.

Covers the activities held in the scope that start in the period: where their participants
come from (individual rows, aggregated returns, a headcount only), the share unknown on each
field of the individual rows, postcodes that were invalid or not found, activities without
equality monitoring, and headcounts that disagree with the rows or returns.
"""

from __future__ import annotations

import duckdb

from wpc import db
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
    individual participant rows; a field's share is withheld when its unknown count is small."""
    _resolved, policy = begin(con, scope, disclosure, "int_scope_activities", "int_scope_homes",
                              "int_scope_participants")
    fields = db.query(con, "measures/quality_fields").iloc[0]
    db.execute(con, "measures/quality_scope_activities")
    acts = db.query(con, "measures/quality_activities").iloc[0]
    rows = int(fields["participants"])
    denominator = policy.total(rows)
    unknown = []
    for field, label in FIELDS.items():
        value, hidden = policy.protect_one(int(fields[field]))
        unknown.append({
            "field": field,
            "label": label,
            "unknown": policy.show_one(int(fields[field])),
            "share_unknown": None if hidden or not denominator else value / denominator,
        })
    return {
        "activities": int(acts["activities"]),
        "activities_with_individual_rows": int(acts["with_individual_rows"]),
        "activities_with_returns_only": int(acts["with_returns_only"]),
        "activities_headcount_only": int(acts["headcount_only"]),
        "activities_without_participants": int(acts["without_participants"]),
        "activities_without_equality_monitoring": int(acts["without_equality_monitoring"]),
        "participants_individual_rows": policy.show_one(int(acts["participants_individual"])),
        "participants_from_returns": policy.show_one(int(acts["participants_returns"])),
        "participants_headcount_only": policy.show_one(int(acts["participants_headcount"])),
        "unknown_by_field": unknown,
        "invalid_postcodes": policy.show_one(int(fields["invalid_postcodes"])),
        "unmapped_postcodes": policy.show_one(int(fields["unmapped_postcodes"])),
        "headcount_mismatches": int(acts["headcount_mismatches"]),
        "return_mismatches": int(acts["return_mismatches"]),
        "returns_ignored": int(acts["returns_ignored"]),
        "mismatched_activities": _protected_counts(
            records(db.query(con, "measures/quality_mismatches")), policy,
            ("participants_total", "individual_rows", "largest_return_total"),
        ),
    }


def _protected_counts(rows: list[dict], policy, keys: tuple[str, ...]) -> list[dict]:
    """Per-activity counts of people are counts like any other: small ones are shown as '*'."""
    return [{k: (policy.show_one(v) if k in keys and v is not None else v) for k, v in row.items()}
            for row in rows]
