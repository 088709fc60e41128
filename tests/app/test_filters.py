"""The sidebar's period and activity filters: offered from the data, kept in the URL, passed to measures."""

from __future__ import annotations

import datetime as dt

import duckdb

from tests.engagement_rows import Engagement
from wpc.measures.scope import Scope


def add_activities(db_path):
    con = duckdb.connect(str(db_path))
    rows = Engagement(con, preset="toy")
    rows.activity("A1", method="survey", programme="Diabetes", clinical_areas=["diabetes"],
                  target_groups=["core20", "homeless"], organisation="Toyshire ICB")
    rows.activity("A2", place="Southtown", method="outreach", programme="Maternity")
    con.close()


def test_filters_come_from_the_url_and_reach_the_measure_scope(app_at, tiny_db):
    add_activities(tiny_db)
    at = app_at(tiny_db, place="Northtown", method="outreach", programme="Diabetes",
                **{"from": "2025-04-01", "to": "2026-03-31"}).run()
    assert not at.exception
    assert at.selectbox(key="method").options == ["Any", "Outreach", "Survey"]
    assert at.selectbox(key="target_group").options == ["Any", "Core20", "People experiencing homelessness"]
    assert at.session_state["_measure_scope"] == Scope(
        preset="toy", place="Northtown", date_from=dt.date(2025, 4, 1), date_to=dt.date(2026, 3, 31),
        method="outreach", programme="Diabetes",
    )
    at.selectbox(key="method").set_value("Any").run()
    assert "method" not in at.query_params  # a filter at its default stays out of the shared link
    assert at.query_params["programme"] == "Diabetes" and at.query_params["from"] == "2025-04-01"


def test_a_value_not_in_the_data_is_ignored_and_reversed_dates_are_explained(app_at, tiny_db):
    add_activities(tiny_db)
    at = app_at(tiny_db, method="séance", **{"from": "2026-01-01", "to": "2025-01-01"}).run()
    assert not at.exception
    assert at.session_state["_measure_scope"].method is None
    assert at.session_state["_measure_scope"].date_to is None
    assert "The period is reversed" in at.sidebar.error[0].value
