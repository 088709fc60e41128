"""Core20 reach of every place from one build of the ICS's scope tables (measures.core20_places)
equals Core20 reach measured place by place (measures.core20 with the place's own scope), the
independent route, on every preset's demo data: with and without a period and an activity
filter, in every disclosure mode. The demo has individual rows with known, unknown and
out-of-area homes, aggregated returns of IMD quintiles and headcount-only activities; a
Lambeth activity whose returns give home LSOAs in Lambeth, Southwark and Kent (and leave part
of its headcount unplaced) is added, so every way a person reaches a place's count is exercised."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import duckdb
import pytest

from wpc import db
from wpc.measures import core20, core20_places
from wpc.measures.scope import Scope
from wpc.presets import load_preset

from tests.engagement_rows import write

SCOPES = {
    "all activities": {},
    "one quarter": {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 3, 31)},
    "outreach only": {"method": "outreach"},
}


@pytest.fixture(scope="module")
def places_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("core20_places") / "wpc.duckdb"
    shutil.copy(demo_db, path)

    def lsoa(where):
        with db.reading(path) as con:
            return con.execute(f"select lsoa21cd from ref_lsoa where {where} order by imd_rank limit 1").fetchall()[0][0]

    homes = {lsoa("preset = 'sel' and place = 'Lambeth'"): 40, lsoa("preset = 'sel' and place = 'Southwark'"): 25,
             lsoa("preset is distinct from 'sel'"): 6, "unknown": 9}

    def fill(rows):
        rows.preset = "sel"
        rows.activity("LSOA-RETURNS", place="Lambeth", start="2025-02-10", method="outreach",
                      participants_total=100)
        rows.returns("LSOA-RETURNS", "lsoa_code", homes)

    write(path, fill)
    return path


def test_the_demo_exercises_every_route_into_a_place(places_db):
    con = duckdb.connect(str(places_db), read_only=True)
    try:
        def one(sql):
            return con.execute(sql).fetchall()[0][0]

        assert one("select count(*) from participants where lsoa21cd is null") > 0
        assert one("select count(distinct activity_id) from returns where dimension = 'lsoa_code'") > 0
        assert one("select count(distinct activity_id) from returns where activity_id not in "
                   "(select activity_id from returns where dimension = 'lsoa_code') "
                   "and dimension = 'imd_quintile'") > 0
        assert one("select count(*) from activities where participants_total is not null and activity_id "
                   "not in (select activity_id from returns) and activity_id not in "
                   "(select activity_id from participants)") > 0
        assert one("select count(*) from activities where method = 'outreach'") > 0
    finally:
        con.close()


@pytest.mark.parametrize("disclosure", ["off", "suppress", "publish"])
@pytest.mark.parametrize("scope_name", list(SCOPES))
@pytest.mark.parametrize("preset", ["sel", "mse", "hw"])
def test_every_place_equals_its_own_scope(places_db, preset, scope_name, disclosure):
    scope = Scope(preset=preset, today=dt.date(2025, 10, 1), **SCOPES[scope_name])
    with db.reading(places_db) as con:
        at_once = core20_places(con, scope, disclosure)
    places = load_preset(preset).place_names
    assert list(at_once) == places
    with db.reading(places_db) as con:  # another connection: nothing shared with the ICS build above
        for place in places:
            alone = core20(con, replace(scope, place=place), disclosure)
            assert at_once[place] == pytest.approx(alone, nan_ok=True), place
    assert any(row["engaged"] not in (0, "*") for row in at_once.values())
