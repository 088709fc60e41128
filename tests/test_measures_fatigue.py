"""Engagement fatigue (docs/methods.md section 5) on Toyshire: the window is the preset's 90 days ending on
the period's end, else today (2025-12-31): 2025-10-03 to 2025-12-31. The limit is 4."""

import math

import pandas as pd
import pytest
from scipy.stats import chi2

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import Scope, fatigue, fatigue_neighbourhoods, overlaps, repeat_participants
from wpc.measures.fatigue import over_asked
from wpc.measures.plain import records
from wpc.views.coverage import fatigue_summary, fatigue_tables

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


def byar(observed: int, z: float = 1.959964) -> tuple[float, float]:
    """95% limits of a Poisson count as PHE's phe_rate gives them: exact (chi-squared) below 10 events,
    Byar's from 10, written out by hand (Breslow and Day 1987)."""
    o = observed
    if o < 10:
        return chi2.ppf(0.025, 2 * o) / 2, chi2.ppf(0.975, 2 * o + 2) / 2
    low = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return low, high


# Residents per neighbourhood (MSOA): Northtown's six LSOAs, Southtown's four (tiny_reference).
NORTHTOWN_RESIDENTS = 1000 + 1200 + 1500 + 1300 + 1100 + 900
SOUTHTOWN_RESIDENTS = 1400 + 1600 + 1000 + 1250


def test_neighbourhoods_reached_per_1000_residents_against_the_ics_median(toy):
    rows, median = measure(toy, fatigue_neighbourhoods, scope=NORTHTOWN, **OFF)
    rows = records(rows)
    # Northtown's one MSOA: p1 at F1-F4 (4), p2 at F1-F3 (3; F5 is too early), p3 at G1, F1-F3 (4,
    # G1 in Southtown but p3 lives here) = 11 participations from 5 activities
    north = 11 / NORTHTOWN_RESIDENTS * 1000
    low, high = (v / NORTHTOWN_RESIDENTS * 1000 for v in byar(11))
    assert [(r["msoa_code"], r["activities"], r["participations"], r["population"]) for r in rows] == [
        ("E02999001", 5, 11, NORTHTOWN_RESIDENTS)]
    shown = (rows[0]["rate_per_1000"], rows[0]["ci_low"], rows[0]["ci_high"])
    assert shown == pytest.approx((north, low, high))
    # the median is the ICS's: Northtown's 11 and Southtown's 2 (at G1), whatever place is chosen
    south = 2 / SOUTHTOWN_RESIDENTS * 1000
    assert median == pytest.approx((north + south) / 2)
    # 1.5 x 0.976 = 1.464 per 1,000; Northtown's interval starts at 0.78: not over-asked
    assert low < 1.5 * median and rows[0]["over_asked"] is False
    southtown, same = measure(toy, fatigue_neighbourhoods, scope=Scope.parse("toy", "Southtown", today=TODAY),
                              **OFF)
    assert same == median
    assert [(r["msoa_code"], r["participations"]) for r in records(southtown)] == [("E02999002", 2)]


def test_protected_counts_give_the_rates_and_the_median(toy):
    rows, median = measure(toy, fatigue_neighbourhoods, scope=Scope.parse("toy", today=TODAY))
    by_code = {r["msoa_code"]: r for r in records(rows)}
    # Southtown's 2 participations are hidden: no rate, never flagged, not in the median
    assert by_code["E02999002"]["participations"] == "*" and by_code["E02999002"]["rate_per_1000"] is None
    assert by_code["E02999002"]["over_asked"] is False
    shown = by_code["E02999001"]["participations"]
    assert abs(shown - 11) <= 5  # a small change, by its people's record keys
    assert median == pytest.approx(round(shown / NORTHTOWN_RESIDENTS * 1000, 1))
    assert by_code["E02999001"]["rate_per_1000"] == pytest.approx(
        round(shown / NORTHTOWN_RESIDENTS * 1000, 1))


def test_over_asked_by_hand():
    # five neighbourhoods of 1,000 residents, and one whose 3 participations are hidden
    frame = pd.DataFrame({"msoa_code": list("ABCDEF"), "population": [1000] * 6,
                          "participations": [5, 10, 20, 35, 60, "*"],
                          "participations_value": [5, 10, 20, 35, 60, 3]})
    got, median = over_asked(frame, multiple=1.5)
    # the median of the rates shown: 5, 10, 20, 35, 60 -> 20 per 1,000 (with the hidden 3 it would be 15)
    assert median == pytest.approx(20.0)
    limits = [byar(n) for n in (5, 10, 20, 35, 60)]
    assert list(got["ci_low"][:5]) == pytest.approx([low for low, _ in limits])
    assert list(got["ci_high"][:5]) == pytest.approx([high for _, high in limits])
    # over-asked when the lower limit is above 1.5 x 20 = 30: 60 (45.8) is; 35 (24.4) is not, though
    # its rate is above 30 and it would be against 1.5 x 15 = 22.5
    assert limits[3][0] == pytest.approx(24.37, abs=0.01) and limits[4][0] == pytest.approx(45.78, abs=0.01)
    assert list(got["over_asked"]) == [False, False, False, False, True, False]
    assert math.isnan(got["rate_per_1000"].iloc[5])
    assert list(over_asked(frame, multiple=2.5)[0]["over_asked"]) == [False] * 6  # 45.8 < 2.5 x 20


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
    assert (got["neighbourhoods_reached"], got["neighbourhoods_over_asked"], got["multiple"]) == (1, 0, 1.5)
    assert got["repeat_participants"] == 2


def test_the_sentence_and_list_single_out_the_over_asked():
    rows = [{"msoa_name": name, "msoa_code": code, "place": "Northtown", "population": 8000,
             "participations": n, "rate_per_1000": n / 8, "ci_low": None, "ci_high": None,
             "over_asked": flagged, "activities": 5}
            for name, code, n, flagged in (("North 4", "E4", 90, True), ("North 1", "E1", 80, True),
                                           ("North 2", "E2", 75, True), ("North 5", "E5", 70, True),
                                           ("North 3", "E3", 20, False))]
    fatigue = {"window_start": "2025-10-03", "window_end": "2025-12-31", "limit": 4, "multiple": 1.5,
               "ics_median_rate": 3.5, "neighbourhoods_reached": 5, "neighbourhoods_over_asked": 4,
               "neighbourhoods": rows, "repeat_participants": 12, "participants_with_ref": 300,
               "overlaps": []}
    assert fatigue_summary("Northtown", fatigue) == (
        "From 3 Oct 2025 to 31 Dec 2025, 4 of the 5 neighbourhoods reached are over-asked: North 4, North 1, "
        "North 2 and 1 more (residents taking part beyond chance more than 1.5 times the ICS's median of 3.5 "
        "per 1,000); 12 people (of 300 with a participant reference) took part in 4 or more activities; "
        "and 0 target groups had two or more activities aimed at them in the same place.")
    listed = fatigue_tables(fatigue, None)["neighbourhoods"]
    assert list(listed["Code"]) == ["E4", "E1", "E2", "E5", "E3"]
    assert list(listed["Over-asked"]) == ["Yes", "Yes", "Yes", "Yes", ""]
    quiet = {**fatigue, "neighbourhoods_over_asked": 0,
             "neighbourhoods": [{**r, "over_asked": False} for r in rows]}
    assert "none of the 5 neighbourhoods reached is over-asked" in fatigue_summary("Northtown", quiet)
