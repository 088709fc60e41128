"""Where participants come from: individual rows, aggregated returns and headcounts count in
every measure (docs/data-standard.md, docs/methods.md section 1), and data quality reports on them (docs/methods.md section 9)."""

import pytest

from tests.engagement_rows import build_toy_db, measure, write
from wpc.measures import Scope, cost, participants, quality, reach
from wpc.measures.plain import records

NORTHTOWN = Scope.parse("toy", "Northtown", today="2025-12-31")
OFF = {"disclosure": "off"}


def fill(e):
    # Q1: 10 individual rows; the log says 12 came (a headcount mismatch)
    e.activity("Q1", "Northtown", "2025-05-01", participants_total=12, cost_gbp=500)
    e.people("Q1", 4, lsoa21cd="E01900001", sex="female", age_band="25-34", ethnicity="white_british",
             disability="no", carer="no", religion="none", sexual_orientation="heterosexual",
             gender_same_as_birth="yes", pregnant_or_recent_birth="no", inclusion_groups=["homeless"])
    e.people("Q1", 2, home_area_status="invalid_postcode", sex="male")
    e.people("Q1", 1, home_area_status="unmapped_postcode", sex="male")
    e.people("Q1", 3, sex="male")
    # Q2: aggregated returns only: 5 from LSOA 001 and 1 unknown; sex 4 female, 2 male;
    # the log says 8 came, so 2 more are unknown on every dimension (and a return mismatch)
    e.activity("Q2", "Northtown", "2025-05-02", participants_total=8, cost_gbp=300)
    e.returns("Q2", "lsoa_code", {"E01900001": 5, "unknown": 1})
    e.returns("Q2", "sex", {"female": 4, "male": 2})
    e.returns("Q2", "ethnicity", {"asian_indian": 3, "white_british": 3})
    # Q3: a headcount only
    e.activity("Q3", "Northtown", "2025-05-03", participants_total=25)
    # Q4: nothing recorded at all
    e.activity("Q4", "Northtown", "2025-05-04")
    # Q5: individual rows and returns: the rows win, the returns are ignored
    e.activity("Q5", "Northtown", "2025-05-05")
    e.people("Q5", 2, lsoa21cd="E01900003", sex="female")
    e.returns("Q5", "sex", {"female": 2})
    # R1: returns giving deprivation but no home LSOA: 6 in quintile 1, 3 in quintile 3
    e.activity("R1", "Northtown", "2025-05-06")
    e.returns("R1", "imd_quintile", {"1": 6, "3": 3})


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("sources"), store_kind=store_kind)
    write(path, fill)
    return path


def by_category(frame):
    return {r["category"]: r["engaged"] for r in records(frame)}


def test_every_source_counts_in_the_totals(toy):
    got = measure(toy, participants, scope=NORTHTOWN, **OFF)
    # living in Northtown: Q1 4 + Q2 5 + Q5 2 = 11; home unknown: Q1 6, Q2 8 - 5 = 3, Q3 25,
    # R1 9 (their deprivation is known, their home is not)
    # split by where the count came from: rows Q1 6; returns Q2 3 + R1 9; headcount Q3 25
    assert got == {"total": 11 + 6 + 3 + 25 + 9, "known_area": 11, "out_of_area": 0,
                   "unknown_home": 6 + 3 + 25 + 9, "unknown_home_rows": 6, "unknown_home_returns": 3 + 9,
                   "unknown_home_headcount": 25}


def test_returns_and_headcounts_on_each_dimension(toy):
    sex = by_category(measure(toy, reach, scope=NORTHTOWN, dimension="sex", **OFF))
    # female: Q1 4 + Q2 4 + Q5 2; male: Q1 6 + Q2 2; unknown: Q2 8 - 6, Q3 25, R1 9
    assert sex == {"female": 10, "male": 8, "unknown": 2 + 25 + 9}
    groups = by_category(measure(toy, reach, scope=NORTHTOWN, dimension="ethnicity_group", **OFF))
    # Q2 gave the 19 categories only: its 5 groups come from them
    assert groups["asian"] == 3 and groups["white"] == 4 + 3
    deprivation = by_category(measure(toy, reach, scope=NORTHTOWN, dimension="imd_quintile", **OFF))
    # quintile 1: Q1 4 + Q2 5 (LSOA 001) + Q5 2 (LSOA 003, decile 2) + R1 6; quintile 3: R1 3
    assert deprivation["1"] == 4 + 5 + 2 + 6 and deprivation["3"] == 3
    assert deprivation["unknown"] == 6 + 3 + 25


def test_headcounts_count_in_cost_per_participant(toy):
    got = measure(toy, cost, scope=NORTHTOWN, **OFF)
    # costed: Q1 (500; 10 rows) and Q2 (300; 8 by its headcount)
    assert got["per_participant"] == pytest.approx(800 / 18)
    # Core20 at costed activities: Q1 4 + Q2 5
    assert got["per_core20_participant"] == pytest.approx(800 / 9)


def test_data_quality(toy):
    got = measure(toy, quality, scope=NORTHTOWN, **OFF)
    assert {k: got[k] for k in (
        "activities", "activities_with_individual_rows", "activities_with_returns_only",
        "activities_headcount_only", "activities_without_participants", "activities_without_equality_monitoring",
        "participants_individual_rows", "participants_from_returns", "participants_headcount_only",
        "invalid_postcodes", "unmapped_postcodes", "headcount_mismatches", "return_mismatches",
        "returns_ignored")} == {
        "activities": 6, "activities_with_individual_rows": 2, "activities_with_returns_only": 2,
        "activities_headcount_only": 1, "activities_without_participants": 1,
        "activities_without_equality_monitoring": 2,
        "participants_individual_rows": 12, "participants_from_returns": 8 + 9, "participants_headcount_only": 25,
        "invalid_postcodes": 2, "unmapped_postcodes": 1, "headcount_mismatches": 1, "return_mismatches": 1,
        "returns_ignored": 1}
    fields = {r["field"]: r for r in got["unknown_by_field"]}
    # 12 individual rows (Q1 10, Q5 2): home unknown for 6; sex known for all; age known for 4
    assert fields["home_area"]["unknown"] == 6 and fields["home_area"]["share_unknown"] == pytest.approx(6 / 12)
    assert fields["sex"]["unknown"] == 0 and fields["sex"]["share_unknown"] == 0
    assert fields["age_band"]["unknown"] == 8
    assert fields["inclusion_groups"]["unknown"] == 8
    mismatched = {r["activity_id"]: r for r in got["mismatched_activities"]}
    assert mismatched["Q1"]["participants_total"] == 12 and mismatched["Q1"]["individual_rows"] == 10
    assert mismatched["Q2"]["largest_return_total"] == 6


def test_data_quality_protects_small_counts(toy):
    got = measure(toy, quality, scope=NORTHTOWN)
    fields = {r["field"]: r for r in got["unknown_by_field"]}
    assert got["invalid_postcodes"] == "*" and got["unmapped_postcodes"] == "*"
    assert fields["home_area"]["unknown"] == "*" and fields["home_area"]["share_unknown"] is None
    assert fields["age_band"]["unknown"] == 8  # 8 is never changed (it may not go below 8)
    shown = {r["activity_id"]: r["individual_rows"] for r in got["mismatched_activities"]}["Q1"]
    assert 8 <= shown <= 15  # 10, changed by at most 5 and never into 1 to 7
    exact = measure(toy, quality, scope=NORTHTOWN, disclosure="off")
    assert {r["activity_id"]: r["individual_rows"] for r in exact["mismatched_activities"]}["Q1"] == 10
