"""Plans (docs/methods.md section 15), checked by hand on Toyshire. Today is 10 Jan 2026; the
fatigue window is 90 days, the limit 4 activities.

Northtown has two neighbourhoods: MSOA E02900001 (LSOAs 1-3, all Core20) and E02900002 (LSOAs
4-6; LSOA 5 is Core20). The activities (targets in brackets):

| id | status    | place     | starts      | targets            | people living in (LSOA: n) |
|----|-----------|-----------|-------------|--------------------|----------------------------|
| H2 | held      | Northtown | 1 Oct 2025  | homeless           | 1: 5                       |
| H1 | held      | Northtown | 1 Dec 2025  | homeless           | 1: 3                       |
| W1 | held      | ICS-wide  | 15 Dec 2025 | homeless           | 1: 2                       |
| H4 | held      | Southtown | 20 Dec 2025 | homeless           | 7: 8                       |
| H5 | held      | Northtown | 5 Jan 2026  | carers, homeless   | 3: 4, 4: 6                 |
| C1 | cancelled | Northtown | 20 Jan 2026 | homeless           |                            |
| P1 | planned   | Northtown | 1 Feb 2026  | homeless; MSOA E02900001 | (a plan)             |
| S1 | planned   | Southtown | 5 Feb 2026  | homeless           |                            |
| P3 | planned   | ICS-wide  | 10 Feb 2026 | homeless           |                            |
| P2 | planned   | Northtown | 15 Mar 2026 | carers             |                            |

P1 overlaps (same place or ICS-wide, a shared group, within 90 days of 1 Feb): H1 (62 days),
W1, H5 and P3; not H2 (123 days), H4 (Southtown), C1 (cancelled) or S1 (Southtown).
P1's fatigue window is 4 Nov 2025 to 1 Feb 2026: H1, W1 and H5 reached MSOA E02900001 (3
activities, 9 participations); with P1, 4: at the limit, brought there by P1.
P2 reaches both MSOAs (no target areas); its window from 16 Dec 2025 holds only H5 (both
MSOAs): 2 activities with it, under the limit. Overlaps: H5 (carers, 69 days).
Cold spots in the 12 months to today: Core20 LSOAs 2 and 5, nobody living there took part;
P1 can reach LSOA 2 (in its MSOA), P2 both.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.engagement_rows import UPLOAD_ID, build_toy_db, measure, write
from tests.fixtures.tiny_reference import ToyLsoa
from wpc.access import Access
from wpc.measures import Scope, plan_checks, planned
from wpc.measures.plans import matching_insights, title_words
from wpc.views import plans as plans_view

TODAY = "2026-01-10"
NORTHTOWN = Scope.parse("toy", "Northtown", today=TODAY)
TOYSHIRE = Scope.parse("toy", today=TODAY)
MSOA_1, MSOA_2 = "E02900001", "E02900002"
LSOAS = [
    ToyLsoa("E01900001", "E06999001", 1, 1000, msoa=MSOA_1),
    ToyLsoa("E01900002", "E06999001", 1, 1200, msoa=MSOA_1),
    ToyLsoa("E01900003", "E06999001", 2, 1500, msoa=MSOA_1),
    ToyLsoa("E01900004", "E06999001", 5, 1300, msoa=MSOA_2),
    ToyLsoa("E01900005", "E06999001", 2, 1100, msoa=MSOA_2),
    ToyLsoa("E01900006", "E06999001", 10, 900, msoa=MSOA_2),
    ToyLsoa("E01900007", "E06999002", 3, 1400),
    ToyLsoa("E01900011", "E06999003", 1, 1500),
]


def fill(e):
    e.activity("H2", "Northtown", "2025-10-01", target_groups=["homeless"])
    e.activity("H1", "Northtown", "2025-12-01", target_groups=["homeless"])
    e.activity("W1", "ICS-wide", "2025-12-15", target_groups=["homeless"])
    e.activity("H4", "Southtown", "2025-12-20", target_groups=["homeless"])
    e.activity("H5", "Northtown", "2026-01-05", target_groups=["carers", "homeless"])
    e.activity("C1", "Northtown", "2026-01-20", target_groups=["homeless"], status="cancelled")
    e.activity("P1", "Northtown", "2026-02-01", target_groups=["homeless"], status="planned",
               target_areas=[MSOA_1], programme="Maternity",
               title="Listening event: maternity waiting times in Northtown")
    e.activity("S1", "Southtown", "2026-02-05", target_groups=["homeless"], status="planned")
    e.activity("P3", "ICS-wide", "2026-02-10", target_groups=["homeless"], status="planned")
    e.activity("P2", "Northtown", "2026-03-15", target_groups=["carers"], status="planned")
    e.people("H2", 5, lsoa21cd="E01900001")
    e.people("H1", 3, lsoa21cd="E01900001")
    e.people("W1", 2, lsoa21cd="E01900001")
    e.people("H4", 8, lsoa21cd="E01900007")
    e.people("H5", 4, lsoa21cd="E01900003")
    e.people("H5", 6, lsoa21cd="E01900004")
    insights = [
        ("I1", "Northtown", "maternity", [], "Waiting times for scans", "2025-11-01"),
        ("I2", "Northtown", "Housing", ["homeless"], "Nowhere to stay", "2025-10-01"),
        ("I3", "Southtown", "Housing", ["homeless"], "Hostel closed", "2025-12-01"),
        ("I4", None, "Maternity", [], "Birth choices", "2025-12-20"),
        ("I5", "Northtown", "Diabetes", [], "Foot care", "2025-12-01"),
    ]
    for insight_id, place, programme, groups, summary, day in insights:
        e.con.execute(
            "insert into insights (insight_id, insight_date, preset, place, programme, themes, summary, groups, "
            "upload_id) values (?, ?, 'toy', ?, ?, [], ?, ?, ?)",
            [insight_id, dt.date.fromisoformat(day), place, programme, summary, groups, UPLOAD_ID])


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("plans"), LSOAS)
    write(path, fill)
    return path


def checks(toy, scope=NORTHTOWN, **kwargs):
    from wpc.insights.library import load_index

    def run(con, scope):
        return plan_checks(con, scope, load_index(con, "toy"), **kwargs)
    return {p["activity_id"]: p for p in measure(toy, run, scope=scope)}


def test_the_place_lists_its_own_plans_soonest_first(toy):
    assert list(measure(toy, planned, scope=NORTHTOWN)["activity_id"]) == ["P1", "P2"]
    assert list(measure(toy, planned, scope=TOYSHIRE)["activity_id"]) == ["P1", "S1", "P3", "P2"]


def test_overlaps(toy):
    got = checks(toy)
    p1 = got["P1"]
    assert [(o["activity_id"], o["status"], o["shared_groups"]) for o in p1["overlaps"]] == [
        ("H1", "held", ["homeless"]), ("W1", "held", ["homeless"]), ("H5", "held", ["homeless"]),
        ("P3", "planned", ["homeless"])]
    assert p1["overlap_count"] == 4
    assert [(o["activity_id"], o["shared_groups"]) for o in got["P2"]["overlaps"]] == [("H5", ["carers"])]
    # the ICS-wide plan overlaps every place's activities for the group within 90 days of 10 Feb
    p3 = checks(toy, TOYSHIRE)["P3"]
    assert [o["activity_id"] for o in p3["overlaps"]] == ["H1", "W1", "H4", "H5", "P1", "S1"]


def test_fatigue(toy):
    got = checks(toy, disclosure="off")
    p1 = got["P1"]
    assert p1["neighbourhoods"] == 1 and p1["fatigue_count"] == 1
    assert p1["fatigue"] == [{"msoa_code": MSOA_1, "msoa_name": "Northtown 001", "place": "Northtown",
                              "population": 3700, "activities": 3, "participations": 9,
                              "activities_with_plan": 4, "over": False, "with_plan_over": True}]
    p2 = got["P2"]
    assert (p2["neighbourhoods"], p2["fatigue_count"], p2["fatigue"]) == (2, 0, [])


def test_participations_from_a_plan_s_neighbourhoods_are_one_protected_table(toy):
    """5 participations from one neighbourhood are hidden, and the 20 from the other with them."""
    from wpc.measures import resolve
    from wpc.measures.disclosure import Policy
    from wpc.measures.plans import fatigue_after

    resolved = measure(toy, resolve, scope=NORTHTOWN)
    hoods = pd.DataFrame({"msoa_code": ["A", "B"], "activities": [3, 1], "participations": [5, 20]})
    got = fatigue_after(hoods, resolved, Policy("suppress", 7))
    assert list(got["participations"]) == ["*", "*"]
    assert list(got["with_plan_over"]) == [True, False] and list(got["over"]) == [False, False]
    assert list(fatigue_after(hoods, resolved, Policy("off", 7))["participations"]) == [5, 20]


def test_cold_spots_it_could_reach(toy):
    got = checks(toy)
    assert [s["lsoa_code"] for s in got["P1"]["cold_spots"]] == ["E01900002"]
    assert [s["lsoa_code"] for s in got["P2"]["cold_spots"]] == ["E01900002", "E01900005"]
    assert got["P2"]["cold_spot_residents"] == 1200 + 1100


def test_insights_matching_place_programme_groups_or_title(toy):
    p1 = checks(toy)["P1"]
    assert [(i["insight_id"], i["matched_on"]) for i in p1["insights"]] == [
        ("I1", "programme; title"), ("I2", "target group"), ("I4", "programme")]
    assert p1["insight_count"] == 3
    assert title_words("Listening event: maternity waiting times in Northtown", ["Northtown"]) == \
        "maternity waiting times"


def test_a_plan_with_no_index_skips_the_insight_check(toy):
    found = {p["activity_id"]: p for p in measure(toy, plan_checks, scope=NORTHTOWN)}
    assert found["P1"]["insight_count"] is None and found["P1"]["insights"] == []


def test_a_place_lead_sees_only_their_places_plans(toy):
    lead = Access(user="lead@north", places={"toy": frozenset({"Northtown"})})
    view = measure(toy, plans_view.build, scope=TOYSHIRE, access=lead)
    assert [c.activity_id for c in view.checks] == ["P1", "P2"]
    everyone = measure(toy, plans_view.build, scope=TOYSHIRE)
    assert [c.activity_id for c in everyone.checks] == ["P1", "S1", "P3", "P2"]
    card = everyone.checks[0]
    assert card.overlap_sentence.startswith("4 activities in the same place (or ICS-wide)")
    assert "this plan would take it there" in card.fatigue_sentence
    assert card.insight_link == "/insights?preset=toy&place=Northtown&q=maternity+waiting+times"


def test_matching_is_empty_for_an_empty_library():
    from wpc.insights.search import InsightIndex

    empty = InsightIndex(pd.DataFrame(columns=["insight_id", "activity_id", "insight_date", "place", "programme",
                                               "themes", "summary", "quote", "groups", "source_title",
                                               "source_url", "status", "action_taken"]))
    plan = {"place": "Northtown", "target_groups": ["homeless"], "programme": "Maternity", "title": "A"}
    assert matching_insights(empty, plan, ["Northtown"]).empty
