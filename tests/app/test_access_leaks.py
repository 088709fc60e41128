"""Login and access in the app: a place lead logged in for Lambeth sees none of Southwark's
record-level data on any page registered in app.py, through either view's URL (its fixtures are in
tests/app/conftest.py, the leak check in tests/app/access_checks.py). A file of its own so that its 2 x pages
runs go to another test worker than the rest of the access tests."""

from __future__ import annotations

import pytest

from tests.app.access_checks import LEAD, PAGES, VIEWS, leaks, run_page


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("page", PAGES)
def test_a_lambeth_lead_sees_no_southwark_records_on_any_page(session, access_db, southwark, page, view):
    params = VIEWS[view]
    at = session(access_db, LEAD, place=params["place"])
    # the whole ICS's packs are read by test_access_pages.test_the_workshop_packs_hold_only_lambeth_records
    text, _downloads = run_page(at, page, packs=view == "Lambeth", **{k: v for k, v in params.items() if k != "place"})
    assert leaks(text, southwark, page) == {}
    # the person and the place actually shown
    assert f"({LEAD})" in text
    assert at.selectbox(key="place").value == ("Lambeth" if view == "Lambeth" else "All places")
    assert at.selectbox(key="place").options == ["All places", "Lambeth"]
    assert at.selectbox(key="preset").options == ["South East London"]
