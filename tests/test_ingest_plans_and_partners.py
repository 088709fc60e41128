"""Ingest of the activity log's later columns (docs/data-standard.md): status (planned, held,
cancelled; held by default), organisation_type with common spellings mapped, target_areas
checked against the activity's own ICS, and a place naming the whole ICS; and a plan becoming
the record when uploaded again as held with its participants."""

from __future__ import annotations

import pytest

from tests.fixtures.ingest_files import ingest, rows, write
from wpc import db as database
from wpc.measures import Scope, build_report, participants
from wpc.measures.activity import ics_wide


@pytest.fixture
def db(writable_reference_db):
    return writable_reference_db


HEADER = "activity_id,title,start_date,place,status,organisation_type,target_areas,target_groups\n"


def test_status_organisation_type_and_target_areas_are_read(db, tmp_path):
    path = write(tmp_path / "acts.csv", HEADER + (
        "P-1,Plan,01/06/2026,Lewisham,Planned,Council,E01003189; e02000661 ,core20\n"
        "P-2,Held one,01/05/2025,Lewisham,,GP practice,,\n"
        "P-3,Called off,01/05/2025,Lewisham,Canceled,Voluntary and community sector,,\n"
        "P-4,Done,01/05/2025,Lewisham,completed,Foundation trust,E09000023,\n"
        "P-5,Odd status,01/05/2025,Lewisham,postponed,Healthwatch,,\n"
        "P-6,Odd type,01/05/2025,Lewisham,held,Spaceport,,\n"
        "P-7,Elsewhere,01/05/2025,Lewisham,held,ICB,E01003013,\n"   # a Lambeth LSOA: not Lewisham's... but SEL's
        "P-8,Other ICS,01/05/2025,Lewisham,held,ICB,E01032224,\n"   # a Redditch LSOA: another ICS
        "P-9,Not a code,01/05/2025,Lewisham,held,ICB,Lewisham North,\n"
    ))
    outcome = ingest(db, path, kind="activities")
    problems = {(p.line, p.column): p.reason for p in outcome.problems.itertuples()}
    assert set(problems) == {(6, "status"), (7, "organisation_type"), (9, "target_areas"), (10, "target_areas")}
    assert "postponed" in problems[(6, "status")] and "blank means held" in problems[(6, "status")]
    assert "E01032224" in problems[(9, "target_areas")]
    assert "not an area code" in problems[(10, "target_areas")]
    stored = rows(db, "select activity_id, status, organisation_type, target_areas from activities order by 1")
    assert stored == [
        ("P-1", "planned", "local_authority", ["E01003189", "E02000661"]),
        ("P-2", "held", "primary_care", []),
        ("P-3", "cancelled", "vcse", []),
        ("P-4", "held", "nhs_trust", ["E09000023"]),
        ("P-7", "held", "icb", ["E01003013"]),  # an area of the ICS, in another of its places
    ]


def test_a_place_may_name_the_whole_ics(db, tmp_path):
    path = write(tmp_path / "acts.csv", (
        "activity_id,title,start_date,place\n"
        "W-1,By name,01/05/2025,South East London\n"
        "W-2,By id,01/05/2025,SEL\n"
        "W-3,By ICB code,01/05/2025,E54000030\n"
        "W-4,Just ICS-wide,01/05/2025,ICS-wide\n"
        "W-5,A place,01/05/2025,Lambeth\n"
        "W-6,Another ICS,01/05/2025,Mid and South Essex ICS\n"
    ))
    outcome = ingest(db, path, kind="activities")
    # W-4 says only ICS-wide: this file names two ICSs (W-6), so which one is not known
    assert list(outcome.problems["line"]) == [5]
    assert "ICS-wide does not say which ICS" in outcome.problems["reason"].iloc[0]
    assert rows(db, "select activity_id, preset, place from activities order by 1") == [
        ("W-1", "sel", "ICS-wide"), ("W-2", "sel", "ICS-wide"), ("W-3", "sel", "ICS-wide"),
        ("W-5", "sel", "Lambeth"), ("W-6", "mse", "ICS-wide")]
    again = write(tmp_path / "again.csv", "activity_id,title,start_date,place\nW-4,Just ICS-wide,01/05/2025,ICS-wide\n"
                                          "W-7,A place,01/05/2025,Bexley\n")
    assert ingest(db, again, kind="activities").quarantined == 0
    assert rows(db, "select preset, place from activities where activity_id = 'W-4'") == [("sel", "ICS-wide")]


