"""The named counts of people: one definition, one label and one tooltip for each, used by every
page, workshop screen, pack and `wpc report` (docs/methods.md section 1).

Counts that differ have different names. The participants with no known home area are split by
where their count came from, and the Overview's reconciliation (`reconciliation`) shows how the
total adds up. Deprivation unknown (Reach gaps on deprivation) is smaller than home area unknown:
an aggregated return may give people's IMD quintile without their LSOA.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wpc.views.format import count


@dataclass(frozen=True)
class NamedCount:
    key: str
    label: str  # as a metric or table row names it
    phrase: str  # as a sentence says it after the number, e.g. "7 participant rows with no usable home area"
    tooltip: str
    measure: str  # the measure (wpc.measures) and field that gives it

    def says(self, value) -> str:
        """The count in a sentence: '4,032 participant rows with no usable home area'."""
        return f"{count(value)} {self.phrase}"


PARTICIPANTS = NamedCount(
    "participants", "Participants", "participants",
    "One per person per activity: someone at two activities counts twice.",
    "participants.total")
LIVING_HERE = NamedCount(
    "living_here", "Living here (home area known)", "participants living here",
    "Participants whose postcode or LSOA puts their home in this ICS or place.",
    "participants.known_area")
OUTSIDE_ICS = NamedCount(
    "outside_ics", "Living outside the ICS", "participants living outside the ICS",
    "Participants at this scope's activities whose home area is outside the ICS.",
    "participants.out_of_area")
HOME_UNKNOWN = NamedCount(
    "home_unknown", "No known home area", "participants with no known home area",
    "Participants at this scope's activities whose home cannot be placed: participant rows with no usable "
    "home area, people in aggregated returns not placed in an LSOA, and people counted by a headcount only.",
    "participants.unknown_home")
ROWS_NO_HOME = NamedCount(
    "rows_no_home", "Participant rows with no usable home area", "participant rows with no usable home area",
    "Individual equality-monitoring rows whose postcode was missing, invalid or not in the postcode lookup.",
    "participants.unknown_home_rows")
RETURNS_NO_HOME = NamedCount(
    "returns_no_home", "People in aggregated returns with no home area",
    "people in aggregated returns with no home area",
    "People counted in an activity's aggregated return but not in any of its LSOA rows.",
    "participants.unknown_home_returns")
HEADCOUNT_ONLY = NamedCount(
    "headcount_only", "People counted by a headcount only", "people counted by a headcount only",
    "Participants of activities that gave a headcount and no rows or returns: unknown on every dimension.",
    "participants.unknown_home_headcount")
DEPRIVATION_UNKNOWN = NamedCount(
    "deprivation_unknown", "Deprivation unknown", "participants whose deprivation is unknown",
    "Participants with no known home area, less those whose aggregated return gave their IMD quintile: "
    "left out of the deprivation shares.",
    "reach(imd_quintile).unknown")

NAMED = (PARTICIPANTS, LIVING_HERE, OUTSIDE_ICS, HOME_UNKNOWN, ROWS_NO_HOME, RETURNS_NO_HOME, HEADCOUNT_ONLY,
         DEPRIVATION_UNKNOWN)
# the parts of the total, and of the participants with no known home area (measures.participants keys)
TOTAL_PARTS = ((LIVING_HERE, "known_area"), (OUTSIDE_ICS, "out_of_area"), (HOME_UNKNOWN, "unknown_home"))
UNKNOWN_PARTS = ((ROWS_NO_HOME, "unknown_home_rows"), (RETURNS_NO_HOME, "unknown_home_returns"),
                 (HEADCOUNT_ONLY, "unknown_home_headcount"))


RECONCILIATION_COLUMNS = ["Count of", "People", "What it counts"]


def reconciliation(people: dict) -> pd.DataFrame:
    """How the participants split into those with a known home area and each kind of unknown
    (measures.participants), one row per named count, parts of the unknown indented."""
    rows = [(PARTICIPANTS.label, people["total"], PARTICIPANTS.tooltip)]
    for named, key in TOTAL_PARTS:
        rows.append((named.label, people[key], named.tooltip))
    for named, key in UNKNOWN_PARTS:
        rows.append((f"… of which {named.label[0].lower()}{named.label[1:]}", people[key], named.tooltip))
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
