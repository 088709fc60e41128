"""Geography below place (docs/methods.md section 3): reach, rate per 1,000 and Core20 reach by
district, by rural/urban class and by PCN, on a hand-made Toyshire where Northtown is a place of
two districts (Northtown E06999001 and Easttown E06999004) with rural and urban neighbourhoods.

Residents of Northtown (6,100) and the participants living there in the period (80):

| LSOA      | district  | decile | RUC  | residents | participants |
|-----------|-----------|--------|------|-----------|--------------|
| E01900001 | Northtown | 1      | RSN1 | 1,000     | 10           |
| E01900002 | Northtown | 1      | UN1  | 1,200     | 20           |
| E01900003 | Northtown | 2      | UN1  | 1,500     | 30           |
| E01900004 | Easttown  | 5      | RLN1 | 1,300     | 8            |
| E01900005 | Easttown  | 8      | UN1  | 1,100     | 12           |

Five people of unknown home and four living outside the ICS took part too: they are in no area.
"""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.engagement_rows import build_toy_db, measure, write
from tests.fixtures.tiny_reference import TOY_PRESET, ToyLsoa
from wpc.measures import Scope, area_breakdown
from wpc.measures import stats
from wpc.presets import Preset

NORTHTOWN = Scope.parse("toy", "Northtown", date_from="2025-04-01", date_to="2026-03-31", today="2026-04-01")
OFF = {"disclosure": "off"}
PRESET = Preset.model_validate({**TOY_PRESET, "places": [
    {"name": "Northtown", "districts": ["E06999001", "E06999004"]},
    {"name": "Southtown", "districts": ["E06999002"]},
]})
LSOAS = [
    ToyLsoa("E01900001", "E06999001", 1, 1000, ruc="RSN1", postcodes=["TY1 1AA"]),
    ToyLsoa("E01900002", "E06999001", 1, 1200, postcodes=["TY2 1AA"]),
    ToyLsoa("E01900003", "E06999001", 2, 1500, postcodes=["TY3 1AA"]),
    ToyLsoa("E01900004", "E06999004", 5, 1300, ruc="RLN1", postcodes=["TY4 1AA"]),
    ToyLsoa("E01900005", "E06999004", 8, 1100, postcodes=["TY5 1AA"]),
    ToyLsoa("E01900007", "E06999002", 3, 1400, postcodes=["TY7 1AA"]),
    ToyLsoa("E01900011", "E06999003", 1, 1500, postcodes=["TY11 1AA"]),
]
LIVING = {"E01900001": 10, "E01900002": 20, "E01900003": 30, "E01900004": 8, "E01900005": 12}


def fill(e):
    e.activity("A1", "Northtown", "2025-06-01")
    for lsoa, n in LIVING.items():
        e.people("A1", n, lsoa21cd=lsoa)
    e.people("A1", 5)                          # home unknown
    e.people("A1", 4, lsoa21cd="E01900011")    # lives outside the ICS
    e.activity("B1", "Southtown", "2025-06-01")
    e.people("B1", 9, lsoa21cd="E01900007")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("geography"), LSOAS, PRESET)
    write(path, fill)
    return path


def wilson(x, n):
    return proportion_confint(x, n, alpha=0.05, method="wilson")


def byar(count, residents):
    low, high = stats.byar_interval([count])
    return low[0] / residents * 1000, high[0] / residents * 1000


def test_districts_of_a_place_of_two(toy):
    rows = measure(toy, area_breakdown, scope=NORTHTOWN, level="district", **OFF).set_index("area_code")
    assert list(rows.index) == ["E06999001", "E06999004"]
    north, east = rows.loc["E06999001"], rows.loc["E06999004"]
    assert (north["area_name"], north["population"], north["participants"]) == ("Northtown", 3700, 60)
    assert (east["area_name"], east["population"], east["participants"]) == ("Easttown", 2400, 20)
    # reach: 60 of the 80 participants living in Northtown, against 3,700 of its 6,100 residents
    assert north["engaged_share"] == pytest.approx(60 / 80)
    assert (north["ci_low"], north["ci_high"]) == pytest.approx(wilson(60, 80))
    assert north["population_share"] == pytest.approx(3700 / 6100)
    assert north["gap_pp"] == pytest.approx(100 * (60 / 80 - 3700 / 6100))
    assert north["flag"] == "over" and east["flag"] == "under"  # 20/80 against 2,400/6,100: CI below
    assert east["ci_high"] < 2400 / 6100 < north["ci_low"]
    # rate per 1,000 with Byar's interval, against the overall 80 / 6,100
    assert north["rate_per_1000"] == pytest.approx(60 / 3700 * 1000)
    assert (north["rate_ci_low"], north["rate_ci_high"]) == pytest.approx(byar(60, 3700))
    overall = 80 / 6100 * 1000
    assert north["rate_flag"] == ("higher" if north["rate_ci_low"] > overall else "ok")
    assert east["rate_per_1000"] == pytest.approx(20 / 2400 * 1000)
    assert east["rate_flag"] == ("lower" if east["rate_ci_high"] < overall else "ok")
    # Core20 reach within each district: Northtown's three LSOAs are all Core20, Easttown's none
    assert north["core20_population_share"] == 1.0 and north["core20_participants"] == 60
    assert north["core20_share"] == 1.0
    assert east["core20_population_share"] == 0.0 and east["core20_participants"] == 0
    assert east["core20_share"] == 0.0 and east["core20_flag"] == "ok"


