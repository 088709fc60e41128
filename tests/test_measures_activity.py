"""Ladder, cycle, feedback loop, cost and what works (docs/methods.md sections 6 to 8) on Toyshire, by hand.

Today is 2025-12-31; the toy preset's feedback window is 84 days.
"""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import Scope, cost, cycle, feedback, ladder, what_works
from wpc.measures.activity import what_works_table
from wpc.measures.disclosure import Policy, Protected
from wpc.measures.plain import records

TODAY = "2025-12-31"
NORTHTOWN = Scope.parse("toy", "Northtown", today=TODAY)
TOYSHIRE = Scope.parse("toy", today=TODAY)
OFF = {"disclosure": "off"}


def fill(e):
    # closed on time: due = end 2025-03-10 + 84 days = 2025-06-02; closed 2025-05-01
    e.activity("A1", "Northtown", "2025-03-01", end="2025-03-10", ladder_rung=4, cycle_stage=1,
               method="survey", organisation="ICB", cost_gbp=1200, feedback_date="2025-05-01")
    e.people("A1", 20, lsoa21cd="E01900001")   # Core20
    e.people("A1", 10, lsoa21cd="E01900005")   # decile 8
    # closed late: due = start 2025-04-01 + 84 = 2025-06-24; closed 2025-08-01
    e.activity("A2", "Northtown", "2025-04-01", ladder_rung=4, cycle_stage=2, method="outreach",
               organisation="VCSE", cost_gbp=600, feedback_date="2025-08-01")
    e.people("A2", 12, lsoa21cd="E01900002")   # Core20
    e.people("A2", 3, lsoa21cd="E01900011")    # Core20, outside the ICS
    e.people("A2", 5)                          # home unknown
    # overdue: due given as 2025-09-30, nothing by 2025-12-31 (92 days)
    e.activity("A3", "Northtown", "2025-06-01", ladder_rung=7, method="outreach", organisation="VCSE",
               feedback_due="2025-09-30", participants_total=40)
    # not yet due: 2025-11-01 + 84 = 2026-01-24
    e.activity("A4", "Northtown", "2025-11-01", method="workshop", organisation="ICB")
    # Southtown, overdue: due 2025-05-01 + 84 = 2025-07-24
    e.activity("B1", "Southtown", "2025-05-01", ladder_rung=5, cycle_stage=5, method="survey",
               organisation="Council", cost_gbp=800)
    e.people("B1", 8, lsoa21cd="E01900008")


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("activity"), store_kind=store_kind)
    write(path, fill)
    return path


def test_ladder_counts_and_shares(toy):
    rows = records(measure(toy, ladder, scope=NORTHTOWN))
    assert [r["rung"] for r in rows] == [1, 2, 3, 4, 5, 6, 7, None]
    assert [r["name"] for r in rows][:7] == ["Coercion", "Educating", "Informing", "Consultation",
                                             "Engagement", "Co-design", "Co-production"]
    # rungs recorded for A1 (4), A2 (4), A3 (7); not for A4
    assert [r["activities"] for r in rows] == [0, 0, 0, 2, 0, 0, 1, 1]
    assert rows[3]["share"] == pytest.approx(2 / 3) and rows[6]["share"] == pytest.approx(1 / 3)
    assert rows[7]["name"] == "Not recorded" and rows[7]["share"] == pytest.approx(1 / 4)
    assert sum(r["share"] for r in rows[:7]) == pytest.approx(1.0)


def test_cycle_counts_and_shares(toy):
    rows = records(measure(toy, cycle, scope=TOYSHIRE))
    assert [r["stage"] for r in rows] == [1, 2, 3, 4, 5, None]
    # A1 stage 1, A2 stage 2, B1 stage 5; A3 and A4 not recorded
    assert [r["activities"] for r in rows] == [1, 1, 0, 0, 1, 2]
    assert rows[0]["share"] == pytest.approx(1 / 3) and rows[5]["share"] == pytest.approx(2 / 5)


def test_feedback_loop_for_a_place(toy):
    got = measure(toy, feedback, scope=NORTHTOWN)
    assert {k: got[k] for k in ("activities", "closed", "closed_on_time", "closed_late", "overdue",
                                "not_yet_due")} == {"activities": 4, "closed": 2, "closed_on_time": 1,
                                                    "closed_late": 1, "overdue": 1, "not_yet_due": 1}
    # judged = closed or overdue (A1, A2, A3): 1 of 3 on time; A4 is not yet due
    assert got["share_closed_on_time"] == pytest.approx(1 / 3)
    by_org = {r["organisation"]: r for r in got["by_organisation"]}
    assert by_org["ICB"]["share_closed_on_time"] == 1.0 and by_org["ICB"]["not_yet_due"] == 1
    assert by_org["VCSE"]["share_closed_on_time"] == 0.0 and by_org["VCSE"]["overdue"] == 1
    assert [(r["activity_id"], r["due_date"], r["days_overdue"]) for r in got["overdue_activities"]] == [
        ("A3", "2025-09-30", 92)]


