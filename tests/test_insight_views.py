"""The insight library page's view (wpc.views.insights.find) on hand-made insights: a place's
search shows that place's insights, those given with no place apart and labelled; results come
a page at a time; a misspelt word is corrected and said so."""

from __future__ import annotations

from tests.fixtures.tiny_reference import toy_preset
from tests.test_insight_search import index_of, insight
from wpc.views import insights

PRESET = toy_preset()


def library():
    rows = [insight(f"N{n:02d}", f"The bus to the clinic was late {n}", themes=["transport"],
                    place="Northtown", date=f"2025-01-{n:02d}") for n in range(1, 26)]  # 25: two pages
    rows += [insight("S01", "No bus to the Southtown clinic", themes=["transport"], place="Southtown"),
             insight("U01", "Southtown people said the bus never comes", themes=["transport"], place=None),
             insight("N99", "Could not get an appointment", place="Northtown")]
    return index_of(*rows)


def test_a_places_search_returns_its_own_insights_and_those_with_no_place_apart():
    found = insights.find(library(), PRESET, "Southtown", text="bus")
    assert found.total == 1 and len(found.cards) == 1 and "Southtown clinic" in found.cards[0]
    assert "given no place" not in found.sentence
    assert found.ics_wide.title == "Toyshire-wide insights (no place given)"
    assert found.ics_wide.total == 1 and "never comes" in found.ics_wide.cards[0]
    assert found.ics_wide.sentence == ("1 insight given with no place in Toyshire mentions bus, best matches "
                                       "first.")
    assert found.downloads == 2 and set(found.results["Insight ID"]) == {"S01", "U01"}
    # switched off, the section goes; the place's own insights stay
    alone = insights.find(library(), PRESET, "Southtown", text="bus", include_unplaced=False)
    assert alone.ics_wide is None and alone.total == 1 and alone.downloads == 1


def test_results_come_twenty_to_a_page_and_a_page_past_the_end_shows_the_last():
    first = insights.find(library(), PRESET, "Northtown", text="bus")
    assert (first.total, first.page, first.pages, len(first.cards)) == (25, 1, 2, 20)
    assert first.caption.startswith("Page 1 of 2: insights 1 to 20 of 25, best matches first.")
    second = insights.find(library(), PRESET, "Northtown", text="bus", page=2)
    assert (second.page, len(second.cards)) == (2, 5)
    assert second.caption.startswith("Page 2 of 2: insights 21 to 25 of 25")
    shown = [card for page in (first, second) for card in page.cards]
    assert len(set(shown)) == 25  # no insight on both pages
    assert insights.find(library(), PRESET, "Northtown", text="bus", page=9).page == 2
    browse = insights.find(library(), PRESET, None, page=2)  # no words: every placed insight, newest first
    assert (browse.total, browse.pages, len(browse.cards)) == (27, 2, 7)


def test_a_misspelt_word_is_searched_as_the_closest_word_and_said_so():
    found = insights.find(library(), PRESET, "Northtown", text="apointment")
    assert found.respelled == "Showing results for appointment: no insight mentions apointment."
    assert found.total == 1 and "<mark>appointment</mark>" in found.cards[0]
    assert insights.find(library(), PRESET, "Northtown", text="appointment").respelled is None
