"""The page scripts stay thin: each is under 120 lines, imports no `wpc` module but `wpc.views`
and `wpc.ui`, and applies no access rule itself (the views do, below the pages); and the
folder they live in is not one Streamlit would serve on its own."""

from __future__ import annotations

import ast
import re

import pytest

from wpc import access
from wpc.config import ROOT

PAGE_DIR = ROOT / "app_pages"
PAGES = sorted(PAGE_DIR.glob("*.py"))
ACCESS_NAMES = {name for name in dir(access.Access) if not name.startswith("_")} | {
    "only_my_places", "only_my_rows", "record_places", "limit", "limit_rows", "records_name",
}


def test_every_page_script_is_registered_in_the_router():
    registered = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert sorted(registered) == sorted(f"app_pages/{p.name}" for p in PAGES) and len(PAGES) >= 9


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_script_is_short(page):
    assert len(page.read_text(encoding="utf-8").splitlines()) < 120


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_script_imports_only_the_views_and_the_ui(page):
    tree = ast.parse(page.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    from_wpc = {m for m in modules if m == "wpc" or m.startswith("wpc.")}
    assert from_wpc and from_wpc <= {"wpc.views", "wpc.ui"}, from_wpc


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_script_applies_no_access_rule(page):
    """Access is applied in the view builders (wpc.views.parts.limit -> Access.limit): a page
    only hands the person's access on (state.current_access()) and calls no rule of it."""
    tree = ast.parse(page.read_text(encoding="utf-8"))
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    called |= {node.func.id for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & ACCESS_NAMES, called & ACCESS_NAMES


def test_the_check_sees_a_page_that_breaks_the_rules(tmp_path):
    """The three checks above on a page written the old way (a measure called from the page,
    the access rule applied in it) fail."""
    old = tmp_path / "old.py"
    old.write_text("from wpc import measures\nfrom wpc.ui import state\n"
                   "spots = state.only_my_places(measures.cold_spots(None, None))\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        test_a_page_script_imports_only_the_views_and_the_ui(old)
    with pytest.raises(AssertionError):
        test_a_page_script_applies_no_access_rule(old)


def test_there_is_no_pages_folder_beside_the_entrypoint():
    """Streamlit 1.67 runs a fresh server's first request (and every AppTest run) as a legacy
    multipage app when a pages/ folder sits beside app.py: a first link to /activities then ran
    that script without app.py's frame, so without login or access checks (README, Where things
    live)."""
    assert not (ROOT / "pages").exists()
