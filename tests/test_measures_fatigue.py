"""Engagement fatigue (docs/methods.md section 5) on Toyshire: the window is the preset's 90 days ending on
the period's end, else today (2025-12-31): 2025-10-03 to 2025-12-31. The limit is 4."""

import pytest

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import Scope, fatigue, fatigue_neighbourhoods, overlaps, repeat_participants
from wpc.measures.plain import records

TODAY = "2025-12-31"
NORTHTOWN = Scope.parse("toy", "Northtown", today=TODAY)
OFF = {"disclosure": "off"}
HOME = "E01900001"  # Northtown, MSOA E02999001


def fill(e):
    e.activity("F1", "Northtown", "2025-10-10", target_groups=["homeless"])
    e.activity("F2", "Northtown", "2025-11-01", target_groups=["homeless", "carers"])
    e.activity("F3", "Northtown", "2025-11-20", target_groups=["homeless"])
    e.activity("F4", "Northtown", "2025-12-15", target_groups=["carers"])
    e.activity("F5", "Northtown", "2025-09-01", target_groups=["homeless"])   # before the window
    e.activity("G1", "Southtown", "2025-11-11", target_groups=["homeless"])
    for activity in ("F1", "F2", "F3", "F4"):
        e.people(activity, 1, lsoa21cd=HOME, participant_hash="p1")           # 4 in the window
    for activity in ("F1", "F2", "F3", "F5"):
        e.people(activity, 1, lsoa21cd=HOME, participant_hash="p2")           # 3 in the window
    for activity in ("G1", "F1", "F2", "F3"):
        e.people(activity, 1, lsoa21cd=HOME, participant_hash="p3")           # 4, one in Southtown
    e.people("G1", 2, lsoa21cd="E01900008")                                  # Southtown residents


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("fatigue"), store_kind=store_kind)
    write(path, fill)
    return path


def test_neighbourhoods_reached_by_distinct_activities(toy):
    rows = records(measure(toy, fatigue_neighbourhoods, scope=NORTHTOWN))
    # Northtown's one MSOA was reached by F1, F2, F3, F4 and G1 (p3 lives there); F5 is too early
    assert rows == [{"msoa_code": "E02999001", "msoa_name": "Northtown 001", "place": "Northtown",
                     "activities": 5, "high": True}]
    southtown = records(measure(toy, fatigue_neighbourhoods, scope=Scope.parse("toy", "Southtown", today=TODAY)))
    assert [(r["msoa_code"], r["activities"], r["high"]) for r in southtown] == [("E02999002", 1, False)]


def test_repeat_participants(toy):
    # p1 and p3 took part in 4 activities in the window (the limit); p2 in 3
    assert measure(toy, repeat_participants, scope=NORTHTOWN, **OFF) == {
        "participants_with_ref": 3, "repeat_participants": 2}
    assert measure(toy, repeat_participants, scope=NORTHTOWN) == {
        "participants_with_ref": "*", "repeat_participants": "*"}


def test_overlapping_activities_for_the_same_group(toy):
    rows = records(measure(toy, overlaps, scope=NORTHTOWN))
    assert [(r["place"], r["target_group"], r["activities"], r["activity_ids"], r["high"]) for r in rows] == [
        ("Northtown", "homeless", 3, ["F1", "F2", "F3"], False),
        ("Northtown", "carers", 2, ["F2", "F4"], False),
    ]
    # G1 is Southtown's only homeless activity: no overlap there
    toyshire = records(measure(toy, overlaps, scope=Scope.parse("toy", today=TODAY)))
    assert all(r["place"] == "Northtown" for r in toyshire)


def test_the_window_ends_at_the_period_end(toy):
    got = measure(toy, fatigue, scope=Scope.parse("toy", "Northtown", date_to="2025-11-15", today=TODAY), **OFF)
    # 2025-08-18 to 2025-11-15: F5, F1, F2 and G1; F3 and F4 are later
    assert (got["window_start"], got["window_end"], got["window_days"], got["limit"]) == (
        "2025-08-18", "2025-11-15", 90, 4)
    assert got["neighbourhoods"][0]["activities"] == 4
    assert [(r["target_group"], r["activity_ids"]) for r in got["overlaps"]] == [("homeless", ["F5", "F1", "F2"])]
    # p2: F5, F1, F2 = 3; p1: F1, F2 = 2; p3: G1, F1, F2 = 3 -> nobody at the limit
    assert got["repeat_participants"] == 0 and got["participants_with_ref"] == 3


def test_fatigue_summary(toy):
    got = measure(toy, fatigue, scope=NORTHTOWN, **OFF)
    assert (got["neighbourhoods_reached"], got["neighbourhoods_high"]) == (1, 1)
    assert got["repeat_participants"] == 2