def test_an_insight_for_the_whole_ics_has_no_place(db, tmp_path):
    ingest(db, write(tmp_path / "a.csv", "activity_id,title,start_date,place\nW-1,Event,01/05/2025,SEL\n"),
           kind="activities")
    ingest(db, write(tmp_path / "i.csv", "insight_id,activity_id,place,summary\n"
                                         "I-1,W-1,,From the event\nI-2,,South East London,For all of SEL\n"),
           kind="insights")
    assert rows(db, "select insight_id, preset, place from insights order by 1") == [
        ("I-1", "sel", None), ("I-2", "sel", None)]


def test_participants_of_an_ics_wide_event_count_where_they_live(db, tmp_path):
    """At the event: 12 living in Lewisham, 9 in Lambeth, 8 with no home given. Lewisham counts its
    12 (and none of the 8); the ICS counts all 29. The event itself counts only for the ICS."""
    ingest(db, write(tmp_path / "a.csv", "activity_id,title,start_date,place,cost_gbp,ladder_rung\n"
                                         "W-1,Event,01/05/2025,ICS-wide,1000,4\n"
                                         "L-1,Lewisham one,02/05/2025,Lewisham,500,5\n"), kind="activities")
    people = ["activity_id,lsoa_code"] + ["W-1,E01003189"] * 12 + ["W-1,E01003013"] * 9 + ["W-1,"] * 8 \
        + ["L-1,E01003189"] * 10
    outcome = ingest(db, write(tmp_path / "p.csv", "\n".join(people) + "\n"), kind="participants",
                     allow_repeats=True)
    assert outcome.stored == 39
    lewisham = Scope.parse("sel", "Lewisham", today="2025-12-31")
    ics = Scope.parse("sel", today="2025-12-31")
    with database.reading(db) as con:
        assert participants(con, lewisham, disclosure="off") == {
            "total": 22, "known_area": 22, "out_of_area": 0, "unknown_home": 0, "unknown_home_rows": 0,
            "unknown_home_returns": 0, "unknown_home_headcount": 0}
        assert participants(con, ics, disclosure="off")["total"] == 39
        place = build_report(con, lewisham, disclosure="off")
        whole = build_report(con, ics, disclosure="off")
        assert ics_wide(con, lewisham, disclosure="off") == {
            "activities": 1, "counted_here": False, "participants_living_here": 12, "planned": 0, "cancelled": 0}
    assert place["cost"]["total_gbp"] == 500 and whole["cost"]["total_gbp"] == 1500
    assert place["feedback"]["activities"] == 1 and whole["feedback"]["activities"] == 2
    assert {r["rung"]: r["activities"] for r in place["ladder"]}[4] == 0
    assert {r["rung"]: r["activities"] for r in whole["ladder"]}[4] == 1
    assert [r["place"] for r in whole["feedback"]["by_place"]] == ["ICS-wide", "Lewisham"]


def test_a_plan_counts_nowhere_until_it_is_uploaded_again_as_held(db, tmp_path):
    lewisham = Scope.parse("sel", "Lewisham", today="2026-12-31")
    ingest(db, write(tmp_path / "base.csv", "activity_id,title,start_date,place\nH-1,Held,01/05/2026,Lewisham\n"),
           kind="activities")
    ingest(db, write(tmp_path / "hp.csv", "activity_id,lsoa_code\n" + "H-1,E01003189\n" * 9), kind="participants",
           allow_repeats=True)
    with database.reading(db) as con:
        before = build_report(con, lewisham, disclosure="off")
    plan = write(tmp_path / "plan.csv", "activity_id,title,start_date,place,status,cost_gbp,ladder_rung\n"
                                        "N-1,Next quarter,01/06/2026,Lewisham,planned,2000,6\n")
    ingest(db, plan, kind="activities")
    # people registered for the plan are stored, and counted nowhere while it is planned
    ingest(db, write(tmp_path / "np.csv", "activity_id,lsoa_code\n" + "N-1,E01003189\n" * 11), kind="participants",
           allow_repeats=True)
    with database.reading(db) as con:
        planned = build_report(con, lewisham, disclosure="off")
    for key in ("participants", "core20", "reach", "coverage", "ladder", "cycle", "feedback", "cost", "what_works",
                "quality", "geography", "partners"):
        assert planned[key] == before[key], key
    assert [p["activity_id"] for p in planned["plans"]["plans"]] == ["N-1"]
    assert planned["ics_wide"]["planned"] == 1
    held = write(tmp_path / "held.csv", "activity_id,title,start_date,place,status,cost_gbp,ladder_rung\n"
                                        "N-1,Next quarter,01/06/2026,Lewisham,held,2000,6\n")
    ingest(db, held, kind="activities")
    with database.reading(db) as con:
        after = build_report(con, lewisham, disclosure="off")
    assert after["participants"]["total"] == 20 and after["cost"]["total_gbp"] == 2000
    assert {r["rung"]: r["activities"] for r in after["ladder"]}[6] == 1
    assert after["plans"]["plans"] == [] and after["ics_wide"]["planned"] == 0
