"""A place lead searches the insight library before commissioning engagement: types a word,
sees ranked results with the matches highlighted (plurals too), narrows by theme, and shares
the link. The real app on the demo database, in headless Chromium, with no internet."""

from __future__ import annotations

import re

import duckdb
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import rerun_by, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

THEME = "getting an appointment"


@pytest.fixture(scope="module")
def app_url(demo_db):
    with running_app(demo_db) as base:
        yield base


def expected_count(demo_db, theme: str | None = None) -> int:
    """Insights of Lambeth saying "appointment" or "appointments", counted with a regular
    expression rather than the search index (those given no place are shown apart)."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return con.execute(
            "select count(*) from insights where preset = 'sel' and place = 'Lambeth' "
            "and regexp_matches(lower(concat_ws(' ', summary, quote, array_to_string(themes, ' '), "
            "source_title)), '\\bappointments?\\b') and ($theme is null or list_contains(themes, $theme))",
            {"theme": theme},
        ).fetchall()[0][0]
    finally:
        con.close()


def found_sentence(page):
    return page.get_by_text(re.compile(r"insights? in Lambeth .*mentions? appointment"))


def test_search_highlight_narrow_and_share(page, app_url, demo_db):
    page.goto(f"{app_url}/insights?preset=sel&place=Lambeth")
    wait_for_app(page)
    page.get_by_role("heading", name="Insight library: Lambeth").wait_for()
    box = page.get_by_role("textbox", name="Search what people told us")
    box.fill("appointment")
    rerun_by(page, lambda: box.press("Enter"))
    sentence = found_sentence(page)
    sentence.wait_for()
    total = expected_count(demo_db)
    assert sentence.inner_text().startswith(f"{total} insights in Lambeth mention appointment")
    page.get_by_role("heading", name="South East London-wide insights (no place given)").wait_for()
    page.wait_for_function("() => location.search.includes('q=appointment')")

    marks = page.locator("mark")
    marks.first.wait_for()
    marked = {text.strip().lower() for text in marks.all_inner_texts()}
    assert marked <= {"appointment", "appointments"} and "appointments" in marked  # the plural found too
    colour = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour == "rgb(255, 255, 0)"  # black on yellow: 19.6:1 contrast
    screenshot(page, "insights-1-search")

    # a long list: type to narrow it, then pick
    page.get_by_role("combobox", name="Theme", exact=True).click()
    page.keyboard.type(THEME)
    rerun_by(page, page.get_by_role("option", name=THEME, exact=True).click)
    narrowed = expected_count(demo_db, THEME)
    assert 0 < narrowed < total
    found_sentence(page).filter(has_text=f"{narrowed} insight").wait_for()
    page.wait_for_function("() => location.search.includes('theme=')")
    page.locator("mark").first.scroll_into_view_if_needed()
    screenshot(page, "insights-2-theme")
    shared = page.url

    other = page.context.new_page()
    other.goto(shared)
    wait_for_app(other)
    found_sentence(other).filter(has_text=f"{narrowed} insight").wait_for()
    # the box is drawn first and filled from the link a moment later
    expect(other.get_by_role("textbox", name="Search what people told us")).to_have_value("appointment")
    screenshot(other, "insights-3-shared-link")
    other.close()
    assert page.external_requests == []
