"""Population context: Core20 population share and decile distributions, checked two ways."""

from __future__ import annotations

import duckdb
import pytest

from tests import reference_files as files
from wpc import population
from wpc.views import population as population_view
from wpc.presets import builtin_presets


@pytest.fixture
def con(reference_db):
    connection = duckdb.connect(str(reference_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def tiny(tiny_db):
    connection = duckdb.connect(str(tiny_db), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("preset", builtin_presets(), ids=lambda p: p.id)
def test_core20_share_of_each_place_equals_the_files(con, preset):
    by_district = files.core20_by_district()
    places = population.places_summary(con, preset.id).set_index("place")
    assert list(places.index) == preset.place_names
    for place in preset.places:
        rows = by_district.loc[place.districts]
        expected = rows["core20_residents"].sum() / rows["total_usual_residents"].sum()
        assert places.loc[place.name, "core20_share"] == pytest.approx(expected, rel=1e-12)
        assert places.loc[place.name, "residents"] == rows["total_usual_residents"].sum()


def test_thurrock_core20_share(con):
    thurrock = population.scope_summary(con, "mse", "Thurrock")
    # Provenance check 6: Thurrock's LSOAs sum to 175,970 usual residents.
    assert thurrock["residents"] == 175_970
    assert thurrock["lsoas"] == 100
    by_district = files.core20_by_district().loc["E06000034"]
    assert thurrock["core20_residents"] == by_district["core20_residents"]
    assert round(100 * thurrock["core20_share"], 1) == 14.8


def test_tiny_place_summary_worked_by_hand(tiny):
    places = population.places_summary(tiny, "toy").set_index("place")
    # Northtown: deciles 1, 1, 2, 5, 8, 10 with 1000, 1200, 1500, 1300, 1100, 900 residents.
    assert places.loc["Northtown", "residents"] == 7000
    assert places.loc["Northtown", "core20_residents"] == 1000 + 1200 + 1500
    assert places.loc["Northtown", "core20_share"] == pytest.approx(3700 / 7000)
    # Southtown: deciles 3, 4, 6, 9: no Core20 neighbourhood at all.
    assert places.loc["Southtown", "core20_lsoas"] == 0
    assert places.loc["Southtown", "core20_share"] == 0
    whole = population.scope_summary(tiny, "toy")
    assert whole["residents"] == 7000 + 5250  # Elsewhere (outside the ICS) is not counted
    assert whole["core20_share"] == pytest.approx(3700 / 12250)


def test_tiny_decile_distribution_has_all_ten_deciles(tiny):
    deciles = population.decile_distribution(tiny, "toy", "Northtown").set_index("imd_decile")
    assert list(deciles.index) == list(range(1, 11))
    assert deciles.loc[1, "residents"] == 2200 and deciles.loc[1, "lsoas"] == 2
    assert deciles.loc[3, "residents"] == 0
    assert deciles["residents_share"].sum() == pytest.approx(1)
    assert deciles.loc[10, "residents_share"] == pytest.approx(900 / 7000)


def test_unknown_place_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="'Atlantis' is not a place of preset 'toy'"):
        population.scope_summary(tiny, "toy", "Atlantis")


def test_map_rows_carry_geometry_for_each_lsoa_most_deprived_first(tiny):
    areas = population.lsoas_for_map(tiny, "toy", "Southtown")
    assert list(areas["lsoa21cd"]) == ["E01900007", "E01900008", "E01900009", "E01900010"]
    assert all(g.startswith('{"type":"MultiPolygon"') for g in areas["geometry_json"])


def test_the_population_map_has_its_numbers_behind_it(tiny):
    view = population_view.build(tiny, "toy", "Northtown")
    table = view.lsoas.frame
    # Northtown: six LSOAs, deciles 1, 1, 2, 5, 8, 10 (tests/fixtures/tiny_reference.py), most deprived first
    assert list(table["IMD decile"]) == [1, 1, 2, 5, 8, 10]
    assert list(table["Core20"]) == ["Yes", "Yes", "Yes", "No", "No", "No"]
    assert list(table["Residents"]) == [1000, 1200, 1500, 1300, 1100, 900]
    assert view.map_sentence == ("2 of Northtown's 6 neighbourhoods (LSOAs) are in England's most "
                                 "deprived 10% (decile 1, darkest on the map).")
    hover = view.map_chart.data[0].text
    assert "IMD decile 1 (most deprived 10% of England)" in hover[0] and "Core20: yes" in hover[0]
    assert "1,000 residents" in hover[0]


def test_england_core20_share_is_computed_from_people_not_areas(con):
    imd, age = files.imd(), files.census("age")
    joined = age.merge(imd[["lsoa21_code", "imd_decile"]], on="lsoa21_code")
    expected = joined.loc[joined["imd_decile"] <= 2, "total_usual_residents"].sum() / joined[
        "total_usual_residents"].sum()
    assert population.england_core20_share(con) == pytest.approx(expected)


def test_sentences_say_the_numbers(tiny):
    summary = population.scope_summary(tiny, "toy", "Northtown")
    assert population_view.core20_population("Northtown", summary) == (
        "In Northtown, 52.9% of residents (3,700 of 7,000) live in the most deprived 20% of areas in "
        "England (Core20), across 3 of its 6 neighbourhoods (LSOAs)."
    )
    southtown = population.scope_summary(tiny, "toy", "Southtown")
    assert population_view.core20_population("Southtown", southtown).startswith(
        "None of Southtown's 5,250 residents live in the most deprived 20%")
