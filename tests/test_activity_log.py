"""The activity log, one activity's detail and its participants' profile, on hand-made
Toyshire data worked out by hand (tests/fixtures/tiny_reference.py: E01900001 and E01900003
are Northtown, IMD quintile 1; E01900004 Northtown, quintile 3; E01900007 Southtown,
quintile 2; E01900011 is in Elsewhere, outside the ICS, quintile 1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import co_design_share, feedback
from wpc.measures.log import (
    activity_detail,
    activity_log,
    activity_profile,
    recent_activities,
    twelve_months_to,
)
from wpc.measures.scope import Scope
from wpc.measures.stats import wilson_interval

TODAY = dt.date(2025, 10, 1)
TOY = Scope(preset="toy", today=TODAY)


def fill(rows) -> None:
    # 16 individual rows: 9 Northtown (q1), 3 Southtown (q2), 2 Elsewhere (out, q1), 1 unknown home,
    # 1 Welsh LSOA (outside England: out, quintile unknown). Feedback given by the due date.
    rows.activity(
        "IND",
        start="2025-05-01",
        title="Maternity drop-in",
        organisation="Toy ICB",
        ladder_rung=6,
        cycle_stage=1,
        target_groups=["homeless"],
        feedback_date="2025-06-01",
        you_said="More evening sessions",
        we_did="Opened on Thursdays",
    )
    rows.people(
        "IND",
        9,
        lsoa21cd="E01900001",
        sex="female",
        ethnicity="white_british",
        age_band="25-34",
        disability="no",
        carer="no",
        inclusion_groups=["homeless"],
    )
    rows.people(
        "IND",
        3,
        lsoa21cd="E01900007",
        sex="male",
        ethnicity="asian_indian",
        age_band="25-34",
        carer="yes",
        inclusion_groups=["carers"],
    )
    rows.people("IND", 2, lsoa21cd="E01900011", sex="female", ethnicity="white_british")
    rows.people("IND", 1)
    rows.people("IND", 1, lsoa21cd="W01000001", home_area_status="lsoa_code")
    # aggregated returns, headcount 40 (greater than any dimension's total): closed late
    rows.activity(
        "RET",
        place="Southtown",
        start="2025-04-10",
        title="Survey 100% online",
        organisation="Toy Council",
        ladder_rung=4,
        participants_total=40,
        feedback_due="2025-06-01",
        feedback_date="2025-06-10",
    )
    rows.returns("RET", "imd_quintile", {"1": 10, "2": 20, "unknown": 5})
    rows.returns("RET", "sex", {"female": 30, "male": 5})
    rows.returns("RET", "ethnicity", {"white_british": 12, "black_african": 8})
    # a headcount only, feedback overdue on TODAY (due 2025-05-01 + 84 days = 2025-07-24)
    rows.activity("HEAD", start="2025-05-01", title="Webinar", organisation="Toy ICB", participants_total=25)
    # returns with home LSOAs (their quintiles then ignored); not yet due (due 2025-11-24)
    rows.activity(
        "LSOA",
        start="2025-09-01",
        title="Door-knocking in Northtown",
        organisation="Toy Council",
        ladder_rung=7,
        target_groups=["homeless", "core20"],
    )
    rows.returns("LSOA", "lsoa_code", {"E01900001": 8, "E01900004": 9})
    rows.returns("LSOA", "imd_quintile", {"5": 17})
    # nothing recorded; and three people only
    rows.activity("NONE", start="2025-03-01", title="Stall at the fair", organisation="Toy ICB")
    rows.activity(
        "FEW", start="2025-02-01", title="Interview", organisation="Toy ICB", target_groups=["homeless"]
    )
    rows.people("FEW", 3, lsoa21cd="E01900003", sex="female")
    # the edges of the last 12 months before TODAY (2024-10-02 to 2025-10-01), targeting homeless
    rows.activity("OLD", start="2024-10-01", title="Old", target_groups=["homeless"])
    rows.activity("EDGE", start="2024-10-02", title="Edge", target_groups=["homeless"])
    rows.activity("LATER", start="2025-10-02", title="Later", target_groups=["homeless"])


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("activity_log"))
    write(path, fill)
    return path


def profile_of(toy, activity_id, disclosure="off"):
    frame = measure(toy, activity_profile, scope=TOY, activity_id=activity_id, disclosure=disclosure)
    return {(r["dimension"], r["category"]): r for r in frame.to_dict("records")}


def counts(profile, dimension):
    return {category: row["participants"] for (d, category), row in profile.items() if d == dimension}


# ---------- the log


def test_the_log_lists_the_scopes_activities_newest_first_with_protected_participants(toy):
    log = measure(toy, activity_log, scope=TOY).set_index("activity_id")
    exact = measure(toy, activity_log, scope=TOY, disclosure="off").set_index("activity_id")
    assert list(log.index) == ["LATER", "LSOA", "HEAD", "IND", "RET", "NONE", "FEW", "EDGE", "OLD"]
    # each activity is a record of its own: 1 to 7 hidden, others changed by at most 5
    for activity, shown in log["participants"].items():
        true = exact.loc[activity, "participants"]
        if true is None or pd.isna(true):
            assert shown is None
        elif true <= 7:
            assert shown == "*"
        else:
            assert abs(shown - true) <= 5 and shown >= 8
    assert exact["participants"].to_dict() == {
        "LATER": None,
        "LSOA": 17,
        "HEAD": 25,
        "IND": 16,
        "RET": 40,
        "NONE": None,
        "FEW": 3,
        "EDGE": None,
        "OLD": None,
    }
    assert log["source"].to_dict() == {
        "LATER": "none",
        "LSOA": "returns",
        "HEAD": "headcount",
        "IND": "individual",
        "RET": "returns",
        "NONE": "none",
        "FEW": "individual",
        "EDGE": "none",
        "OLD": "none",
    }
    assert (
        log.loc["IND", "ladder_name"] == "Co-design"
        and log.loc["IND", "cycle_name"] == "Identify needs and aspirations"
    )
    assert log.loc["LSOA", "target_group_names"] == "People experiencing homelessness; Core20"


def test_feedback_status_per_activity_agrees_with_the_feedback_measure(toy):
    log = measure(toy, activity_log, scope=TOY).set_index("activity_id")
    assert log.loc[["IND", "RET", "HEAD", "LSOA"], "feedback_status"].tolist() == [
        "closed on time",
        "closed late",
        "overdue",
        "not yet due",
    ]
    loop = measure(toy, feedback, scope=TOY)
    statuses = log["feedback_status"].value_counts()
    assert (
        statuses.get("closed on time", 0),
        statuses.get("closed late", 0),
        statuses.get("overdue", 0),
        statuses.get("not yet due", 0),
    ) == (loop["closed_on_time"], loop["closed_late"], loop["overdue"], loop["not_yet_due"])


def test_the_title_search_is_a_plain_substring_in_any_case(toy):
    def titles(text):
        return measure(toy, activity_log, scope=TOY, title_contains=text)["activity_id"].tolist()

    assert titles("MATERNITY") == ["IND"]
    assert titles("100%") == ["RET"]  # % and _ are not wildcards
    assert titles("_") == []
    assert titles("in") == [
        "LSOA",
        "HEAD",
        "IND",
        "RET",
        "FEW",
    ]  # door-knocking IN, webINar, drop-IN, onlINe...
    assert len(titles("   ")) == 9  # blank = no search


def test_the_sidebar_scope_applies_to_the_log(toy):
    southtown = Scope(preset="toy", place="Southtown", today=TODAY)
    assert measure(toy, activity_log, scope=southtown)["activity_id"].tolist() == ["RET"]
    period = Scope(preset="toy", date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 5, 1), today=TODAY)
    assert measure(toy, activity_log, scope=period)["activity_id"].tolist() == ["HEAD", "IND", "RET"]


def test_recent_activities_are_the_last_twelve_months_for_a_group(toy):
    assert twelve_months_to(TODAY) == (dt.date(2024, 10, 2), TODAY)
    assert twelve_months_to(dt.date(2024, 2, 29)) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))
    recent = measure(toy, recent_activities, scope=TOY, target_group="homeless")
    assert recent["activity_id"].tolist() == ["LSOA", "IND", "FEW", "EDGE"]
    # the scope's own period is replaced by the twelve months
    narrow = Scope(preset="toy", date_from=dt.date(2025, 9, 1), today=TODAY)
    assert measure(toy, recent_activities, scope=narrow, target_group="core20")["activity_id"].tolist() == [
        "LSOA"
    ]


def test_co_design_share_counts_the_top_two_rungs_of_those_recorded():
    ladder = pd.DataFrame(
        {
            "rung": pd.array([4, 6, 7, None], dtype="Int64"),
            "name": ["a", "b", "c", "d"],
            "activities": [1, 1, 1, 6],
            "share": [1 / 3, 1 / 3, 1 / 3, 6 / 9],
        }
    )
    # the one definition (wpc.measures.co_design_share), shared by the Overview and the Activity log
    assert co_design_share(ladder) == {"activities": 9, "with_rung": 3, "co_production": 2, "share": 2 / 3}


# ---------- one activity


def test_detail_of_one_activity(toy):
    detail = measure(toy, activity_detail, scope=TOY, activity_id="IND", disclosure="off")
    shown = measure(toy, activity_detail, scope=TOY, activity_id="IND")
    log = measure(toy, activity_log, scope=TOY).set_index("activity_id")
    assert shown["participants"] == log.loc["IND", "participants"]  # the same count on the log and the detail
    assert {
        k: detail[k]
        for k in (
            "title",
            "place",
            "source",
            "participants",
            "feedback_due_date",
            "feedback_status",
            "you_said",
            "we_did",
            "ladder_name",
        )
    } == {
        "title": "Maternity drop-in",
        "place": "Northtown",
        "source": "individual",
        "participants": 16,
        "feedback_due_date": "2025-07-24",
        "feedback_status": "closed on time",
        "you_said": "More evening sessions",
        "we_did": "Opened on Thursdays",
        "ladder_name": "Co-design",
    }
    assert detail["target_group_labels"] == ["People experiencing homelessness"]
    few = measure(toy, activity_detail, scope=TOY, activity_id="FEW")
    assert few["participants"] == "*"
    assert measure(toy, activity_detail, scope=TOY, activity_id="RET", disclosure="off")["participants"] == 40
    assert measure(toy, activity_detail, scope=TOY, activity_id="NOPE") is None
    assert measure(toy, activity_profile, scope=TOY, activity_id="NOPE").empty


def test_profile_from_individual_rows_with_disclosure(toy):
    protected = profile_of(toy, "IND", disclosure="suppress")
    profile = profile_of(toy, "IND")
    # every count from 1 to 7 hidden, and no hidden count alone beside the activity's total
    for dimension in ("imd_quintile", "home", "sex", "carer"):
        exact = counts(profile, dimension)
        shown = counts(protected, dimension)
        assert all(shown[c] == "*" for c, v in exact.items() if 1 <= v <= 7)
        assert sum(v == "*" for v in shown.values()) != 1
        assert all(v == "*" or abs(v - exact[c]) <= 5 for c, v in shown.items())
    # quintile 1: 9 Northtown + 2 Elsewhere; quintile 2: 3; unknown: no home + the Welsh LSOA
    assert counts(profile, "imd_quintile") == {"1": 11, "2": 3, "3": 0, "4": 0, "5": 0, "unknown": 2}
    low, high = wilson_interval(11, 14)
    q1 = profile[("imd_quintile", "1")]
    assert (q1["share"], q1["ci_low"], q1["ci_high"]) == pytest.approx((11 / 14, float(low), float(high)))
    # home: 9 in Northtown (the activity's place), 3 in Southtown, 3 outside (Elsewhere and Wales), 1 unknown
    assert counts(profile, "home") == {"place": 9, "ics": 3, "out": 3, "unknown": 1}
    assert profile[("home", "place")]["share"] == pytest.approx(9 / 15)
    assert counts(profile, "sex")["female"] == 11
    assert counts(profile, "ethnicity_group")["white"] == 11
    assert counts(profile, "carer") == {"yes": 3, "no": 9, "unknown": 4}
    assert counts(profile, "inclusion_group")["homeless"] == 9
    assert profile[("inclusion_group", "homeless")]["share"] == pytest.approx(9 / 16)  # of everyone


def test_profile_from_returns_with_the_rest_of_the_headcount_unknown(toy):
    profile = profile_of(toy, "RET")
    assert counts(profile, "imd_quintile") == {"1": 10, "2": 20, "3": 0, "4": 0, "5": 0, "unknown": 10}
    assert profile[("imd_quintile", "1")]["share"] == pytest.approx(10 / 30)
    assert counts(profile, "sex") == {"female": 30, "male": 5, "unknown": 5}
    shown = counts(profile_of(toy, "RET", disclosure="suppress"), "sex")
    assert shown["male"] == "*" and shown["unknown"] == "*"  # 5 and 5: hidden, each the other's complement
    # the five groups from the 19 categories; 40 - 20 unknown
    assert {k: v for k, v in counts(profile, "ethnicity_group").items() if v} == {
        "white": 12,
        "black": 8,
        "unknown": 20,
    }
    assert counts(profile, "home")["unknown"] == 40
    assert counts(profile, "age_band")["unknown"] == 40
    # nobody's inclusion groups are known, so no group gets a share of 0%
    assert all(
        pd.isna(row["share"]) for (d, c), row in profile.items() if d == "inclusion_group" and c != "unknown"
    )


def test_profile_from_returned_home_areas_ignores_returned_quintiles(toy):
    profile = profile_of(toy, "LSOA")
    assert counts(profile, "imd_quintile") == {"1": 8, "2": 0, "3": 9, "4": 0, "5": 0, "unknown": 0}
    assert counts(profile, "home") == {"place": 17, "ics": 0, "out": 0, "unknown": 0}


def test_profile_of_a_headcount_is_all_unknown_and_of_nothing_is_empty(toy):
    head = profile_of(toy, "HEAD")
    assert all(row["participants"] == (25 if c == "unknown" else 0) for (d, c), row in head.items())
    none = profile_of(toy, "NONE")
    assert all(row["participants"] == 0 for row in none.values())


def test_profile_in_publication_mode_rounds_to_five(toy):
    profile = profile_of(toy, "RET", disclosure="publish")
    exact = counts(profile_of(toy, "RET"), "imd_quintile")
    shown = counts(profile, "imd_quintile")
    assert all(v == "*" or (v % 5 == 0 and abs(v - exact[c]) <= 7) for c, v in shown.items())
    assert shown["3"] == 0 and shown["4"] == 0  # nobody stays nobody
