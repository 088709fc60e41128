"""Formats and the scope on every page (docs/dashboard.md, "Formats" and "The scope always in view").

Every page is opened on the demo database twice (the whole ICS, then one place and period) and
every table it shows is read as the browser would draw it: no cell may read "None" or "nan", no
date may be ISO text, no column title may be an internal snake_case name. A filtered page names
its place, period and filter under its title; the filter lists offer only what the chosen place
and period hold; downloads are named after the scope."""

from __future__ import annotations

import json
import re
from unittest import mock

import duckdb
import pandas as pd
import pytest
from streamlit.elements.widgets import button

from tests.app.access_checks import PAGES, unescape
from tests.conftest import DEMO_END
from wpc.measures.scope import FILTERS
from wpc.vocab import CLINICAL_AREAS

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
RAW_MISSING = {"None", "nan", "NaN", "NaT", "<NA>", "null"}
UK_DATE_FORMATS = {"D MMM YYYY", "D MMM YYYY, HH:mm"}
PLACE_RUN = {"place": "Lewisham", "from": "2025-04-01", "to": DEMO_END}


def open_page(app_at, db_path, page: str, **params):
    at = app_at(db_path, **params).run()
    assert not at.exception, at.exception
    if page != PAGES[0]:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def problems(table) -> list[str]:
    """What a dataframe element would show wrongly in the browser: missing cells drawn as
    "None" (no "—" placeholder), "None"/"nan" text, ISO dates (as text, or as dates without a
    UK format), snake_case column titles, method names without a capital."""
    frame, proto = table.value, table.proto
    config = json.loads(proto.columns or "{}")
    found = []
    for column in frame.columns:
        settings = config.get(str(column), {})
        title = settings.get("label") or str(column)
        if SNAKE_CASE.match(title):
            found.append(f"column title {title!r}")
        values = frame[column]
        if values.dtype.kind == "M":
            date_format = settings.get("type_config", {}).get("format")
            if date_format not in UK_DATE_FORMATS:
                found.append(f"{title}: dates shown as {date_format or 'ISO'}")
        for value in values:
            missing = value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value) is True)
            if missing and proto.placeholder != "—":
                found.append(f"{title}: a missing value shown as 'None'")
            elif isinstance(value, str) and (value.strip() in RAW_MISSING or ISO_DATE.search(value)):
                found.append(f"{title}: {value!r}")
            elif title == "Method" and isinstance(value, str) and value[:1].islower():
                found.append(f"method name without a capital: {value!r}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[-1][:-3])
def test_every_table_on_a_page_is_written_for_people(app_at, demo_db, page):
    shown = []
    for params in ({}, PLACE_RUN):
        at = open_page(app_at, demo_db, page, **params)
        for table in at.dataframe:
            shown += problems(table)
    assert not shown, sorted(set(shown))[:20]


def test_a_missing_value_is_explained_under_its_table(app_at, demo_db):
    """Partners in Bromley: a partner type whose Core20 count is hidden has no share; the cell
    shows "—" and the legend under the table says what it means."""
    at = open_page(app_at, demo_db, "app_pages/partners.py", place="Bromley")
    table = at.dataframe[0]
    assert table.value.isna().any().any() and table.proto.placeholder == "—"
    assert any(c.value.startswith("— : not known") for c in at.caption)


def test_a_filtered_page_names_its_place_period_and_filters_under_its_title(app_at, demo_db):
    at = open_page(app_at, demo_db, "app_pages/reach_gaps.py", programme="Mental health",
                   clinical_area="smi", **PLACE_RUN)
    assert at.title[0].value == "Reach gaps: Lewisham"
    scope_line = unescape(at.markdown[0].value)
    assert scope_line == (f":material/filter_alt: Lewisham (South East London) · 1 Apr 2025 to 30 Sep 2025 · "
                          f"Programme: Mental health · Clinical area: {CLINICAL_AREAS['smi']}")
    filters = at.sidebar.expander[0]
    assert filters.label == "Period and activity filters · 4 on" and filters.proto.expanded
    at.sidebar.button(key="clear_filters").click().run()
    assert not at.exception
    assert unescape(at.markdown[0].value) == ":material/filter_alt: Lewisham (South East London) · All dates"
    assert not set(at.query_params) & {"from", "to", *FILTERS}  # the shared link loses every filter too
    assert at.sidebar.expander[0].label == "Period and activity filters"
    assert not at.sidebar.button  # nothing left to clear


def test_a_page_the_period_does_not_narrow_says_so(app_at, demo_db):
    at = open_page(app_at, demo_db, "app_pages/population.py", programme="Mental health", **PLACE_RUN)
    assert unescape(at.markdown[0].value) == (
        ":material/filter_alt: Lewisham (South East London) (the sidebar's period and activity filters do "
        "not apply here)")


def test_filter_lists_offer_only_what_the_place_and_period_hold(app_at, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def organisations(where: str) -> set[str]:
            return {row[0] for row in con.execute(
                f"select distinct organisation from activities where preset = 'mse' and {where}").fetchall()}

        thurrock = organisations("place = 'Thurrock'")
        basildon_only = organisations("place = 'Basildon and Brentwood'") - thurrock
        first_half = organisations("place = 'Thurrock' and start_date between '2025-01-01' and '2025-03-31'")
    finally:
        con.close()
    assert basildon_only and first_half < thurrock  # the data can tell the limits apart

    at = app_at(demo_db, preset="mse", place="Thurrock").run()
    offered = set(at.selectbox(key="organisation").options) - {"Any"}
    assert offered == thurrock and not offered & basildon_only
    at = app_at(demo_db, preset="mse", place="Thurrock", **{"from": "2025-01-01", "to": "2025-03-31"}).run()
    assert set(at.selectbox(key="organisation").options) - {"Any"} == first_half


def test_a_chosen_value_outside_the_place_stays_chosen_and_shown(app_at, demo_db):
    """A shared link's filter is never dropped unseen: Thurrock is opened with a Basildon
    council's activities chosen; it stays in the list and in the scope (and shows nothing)."""
    at = app_at(demo_db, preset="mse", place="Thurrock", organisation="Basildon and Brentwood Council").run()
    assert not at.exception
    assert at.selectbox(key="organisation").value == "Basildon and Brentwood Council"
    assert at.session_state["_measure_scope"].organisation == "Basildon and Brentwood Council"
    assert "Organisation: Basildon and Brentwood Council" in unescape(at.markdown[0].value)


class FileNames:
    """Records the file name of every download button drawn, without making the file."""

    def __init__(self):
        self.names: list[str] = []
        self._original = button.marshall_file

    def __call__(self, coordinates, data, proto, mimetype, file_name=None, **kwargs):
        self.names.append(file_name)
        return self._original(coordinates, b"", proto, mimetype, file_name, **kwargs)


def test_downloads_are_named_after_the_place_period_and_filters(app_at, demo_db):
    names = FileNames()
    with mock.patch.object(button, "marshall_file", names):
        open_page(app_at, demo_db, "app_pages/workshop.py", programme="Mental health", **PLACE_RUN)
        open_page(app_at, demo_db, "app_pages/activities.py", programme="Mental health", **PLACE_RUN)
    scope = "lewisham-2025-04-01-to-2025-09-30-mental-health"
    assert {f"wpc-pack-{scope}.{kind}" for kind in ("pdf", "pptx", "html")} <= set(names.names)
    assert f"wpc-activity-log-{scope}.csv" in names.names and f"wpc-activity-log-{scope}.xlsx" in names.names
    assert all(name.endswith((f"{scope}.csv", f"{scope}.xlsx", f"{scope}.png", f"{scope}.pdf",
                              f"{scope}.pptx", f"{scope}.html")) for name in names.names), names.names
