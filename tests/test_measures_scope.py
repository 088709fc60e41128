"""Scopes: what people type, checked against the database with clear messages."""

import datetime as dt

import pytest

from wpc import db
from wpc.measures.scope import Scope, ScopeError, parse_date, resolve


def test_dates_are_read_in_iso_and_uk_forms():
    assert parse_date("2025-04-01", "x") == dt.date(2025, 4, 1)
    assert parse_date("01/04/2025", "x") == dt.date(2025, 4, 1)
    assert parse_date(" ", "x") is None
    assert parse_date(None, "x") is None


@pytest.mark.parametrize("text", ["2025-13-01", "31/02/2025", "next week", "2025/04/01", "1.4.2025"])
def test_malformed_dates_are_refused_with_the_value_and_the_forms(text):
    with pytest.raises(ScopeError) as error:
        Scope.parse("toy", date_from=text)
    assert repr(text) in str(error.value)
    assert "YYYY-MM-DD or DD/MM/YYYY" in str(error.value)


def test_a_reversed_period_is_refused():
    with pytest.raises(ScopeError, match="reversed"):
        Scope.parse("toy", date_from="2025-06-01", date_to="2025-05-31")


def test_blanks_mean_no_filter():
    scope = Scope.parse("toy", place=" ", programme="", method=None)
    assert scope.place is None and scope.programme is None and scope.method is None


def test_resolve_canonicalises_place_and_filters(tiny_db):
    with db.reading(tiny_db) as con:
        resolved = resolve(con, Scope.parse(
            "toy", place="northTOWN", method="Focus Group", clinical_area="Maternity",
            target_group="People experiencing homelessness", programme="  Diabetes ", today="2025-07-01"))
    assert resolved.scope.place == "Northtown"
    assert resolved.scope.method == "focus group"
    assert resolved.scope.clinical_area == "maternity"
    assert resolved.scope.target_group == "homeless"
    assert resolved.scope.programme == "Diabetes"
    assert resolved.name == "Northtown"
    assert resolved.threshold == 7
    assert resolved.today == dt.date(2025, 7, 1)


def test_the_fatigue_window_ends_at_the_period_end_else_today(tiny_db):
    with db.reading(tiny_db) as con:
        open_ended = resolve(con, Scope.parse("toy", today="2025-07-01"))
        bounded = resolve(con, Scope.parse("toy", date_to="2025-03-31", today="2025-07-01"))
    # 90 days ending on the end date, both inclusive
    assert open_ended.window_end == dt.date(2025, 7, 1)
    assert open_ended.window_start == dt.date(2025, 7, 1) - dt.timedelta(days=89)
    assert bounded.window_end == dt.date(2025, 3, 31)


def test_unknown_place_preset_and_filter_values_are_named(tiny_db):
    with db.reading(tiny_db) as con:
        with pytest.raises(ScopeError) as error:
            resolve(con, Scope.parse("toy", place="Atlantis"))
        assert "'Atlantis' is not a place of Toyshire" in str(error.value)
        assert "Northtown, Southtown" in str(error.value)
        with pytest.raises(ScopeError, match="no preset 'nope'"):
            resolve(con, Scope.parse("nope"))
        with pytest.raises(ScopeError, match="not a known method"):
            resolve(con, Scope.parse("toy", method="carrier pigeon"))
        with pytest.raises(ScopeError, match="not a known clinical area"):
            resolve(con, Scope.parse("toy", clinical_area="dentistry"))
        with pytest.raises(ScopeError, match="not a known target group"):
            resolve(con, Scope.parse("toy", target_group="astronauts"))


def test_scope_is_hashable_for_the_page_cache():
    assert hash(Scope.parse("toy", "Northtown", "2025-01-01")) == hash(
        Scope.parse("toy", "Northtown", dt.date(2025, 1, 1)))
