"""Partner type (docs/methods.md section 8): share of activities and Core20 reach by
organisation_type, and partner type in what works, by hand on Toyshire (Northtown's residents:
3,700 of 7,000 live in its three Core20 LSOAs).

| activity | type        | cost  | participants (home)                                   |
|----------|-------------|-------|-------------------------------------------------------|
| V1       | vcse        | £900  | 12 in E01900001 (Core20), 8 in E01900004, 2 unknown   |
| V2       | vcse        |       | 10 in E01900002 (Core20)                              |
| L1       | local_authority | £400 | 2 in E01900001 (Core20), 18 in E01900005            |
| N1       | (none)      |       | 9 in E01900006                                        |
"""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.engagement_rows import build_toy_db, measure, write
from wpc.ingest import normalise
from wpc.measures import Scope, partners, what_works

NORTHTOWN = Scope.parse("toy", "Northtown", today="2026-01-01")


def fill(e):
    e.activity("V1", "Northtown", "2025-06-01", organisation_type="vcse", cost_gbp=900)
    e.activity("V2", "Northtown", "2025-06-02", organisation_type="vcse")
    e.activity("L1", "Northtown", "2025-06-03", organisation_type="local_authority", cost_gbp=400)
    e.activity("N1", "Northtown", "2025-06-04")
    e.people("V1", 12, lsoa21cd="E01900001")
    e.people("V1", 8, lsoa21cd="E01900004")
    e.people("V1", 2)
    e.people("V2", 10, lsoa21cd="E01900002")
    e.people("L1", 2, lsoa21cd="E01900001")
    e.people("L1", 18, lsoa21cd="E01900005")
    e.people("N1", 9, lsoa21cd="E01900006")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("partners"))
    write(path, fill)
    return path


def test_share_of_activities_and_core20_reach_by_partner_type(toy):
    rows = measure(toy, partners, scope=NORTHTOWN, disclosure="off").set_index("organisation_type")
    assert list(rows.index) == ["local_authority", "vcse", "not recorded"]  # the vocabulary's order
    vcse, council = rows.loc["vcse"], rows.loc["local_authority"]
    assert (vcse["activities"], vcse["activity_share"]) == (2, 0.5)
    assert council["activity_share"] == 0.25 and rows.loc["not recorded", "label"] == "Not recorded"
    # VCSE: 22 Core20 of the 30 with a known home deprivation (32 took part)
    assert (vcse["participants"], vcse["core20_engaged"]) == (32, 22)
    assert vcse["engaged_share"] == pytest.approx(22 / 30)
    assert (vcse["ci_low"], vcse["ci_high"]) == pytest.approx(proportion_confint(22, 30, method="wilson"))
    assert vcse["population_share"] == pytest.approx(3700 / 7000)
    assert vcse["flag"] == "over"
    assert council["engaged_share"] == pytest.approx(2 / 20) and council["flag"] == "under"
    # cost per Core20 participant over costed activities: V1 £900 / 12
    assert vcse["per_core20_participant"] == pytest.approx(900 / 12)


def test_partner_type_joins_what_works(toy):
    got = measure(toy, what_works, scope=NORTHTOWN, disclosure="off")["by_organisation_type"]
    assert {r["organisation_type"]: (r["activities"], r["core20_engaged"]) for r in got} == {
        "vcse": (2, 22), "local_authority": (1, 2), "not recorded": (1, 0)}


def test_small_core20_counts_are_hidden(toy):
    rows = measure(toy, partners, scope=NORTHTOWN).set_index("organisation_type")
    assert rows.loc["local_authority", "core20_engaged"] == "*"
    assert rows.loc["local_authority", "engaged_share"] is None or rows["engaged_share"].isna()["local_authority"]


@pytest.mark.parametrize("said, code", [
    ("Council", "local_authority"), ("London Borough council", None), ("Foundation Trust", "nhs_trust"),
    ("GP practice", "primary_care"), ("PCN", "primary_care"), ("Voluntary and community sector", "vcse"),
    ("VCFSE", "vcse"), ("charity", "vcse"), ("Healthwatch", "healthwatch"), ("ICB", "icb"),
    ("Integrated Care Board", "icb"), ("other", "other"), ("", None),
])
def test_common_spellings_of_partner_types(said, code):
    resolve = normalise.Vocabularies().resolver("organisation_type")
    value, reason = resolve(said)
    assert value == code
    if code is None and said:
        assert "is not recognised" in reason and "Local authority" in reason


def test_the_partners_page_says_whose_activities_reached_core20_residents(toy):
    from wpc.views import partners as partners_view

    view = measure(toy, partners_view.build, scope=NORTHTOWN, disclosure="off")
    # VCSE 22 of 30 (73.3%), local authority 2 of 20 (10.0%), against 3,700 / 7,000 (52.9%)
    assert view.reach_sentence == (
        "The highest Core20 share was at VCSE partners' activities (73.3% of 32 participants) and the lowest "
        "at local authority partners' (10.0%), against 52.9% of Northtown's residents living in Core20 areas.")
