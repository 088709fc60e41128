"""Edge cases across the whole report: nothing recorded, all unknown, everyone from outside the
ICS, a period with no activities. Every measure must still be present, null where it cannot be
computed, never an error."""

import pytest

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import Scope, build_report

TODAY = "2025-12-31"
NORTHTOWN = Scope.parse("toy", "Northtown", today=TODAY)


@pytest.fixture
def empty(tmp_path):
    return build_toy_db(tmp_path)


def test_no_participants_at_all(empty):
    report = measure(empty, build_report, scope=NORTHTOWN)
    assert report["participants"] == {"total": 0, "known_area": 0, "out_of_area": 0, "unknown_home": 0,
                                      "unknown_home_rows": 0, "unknown_home_returns": 0,
                                      "unknown_home_headcount": 0}
    core20 = report["core20"]
    assert core20["engaged"] == 0 and core20["engaged_share"] is None and core20["flag"] is None
    assert core20["population_share"] == pytest.approx(3700 / 7000)  # residents are still known
    assert report["coverage"]["core20_lsoas"] == 3 and report["coverage"]["core20_lsoas_reached"] == 0
    assert [s["lsoa_code"] for s in report["cold_spots"]] == ["E01900001", "E01900002", "E01900003"]
    assert report["gradient"]["sii"] is None and report["gradient"]["reason"]
    assert report["feedback"]["activities"] == 0 and report["feedback"]["share_closed_on_time"] is None
    assert report["cost"] == {"total_gbp": None, "per_participant": None, "per_core20_participant": None,
                              "activities": 0, "activities_costed": 0, "participants_costed": 0,
                              "core20_participants_costed": 0}
    assert report["what_works"] == {"by_method": [], "by_organisation": [], "by_organisation_type": []}
    assert all(r["activities"] == 0 for r in report["ladder"])
    assert report["fatigue"]["neighbourhoods"] == [] and report["fatigue"]["repeat_participants"] == 0
    assert report["quality"]["activities"] == 0


def test_all_unknown(empty):
    def unknown_everything(e):
        e.activity("U", "Northtown", "2025-05-01")
        e.people("U", 20)

    write(empty, unknown_everything)
    report = measure(empty, build_report, scope=NORTHTOWN, disclosure="off")
    # 20 individual rows, none with a home area
    assert report["participants"] == {"total": 20, "known_area": 0, "out_of_area": 0, "unknown_home": 20,
                                      "unknown_home_rows": 20, "unknown_home_returns": 0,
                                      "unknown_home_headcount": 0}
    for row in report["reach"]:
        if row["category"] == "unknown":
            assert row["engaged"] == 20 and row["engaged_share"] == 1.0, row["dimension"]
        elif row["dimension"] == "inclusion_group":
            # shares of all participants: nobody named a group
            assert row["engaged"] == 0 and row["engaged_share"] == 0.0
        else:
            assert row["engaged"] == 0 and row["engaged_share"] is None, row["dimension"]
    assert report["core20"]["engaged_share"] is None
    assert report["coverage"]["core20_lsoas_reached"] == 0
    assert report["gradient"]["sii"] is None
    assert all(f["share_unknown"] == 1.0 for f in report["quality"]["unknown_by_field"])


def test_everyone_lives_outside_the_ics(empty):
    def visitors(e):
        e.activity("V", "Northtown", "2025-05-01", cost_gbp=150, method="drop-in")
        e.people("V", 15, lsoa21cd="E01900011", sex="female")  # Elsewhere, decile 1

    write(empty, visitors)
    report = measure(empty, build_report, scope=NORTHTOWN, disclosure="off")
    assert report["participants"] == {"total": 15, "known_area": 0, "out_of_area": 15, "unknown_home": 0,
                                      "unknown_home_rows": 0, "unknown_home_returns": 0,
                                      "unknown_home_headcount": 0}
    # excluded from every share of the scope's population...
    assert report["core20"]["engaged"] == 0 and report["core20"]["engaged_share"] is None
    assert {r["category"]: r["engaged"] for r in report["reach"] if r["dimension"] == "sex"} == {
        "female": 0, "male": 0, "unknown": 0}
    assert report["coverage"]["core20_lsoas_reached"] == 0
    # ...but the activity's cost was spent on them, and they live in a Core20 area
    assert report["cost"]["per_participant"] == pytest.approx(10.0)
    assert report["cost"]["per_core20_participant"] == pytest.approx(10.0)
    assert report["what_works"]["by_method"][0]["engaged_share"] == 1.0


def test_a_period_with_no_activities(empty):
    def last_year(e):
        e.activity("L", "Northtown", "2024-05-01", feedback_due="2024-06-01")
        e.people("L", 30, lsoa21cd="E01900001")

    write(empty, last_year)
    scope = Scope.parse("toy", "Northtown", date_from="2025-01-01", date_to="2025-12-31", today=TODAY)
    report = measure(empty, build_report, scope=scope)
    assert report["participants"]["total"] == 0
    assert report["feedback"]["activities"] == 0 and report["feedback"]["overdue_activities"] == []
    assert report["core20"]["engaged_share"] is None
    # the same data, all time: the activity is there (30 people, shown within the perturbation's reach)
    assert measure(empty, build_report, scope=NORTHTOWN, disclosure="off")["participants"]["total"] == 30
    assert abs(measure(empty, build_report, scope=NORTHTOWN)["participants"]["total"] - 30) <= 5


def test_filters_narrow_the_activities(empty):
    def two_programmes(e):
        e.activity("M", "Northtown", "2025-05-01", programme="Maternity", clinical_areas=["maternity"],
                   method="focus group", organisation="Trust", target_groups=["core20"])
        e.people("M", 10, lsoa21cd="E01900001")
        e.activity("D", "Northtown", "2025-05-01", programme="Diabetes", method="survey", organisation="ICB")
        e.people("D", 30, lsoa21cd="E01900005")

    write(empty, two_programmes)

    def total(**filters):
        scope = Scope.parse("toy", "Northtown", today=TODAY, **filters)
        return measure(empty, build_report, scope=scope, disclosure="off")["participants"]["total"]

    assert total() == 40
    assert total(programme="maternity") == 10  # matched without regard to case
    assert total(clinical_area="maternity") == 10
    assert total(method="survey") == 30
    assert total(organisation="trust") == 10
    assert total(target_group="core20") == 10
    assert total(programme="Maternity", method="survey") == 0
