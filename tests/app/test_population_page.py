"""AppTest of the Population context and About pages on the real reference database."""

from __future__ import annotations

from tests import reference_files as files
from tests.app.access_checks import unescape
from wpc.presets import load_preset


POPULATION = "app_pages/population.py"


def population_page(at):
    """The Population context page (the app opens on the Overview)."""
    at.run()
    return at.switch_page(POPULATION).run()


def metrics(at) -> dict[str, str]:
    return {unescape(m.label): unescape(m.value) for m in at.metric}


def expected_core20(districts: list[str]) -> tuple[int, str]:
    rows = files.core20_by_district().loc[districts]
    residents = rows["total_usual_residents"].sum()
    return residents, f"{100 * rows['core20_residents'].sum() / residents:.1f}%"


def test_population_page_opens_on_the_default_preset_whole_ics(app_at, reference_db):
    at = population_page(app_at(reference_db))
    assert not at.exception
    assert at.title[0].value == "Population context: South East London"
    sel = load_preset("sel")
    residents, share = expected_core20([d for p in sel.places for d in p.districts])
    assert metrics(at)["Residents (Census 2021)"] == f"{residents:,}"
    assert metrics(at)["Core20 population share"] == share
    assert at.query_params == {"preset": "sel", "place": "All places"}


def test_choosing_preset_and_place_shows_thurrock(app_at, reference_db):
    at = population_page(app_at(reference_db))
    at.selectbox(key="preset").set_value("mse").run()
    at.selectbox(key="place").set_value("Thurrock").run()
    assert not at.exception
    assert at.title[0].value == "Population context: Thurrock"
    residents, share = expected_core20(["E06000034"])
    assert metrics(at)["Residents (Census 2021)"] == f"{residents:,}" == "175,970"
    assert metrics(at)["Core20 population share"] == share == "14.8%"
    assert at.query_params == {"preset": "mse", "place": "Thurrock"}
    sentence = [unescape(m.value) for m in at.markdown if unescape(m.value).startswith("In Thurrock,")]
    assert sentence and "14.8% of residents (25,988 of 175,970)" in sentence[0]


def test_the_url_reopens_the_same_view(app_at, reference_db):
    at = population_page(app_at(reference_db, preset="hw", place="Herefordshire"))
    assert not at.exception
    assert at.selectbox(key="preset").value == "hw"
    assert at.selectbox(key="place").value == "Herefordshire"
    residents, share = expected_core20(["E06000019"])
    assert metrics(at)["Residents (Census 2021)"] == f"{residents:,}" == "187,000"
    assert metrics(at)["Core20 population share"] == share


def test_a_place_from_another_preset_in_the_url_falls_back_to_the_whole_ics(app_at, reference_db):
    at = population_page(app_at(reference_db, preset="hw", place="Lambeth"))
    assert not at.exception
    assert at.selectbox(key="place").value == "All places"
    assert at.title[0].value == "Population context: Herefordshire and Worcestershire"


def test_changing_preset_resets_a_place_it_does_not_have(app_at, reference_db):
    at = app_at(reference_db, preset="sel", place="Lambeth").run()
    at.selectbox(key="preset").set_value("hw").run()
    assert not at.exception
    assert at.selectbox(key="place").value == "All places"
    assert at.selectbox(key="place").options == ["All places", "Herefordshire", "Worcestershire"]


def test_about_page_lists_sources_and_licence(app_at, reference_db):
    at = app_at(reference_db).run()
    at.switch_page("app_pages/about.py").run()
    assert not at.exception
    assert at.title[0].value == "About wpc and its data"
    sources = at.dataframe[0].value
    assert any("English Indices of Deprivation 2025" in s for s in sources["Source"])
    assert set(sources["Licence"]) == {"Open Government Licence v3.0"}
    assert "Contains OS data" in at.info[0].value


def test_missing_database_gives_a_clear_message(app_at, tmp_path):
    at = app_at(tmp_path / "none.duckdb").run()
    assert not at.exception
    assert "There is no wpc database" in at.error[0].value
