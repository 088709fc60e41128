"""Only the pages app.py registers are served, each inside app.py's frame: a link to a page
script's file name, to a page that does not exist, or to the folder the scripts live in opens
the Overview with Streamlit's "Page not found", and a path into that folder serves no app at
all; never a script on its own (with no login and no sidebar). Checked on a fresh server, whose
first request is the one that matters."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import running_app, wait_for_app
from wpc.config import ROOT

pytestmark = pytest.mark.e2e

# the menu's pages: every st.Page in app.py but the hidden one that forwards /overview
TITLES = [title for title, rest in re.findall(r'st\.Page\([^)]*?title="([^"]+)"([^)]*)\)',
                                              (ROOT / "app.py").read_text(encoding="utf-8"), re.S)
          if 'visibility="hidden"' not in rest]


def sidebar_pages(page) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] a")
    return [text.split("\n")[-1].strip() for text in links.all_inner_texts()]


@pytest.mark.parametrize("path", ["activities", "overview?place=Lewisham", "place_coverage", "app_pages", "pages",
                                  "nowhere"])
def test_a_fresh_server_serves_only_registered_pages(page, demo_db, path):
    with running_app(demo_db) as base:
        page.goto(f"{base}/{path}")  # the first request this server answers
        wait_for_app(page)
        page.locator("h1, [data-testid='stException']").first.wait_for()  # a page, or a script failing
        assert page.get_by_test_id("stException").count() == 0
        heading = page.get_by_role("heading", level=1).first.inner_text()
        assert sidebar_pages(page) == TITLES and len(TITLES) == 12  # the router's menu, nothing else
        page.get_by_role("combobox", name="Place", exact=True).wait_for()  # inside the frame
        if path == "activities":  # a registered page, by its own address
            assert heading.startswith("Activity log and feedback loop")
            assert page.get_by_text("Page not found").count() == 0
        elif path.startswith("overview"):  # typed by hand: forwarded to the Overview, place kept
            assert heading.startswith("Overview") and "Lewisham" in heading and "place=Lewisham" in page.url
            assert page.get_by_text("Page not found").count() == 0
        else:
            assert heading.startswith("Overview")
            page.get_by_text("Page not found").wait_for()


def test_a_path_into_the_page_folder_serves_no_page(page, demo_db):
    with running_app(demo_db) as base:
        page.goto(f"{base}/app_pages/activities.py")
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("stApp").count() == 0
        assert "Activity log" not in page.content()