def test_feedback_loop_by_place_for_the_ics(toy):
    got = measure(toy, feedback, scope=TOYSHIRE)
    by_place = {r["place"]: r for r in got["by_place"]}
    assert by_place["Northtown"]["share_closed_on_time"] == pytest.approx(1 / 3)
    assert by_place["Southtown"]["overdue"] == 1 and by_place["Southtown"]["share_closed_on_time"] == 0.0
    # B1 due 2025-07-24: 160 days overdue, listed first
    assert [(r["activity_id"], r["days_overdue"]) for r in got["overdue_activities"]] == [("B1", 160), ("A3", 92)]


def test_feedback_when_nothing_is_due_yet(toy):
    got = measure(toy, feedback, scope=Scope.parse("toy", "Northtown", date_from="2025-11-01", today=TODAY))
    assert (got["activities"], got["not_yet_due"], got["share_closed_on_time"]) == (1, 1, None)


def test_cost_per_participant_and_per_core20_participant(toy):
    got = measure(toy, cost, scope=NORTHTOWN, **OFF)
    # costed: A1 (1,200; 30 people, 20 Core20) and A2 (600; 20 people wherever they live, 15 Core20
    # including the 3 from outside the ICS); A3's 40 (headcount) and A4 have no cost
    assert got["total_gbp"] == pytest.approx(1800)
    assert got["per_participant"] == pytest.approx(1800 / 50)
    assert got["per_core20_participant"] == pytest.approx(1800 / 35)
    assert (got["activities"], got["activities_costed"]) == (4, 2)


def test_cost_when_no_activity_has_a_cost(toy):
    got = measure(toy, cost, scope=Scope.parse("toy", "Northtown", date_from="2025-06-01", today=TODAY))
    assert got["total_gbp"] is None and got["per_participant"] is None and got["per_core20_participant"] is None


def test_what_works_by_method_and_organisation(toy):
    got = measure(toy, what_works, scope=NORTHTOWN, **OFF)
    methods = {r["method"]: r for r in got["by_method"]}
    # survey (A1): 20 Core20 of 30 with a known home; 1,200 / 20
    survey = methods["survey"]
    low, high = proportion_confint(20, 30, method="wilson")
    assert (survey["activities"], survey["participants"], survey["core20_engaged"]) == (1, 30, 20)
    assert survey["engaged_share"] == pytest.approx(20 / 30)
    assert (survey["ci_low"], survey["ci_high"]) == pytest.approx((low, high), abs=1e-6)
    assert survey["per_core20_participant"] == pytest.approx(1200 / 20)
    # outreach (A2, A3): 20 + 40 people, 15 with a known home, all Core20; cost only for A2
    outreach = methods["outreach"]
    assert (outreach["activities"], outreach["participants"], outreach["core20_engaged"]) == (2, 60, 15)
    assert outreach["engaged_share"] == pytest.approx(1.0)
    assert outreach["per_core20_participant"] == pytest.approx(600 / 15)
    assert methods["workshop"]["participants"] == 0 and methods["workshop"]["engaged_share"] is None
    orgs = {r["organisation"]: r for r in got["by_organisation"]}
    assert orgs["ICB"]["core20_engaged"] == 20 and orgs["VCSE"]["core20_engaged"] == 15


def test_what_works_rows_are_protected_one_by_one():
    frame = pd.DataFrame([
        # 12 Core20, 3 other known, 30 unknown: the 3 is hidden, and 12 (the next smallest) with it
        {"name": "survey", "activities": 2, "participants": 45, "known": 15, "core20": 12,
         "cost_gbp": 900.0, "costed_core20": 12},
        # 40 Core20, 20 other known, none unknown: nothing hidden
        {"name": "outreach", "activities": 1, "participants": 60, "known": 60, "core20": 40,
         "cost_gbp": None, "costed_core20": 0},
    ])
    policy = Policy("suppress", 7)

    def cells(name, exact):
        # the survey row's Core20 count is hidden in its family; the rest shown as they are
        hidden = [False, name == "survey", False, name == "survey"]
        return Protected(values=np.array(exact), suppressed=np.array(hidden))

    rows = records(what_works_table(frame, policy, cells))
    assert rows[0]["core20_engaged"] == "*" and rows[0]["engaged_share"] is None
    assert rows[0]["per_core20_participant"] is None and rows[0]["suppressed"]
    assert rows[0]["participants"] == 45
    assert rows[1]["core20_engaged"] == 40 and rows[1]["engaged_share"] == pytest.approx(40 / 60, abs=5e-4)
    assert rows[1]["per_core20_participant"] is None  # no cost recorded
    exact = records(what_works_table(frame, Policy("off", 7)))
    assert exact[0]["engaged_share"] == pytest.approx(12 / 15) and exact[0]["per_core20_participant"] == 75.0


def test_small_cost_denominators_are_withheld(tmp_path):
    path = build_toy_db(tmp_path)

    def few(e):
        e.activity("C", "Northtown", "2025-05-01", cost_gbp=700)
        e.people("C", 5, lsoa21cd="E01900001")

    write(path, few)
    got = measure(path, cost, scope=NORTHTOWN)
    # 700 / 5 would give away a count of 5 people
    assert got["total_gbp"] == 700 and got["per_participant"] is None and got["per_core20_participant"] is None
    assert got["participants_costed"] == "*"
    assert measure(path, cost, scope=NORTHTOWN, **OFF)["per_participant"] == pytest.approx(140)
