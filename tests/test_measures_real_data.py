"""The measures on the real reference data (IMD 2025, Census 2021, all three presets) with
seeded synthetic engagement: every preset and place gives a complete report, and the numbers
agree with an independent computation in pandas straight from the tables."""

import json

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from tests.engagement_rows import fill_synthetic, measure
from tests.test_cli_report import assert_contract
from wpc import db
from wpc.cli import app
from wpc.measures import Scope, area_rates, build_report, reach
from wpc.presets import builtin_presets


@pytest.fixture(scope="module")
def real_db(reference_db, tmp_path_factory):
    """A private copy of the real reference database with 6,000 synthetic participant rows
    over 300 activities spread across the three ICSs."""
    import shutil

    path = tmp_path_factory.mktemp("real") / "wpc.duckdb"
    shutil.copy(reference_db, path)
    with db.writing(path) as con:
        fill_synthetic(con, ("sel", "mse", "hw"), rows=6000, activities=300, seed=11)
    return path


SCOPES = [(p.id, None) for p in builtin_presets()] + [
    (p.id, place) for p in builtin_presets() for place in p.place_names]


@pytest.mark.parametrize("preset, place", SCOPES, ids=[f"{p}-{pl or 'ICS'}" for p, pl in SCOPES])
def test_every_preset_and_place_gives_every_key(real_db, preset, place):
    report = measure(real_db, build_report, scope=Scope.parse(preset, place, today="2026-03-31"))
    assert_contract(report)
    assert report["scope"]["residents"] > 100_000
    assert report["gradient"]["deciles_present"] >= 5


def test_cli_json_on_real_data_for_another_preset(real_db):
    result = CliRunner().invoke(app, ["report", "--db", str(real_db), "--preset", "mse", "--place", "Thurrock",
                                      "--json", "--publish"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_contract(report)
    assert report["scope"]["ics"] == "Mid and South Essex"
    assert all(v == "*" or v % 5 == 0 for v in report["participants"].values())


def test_core20_reach_agrees_with_pandas_straight_from_the_tables(real_db):
    with db.reading(real_db) as con:
        people = con.execute("select activity_id, lsoa21cd from participants").df()
        activities = con.execute("select activity_id, preset, place from activities").df()
        lsoas = con.execute("select lsoa21cd, preset, place, core20, population from ref_lsoa").df()
    # Lambeth residents at any South East London activity
    sel_people = people.merge(activities[activities["preset"] == "sel"], on="activity_id")
    residents = sel_people.merge(lsoas[lsoas["place"] == "Lambeth"], on="lsoa21cd", suffixes=("", "_home"))
    core20 = int(residents["core20"].sum())
    known = len(residents)
    lambeth = lsoas[lsoas["place"] == "Lambeth"]
    population_share = lambeth.loc[lambeth["core20"], "population"].sum() / lambeth["population"].sum()

    got = measure(real_db, reach, scope=Scope.parse("sel", "Lambeth"), dimension="imd_quintile",
                  disclosure="off").iloc[0]
    low, high = proportion_confint(core20, known, method="wilson")
    assert got["engaged"] == core20
    assert got["engaged_share"] == pytest.approx(core20 / known)
    assert got["population_share"] == pytest.approx(population_share)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), abs=1e-6)


def test_area_counts_add_up_across_levels(real_db):
    scope = Scope.parse("mse")
    with db.reading(real_db) as con:
        lsoa = area_rates(con, scope, "lsoa", "off")
        msoa = area_rates(con, scope, "msoa", "off")
        place = area_rates(con, scope, "place", "off")
        census_residents = con.execute("select sum(population) from ref_lsoa where preset = 'mse'").fetchall()[0][0]
        report = build_report(con, scope, "off")
    known = report["participants"]["known_area"]
    assert lsoa["participants"].sum() == msoa["participants"].sum() == place["participants"].sum() == known
    assert lsoa["population"].sum() == place["population"].sum() == census_residents
    assert list(place["area_name"]) == ["Thurrock", "South East Essex", "Basildon and Brentwood", "Mid Essex"]
    assert pd.Series(lsoa["imd_rank"]).is_monotonic_increasing


def test_census_baselines_come_from_each_dimensions_own_table(real_db):
    # carers are residents aged 5+ (TS039), so the carer baseline total is smaller than TS007A's
    with db.reading(real_db) as con:
        by_table = dict(con.execute(
            "select dimension, sum(ref_census_population.population) from ref_census_population "
            "inner join ref_lsoa using (lsoa21cd) "
            "where ref_lsoa.place = 'Lewisham' group by dimension").fetchall())
    table = measure(real_db, reach, scope=Scope.parse("sel", "Lewisham"), dimension="carer", disclosure="off")
    carers = table.set_index("category")
    assert carers.loc["yes", "population_share"] + carers.loc["no", "population_share"] == pytest.approx(1.0)
    assert by_table["carer"] < by_table["age_band"]