def test_rural_and_urban(toy):
    rows = measure(toy, area_breakdown, scope=NORTHTOWN, level="rural_urban", **OFF).set_index("area_code")
    assert list(rows.index) == ["Urban", "Rural"]
    rural, urban = rows.loc["Rural"], rows.loc["Urban"]
    assert (rural["population"], rural["participants"]) == (2300, 18)
    assert (urban["population"], urban["participants"]) == (3800, 62)
    assert rural["engaged_share"] == pytest.approx(18 / 80)
    assert rural["population_share"] == pytest.approx(2300 / 6100)
    assert (rural["ci_low"], rural["ci_high"]) == pytest.approx(wilson(18, 80))
    assert rural["flag"] == "under"  # 22.5% (CI to about 32.6%) against 37.7% of residents
    assert rural["rate_per_1000"] == pytest.approx(18 / 2300 * 1000)
    assert urban["rate_per_1000"] == pytest.approx(62 / 3800 * 1000)
    # Core20 within rural: E01900001 (Core20, 10 people) and E01900004 (not, 8)
    assert rural["core20_participants"] == 10 and rural["core20_share"] == pytest.approx(10 / 18)
    assert rural["core20_population_share"] == pytest.approx(1000 / 2300)
    assert (rural["core20_ci_low"], rural["core20_ci_high"]) == pytest.approx(wilson(10, 18))


def test_the_six_classes_in_the_classification_order(toy):
    rows = measure(toy, area_breakdown, scope=NORTHTOWN, level="ruc_class", **OFF)
    assert list(rows["area_code"]) == ["UN1", "RLN1", "RSN1"]
    assert list(rows["participants"]) == [62, 8, 10]
    assert list(rows["area_name"]) == ["Urban: Nearer to a major town or city",
                                       "Larger rural: Nearer to a major town or city",
                                       "Smaller rural: Nearer to a major town or city"]


def test_no_pcn_level_before_gp_registrations_are_imported(toy):
    assert measure(toy, area_breakdown, scope=NORTHTOWN, level="pcn", **OFF).empty


def test_small_counts_are_hidden_with_their_complement(tmp_path):
    """Easttown's 5 participants are hidden, and Northtown's 60 with them (a place total would
    give 5 away); the Core20 split of an area with a hidden cell is withheld."""
    path = build_toy_db(tmp_path, LSOAS, PRESET)

    def few(e):
        e.activity("A1", "Northtown", "2025-06-01")
        e.people("A1", 60, lsoa21cd="E01900001")
        e.people("A1", 5, lsoa21cd="E01900005")
    write(path, few)
    rows = measure(path, area_breakdown, scope=NORTHTOWN, level="district").set_index("area_code")
    assert list(rows["participants"]) == ["*", "*"]
    assert rows["engaged_share"].isna().all() and rows["rate_per_1000"].isna().all()
    assert rows["core20_share"].isna().all() and list(rows["suppressed"]) == [True, True]
    shown = measure(path, area_breakdown, scope=NORTHTOWN, level="district", **OFF).set_index("area_code")
    assert list(shown["participants"]) == [60, 5]


def test_the_whole_ics_lists_every_district(toy):
    rows = measure(toy, area_breakdown, scope=Scope.parse("toy", date_from="2025-04-01", date_to="2026-03-31"),
                   level="district", **OFF)
    assert list(rows["area_code"]) == ["E06999001", "E06999002", "E06999004"]
    assert list(rows["participants"]) == [60, 9, 20]
    assert math.isclose(rows["population_share"].sum(), 1.0)


def test_the_rural_gap_in_one_sentence(toy):
    from wpc.views import geography

    view = measure(toy, geography.build, scope=NORTHTOWN, disclosure="off")
    # rural: 2,300 of 6,100 residents (38%), 18 of the 80 participants living in Northtown (22.5%,
    # written 22% as a half is rounded to even; Wilson's interval to about 32.6%: short beyond chance); 18 / 2,300 = 7.8 per 1,000 against
    # urban 62 / 3,800 = 16.3 per 1,000
    assert view.rural_gap == (
        "In Northtown, 38% of residents but only 22% of the participants living there live in rural "
        "neighbourhoods (15.2 points short, beyond chance): 7.8 per 1,000 rural residents took part, "
        "against 16.3 per 1,000 in urban neighbourhoods.")
