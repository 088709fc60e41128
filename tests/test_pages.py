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


# ---------- every word a page did not write itself is escaped before Streamlit renders it as Markdown

MARKDOWN_CALLS = {"markdown", "caption", "write", "info", "warning", "success", "error", "title", "header",
                  "subheader", "toast", "metric", "expander", "tabs"}
MARKDOWN_KEYWORDS = {"body", "label", "value", "help", "delta"}
# Markdown wpc writes itself on purpose: the About page shows docs/methods.md and the data's provenance.
# Plans' links are built by the view from URL-encoded parameters, so they hold no Markdown.
OWN_MARKDOWN = {("about.py", "view.measures"), ("about.py", "view.methods"), ("about.py", "view.provenance"),
                ("plans.py", 'f"[Search the insight library for this plan]({plan.insight_link})"'),
                ("plans.py", 'f"[See every cold spot on the map]({plan.coverage_link})"')}


def _escaped(node: ast.AST) -> bool:
    """Whether an expression can only be text the page wrote or text passed through
    widgets.escape_markdown: literals, constants (UPPER_CASE names), escape_markdown(...),
    and f-strings, joins, concatenations and conditionals made only of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(part, ast.Constant) or _escaped(part.value) for part in node.values)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "escape_markdown":
            return True
        if name == "join" and isinstance(node.func.value, ast.Constant) and len(node.args) == 1:
            parts = node.args[0]
            return isinstance(parts, (ast.GeneratorExp, ast.ListComp)) and _escaped(parts.elt)
        return False
    if isinstance(node, (ast.Name, ast.Attribute)):
        return (node.id if isinstance(node, ast.Name) else node.attr).isupper()
    if isinstance(node, ast.BinOp):
        return _escaped(node.left) and _escaped(node.right)
    if isinstance(node, ast.IfExp):
        return _escaped(node.body) and _escaped(node.orelse)
    return False


def unescaped_markdown(path) -> list[str]:
    """The arguments of Markdown-rendering Streamlit calls in a script that may carry text the
    page did not write and did not escape, as source text with line numbers."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_CALLS):
            continue
        arguments = list(node.args) + [k.value for k in node.keywords if k.arg in MARKDOWN_KEYWORDS]
        for argument in arguments:
            text = ast.get_source_segment(source, argument)
            if not _escaped(argument) and (path.name, text) not in OWN_MARKDOWN:
                found.append(f"line {argument.lineno}: {text}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_escapes_every_word_it_did_not_write(page):
    """Names, sentences and counts from the views pass through widgets.escape_markdown before
    st.markdown, st.caption, st.metric and the like: a hidden count '*' then stays '*' instead of
    becoming a bullet, and an uploaded title cannot become a link or a heading."""
    assert unescaped_markdown(page) == []


def test_the_markdown_check_sees_data_text_rendered_unescaped(tmp_path):
    old = tmp_path / "old.py"
    old.write_text(
        "import streamlit as st\nfrom wpc.ui import widgets\n"
        "st.warning('\\n'.join(f'- {w}' for w in view.warnings))\n"
        "st.markdown(view.sentence)\nst.title(f'Overview: {view.name}')\n"
        "column.metric(figure.label, figure.value, help=figure.help)\n"
        "st.markdown(widgets.escape_markdown(view.sentence))\n"
        "st.caption(f'**{widgets.escape_markdown(x)}**')\n",
        encoding="utf-8")
    assert unescaped_markdown(old) == [
        "line 3: '\\n'.join(f'- {w}' for w in view.warnings)", "line 4: view.sentence",
        "line 5: f'Overview: {view.name}'", "line 6: figure.label", "line 6: figure.value",
        "line 6: figure.help"]
