"""AppTest of workshop mode: one question per screen, next and previous with the screen in the
URL, the place switch going through the sidebar's own place choice, the pack downloads."""

from __future__ import annotations

from tests.app.access_checks import unescape
from wpc.views import workshop as questions

WORKSHOP = "app_pages/workshop.py"
KEYS = list(questions.QUESTIONS)


def open_workshop(app_at, db_path, **params):
    at = app_at(db_path, **params).run()
    assert not at.exception
    at.switch_page(WORKSHOP).run()
    assert not at.exception
    return at


def titles(at) -> list[str]:
    return [unescape(t.value) for t in at.title]


def test_screens_step_forward_and_back_with_the_screen_in_the_url(app_at, demo_db):
    at = open_workshop(app_at, demo_db, place="Lambeth", screen="core20")
    assert titles(at) == ["Core20 reach by place: Lambeth"]
    assert at.button(key="workshop_previous").disabled  # the first screen: nothing before it
    at.button(key="workshop_next").click().run()
    assert titles(at) == ["Reach gaps by ethnic group (5 groups): Lambeth"]
    assert at.query_params["screen"] == "reach"
    at.button(key="workshop_previous").click().run()
    assert titles(at) == ["Core20 reach by place: Lambeth"]

    at = open_workshop(app_at, demo_db, place="Lambeth", screen="feedback")
    at.button(key="workshop_next").click().run()
    assert titles(at) == ["Ladder of participation: Lambeth"] and at.query_params["screen"] == "ladder"
    at.button(key="workshop_next").click().run()
    assert titles(at) == ["Targets: Lambeth"] and at.query_params["screen"] == "targets"
    end = at.button(key="workshop_next")  # the last screen: no jump back to the first, and it says so
    assert end.disabled and end.label == "End"
    assert any(unescape(box.value).startswith(f"End of the questions ({len(KEYS)} of {len(KEYS)})")
               for box in at.info)


def test_every_screen_has_a_chart_its_sentence_and_its_numbers(app_at, demo_db):
    at = open_workshop(app_at, demo_db, place="Lambeth")
    for key in KEYS:
        at.selectbox(key="screen").set_value(key).run()
        assert not at.exception
        title, ask = questions.QUESTIONS[key]
        assert titles(at)[0].startswith(title)
        assert unescape(at.subheader[0].value) == ask
        assert len(at.get("plotly_chart")) == 1
        assert at.get("arrow_data_frame") or at.get("dataframe")
    # the speaker's line on the coverage screen
    at.selectbox(key="screen").set_value("coverage").run()
    assert any("Core20 neighbourhoods" in m.value for m in at.markdown)


def test_the_place_switch_on_the_page_changes_the_sidebar_place_and_the_url(app_at, demo_db):
    at = open_workshop(app_at, demo_db, place="Lambeth", screen="cold_spots")
    assert at.selectbox(key="workshop_place").value == "Lambeth"
    assert at.selectbox(key="workshop_place").options == ["South East London", "Bexley", "Bromley", "Greenwich",
                                                         "Lambeth", "Lewisham", "Southwark"]
    at.selectbox(key="workshop_place").set_value("Southwark").run()
    assert not at.exception
    assert titles(at) == ["Cold spots: Southwark"]
    assert at.selectbox(key="place").value == "Southwark"  # the sidebar's own selector
    assert at.query_params["place"] == "Southwark"
    at.selectbox(key="workshop_place").set_value("All places").run()
    assert titles(at) == ["Cold spots: South East London"]


def test_the_reach_dimension_is_chosen_on_the_page(app_at, demo_db):
    at = open_workshop(app_at, demo_db, place="Bexley", screen="reach")
    at.selectbox(key="dimension").set_value("age_band").run()
    assert titles(at) == ["Reach gaps by age band: Bexley"]
    assert at.query_params["dimension"] == "age_band"


def test_a_place_not_offered_in_the_url_falls_back_to_the_sidebars_choice(app_at, demo_db):
    at = open_workshop(app_at, demo_db, place="Atlantis", screen="core20")
    assert titles(at) == ["Core20 reach by place: South East London"]
