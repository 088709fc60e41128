"""The benchmark's parts (bench/): presets for every ICS, the national-scale generator and the
pandas baseline. The benchmark itself is timed by `bench/run`, never here; these tests check,
on tiny data, that what it measures is right: the generated files are valid uploads, the same
seed gives the same files, and the pandas baseline gives the same numbers as wpc."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from bench import baseline, generate, presets
from wpc import db
from wpc.config import ROOT, load_settings
from wpc.ingest import load
from wpc.measures import Scope, build_report
from wpc.presets import builtin_presets, load_preset

TODAY = dt.date(2026, 4, 1)


def _generate(db_path, folder, seed=3):
    return generate.generate(db_path, folder, activity_count=40, participant_rows=3000, rows_per_file=1000,
                             extra_rows=500, seed=seed)


@pytest.fixture
def toy_engagement(tiny_db, tmp_path):
    """Toyshire with generated engagement loaded through the real ingest path."""
    made = _generate(tiny_db, tmp_path / "files")
    settings = load_settings(db_path=tiny_db)
    # Synthetic people: a row without a ref that repeats another file's is another person.
    outcomes = [load.ingest(path, tiny_db, settings, allow_repeats=True)
                for path in [made.activities, *made.participants]]
    return tiny_db, made, outcomes


def test_one_preset_per_ics_covers_every_lsoa_in_england(tmp_path):
    paths = presets.write_presets(ROOT / "data" / "reference", tmp_path)
    generated = [load_preset(p) for p in paths]
    lookup = duckdb.connect().execute(
        "select lsoa21_code, lad24_code from read_csv($p, header = true, all_varchar = true)",
        {"p": str(ROOT / "data" / "reference" / presets.LOOKUP)}).df()
    # 42 ICBs; the three built-in presets cover three of them whole
    assert len(generated) == 42 - 3
    districts = [d for p in generated + builtin_presets() for place in p.places for d in place.districts]
    assert len(districts) == len(set(districts)), "a district is in two presets"
    assert set(districts) == set(lookup["lad24_code"])
    assert lookup["lad24_code"].isin(districts).all()
    assert all(len(place.districts) == 1 for p in generated for place in p.places)


def test_straddling_districts_go_to_the_icb_holding_most_of_their_lsoas(tmp_path):
    icbs = presets.ics_districts(ROOT / "data" / "reference")
    owner = {lad: icb["icb_code"] for icb in icbs for lad, _name, _n in icb["districts"]}
    counts = duckdb.connect().execute(
        "select lad24_code, icb24_code, count(*) as n from read_csv($p, header = true, all_varchar = true) "
        "where lad24_code = 'E06000065' group by all order by n desc",  # North Yorkshire: three ICBs
        {"p": str(ROOT / "data" / "reference" / presets.LOOKUP)}).fetchall()
    assert len(counts) == 3
    assert owner["E06000065"] == counts[0][1]


def test_generator_is_seeded_and_reproducible(tiny_db, tmp_path):
    first = _generate(tiny_db, tmp_path / "a")
    again = _generate(tiny_db, tmp_path / "b")
    other = _generate(tiny_db, tmp_path / "c", seed=4)
    for a, b in zip([first.activities, *first.participants, first.extra],
                    [again.activities, *again.participants, again.extra]):
        assert a.read_bytes() == b.read_bytes()
    assert first.participants[0].read_bytes() != other.participants[0].read_bytes()
    assert first.rows == 3000 and len(first.participants) == 3


def test_generated_files_are_valid_uploads(toy_engagement):
    db_path, _made, outcomes = toy_engagement
    assert [o.quarantined for o in outcomes] == [0, 0, 0, 0]
    assert [o.stored for o in outcomes] == [40, 1000, 1000, 1000]
    with db.reading(db_path) as con:
        places = dict(con.execute("select place, count(*) from activities group by all").fetchall())
        homes = dict(con.execute(
            "select home_area_status, count(*) from participants group by all").fetchall())
        elsewhere = con.execute(
            "select count(*) from participants join ref_lsoa using (lsoa21cd) where ref_lsoa.preset is null"
        ).fetchall()[0][0]
    assert set(places) == {"Northtown", "Southtown"}
    # postcodes mapped, LSOA codes given, homes not given, and postcodes the lookup lacks
    assert {"mapped_postcode", "lsoa_code", "not_given", "unmapped_postcode"} <= set(homes)
    assert sum(homes.values()) == 3000
    assert elsewhere > 0  # people living outside the ICS


@pytest.mark.parametrize("place", ["Northtown", "Southtown", None])
def test_pandas_baseline_gives_the_same_numbers_as_wpc(toy_engagement, place):
    db_path, _made, _outcomes = toy_engagement
    with db.reading(db_path) as con:
        tables = baseline.load_tables(con)
        report = build_report(con, Scope(preset="toy", place=place, today=TODAY), "off")
    ours = baseline.pandas_report(tables, "toy", place)
    assert baseline.differences(ours, baseline.core_of_report(report)) == []
    # and the comparison is not empty: every dimension, every LSOA and real counts
    assert set(ours["reach"]["dimension"]) == set(report_dimensions(report))
    assert len(ours["lsoa_rates"]) == report["scope"]["lsoas"]
    assert ours["participants"]["total"] > 100
    # Southtown's LSOAs are in four national deciles only: too few for a slope index
    assert (ours["gradient"]["sii"] is None) == (place == "Southtown")



def test_pandas_baseline_counts_plus_groups_from_age_and_home_area_as_wpc(tmp_path):
    """PLUS groups a person is in by age band or home area as well as by naming them
    (docs/methods.md section 2): the baseline counts them as wpc does; Northtown's first LSOA
    is rural, so the rural group has people in it and a census share."""
    from tests.fixtures.tiny_reference import default_lsoas, toy_preset, write_tiny_reference
    from wpc import reference

    lsoas = default_lsoas()
    lsoas[0].ruc = "RSN1"
    preset = toy_preset().model_copy(update={"plus_groups": ["homeless", "young_people", "older_people", "rural"]})
    path = tmp_path / "tiny.duckdb"
    reference.build(path, write_tiny_reference(tmp_path / "reference", lsoas), [preset], "toy")
    made = _generate(path, tmp_path / "files")
    settings = load_settings(db_path=path)
    for upload in [made.activities, *made.participants]:
        load.ingest(upload, path, settings, allow_repeats=True)
    for place in ("Northtown", None):
        with db.reading(path) as con:
            tables = baseline.load_tables(con)
            report = build_report(con, Scope(preset="toy", place=place, today=TODAY), "off")
        ours = baseline.pandas_report(tables, "toy", place)
        assert baseline.differences(ours, baseline.core_of_report(report)) == []
        groups = ours["reach"][ours["reach"]["dimension"] == "inclusion_group"].set_index("category")
        for code in ("young_people", "older_people", "rural"):
            assert groups.loc[code, "engaged"] > 0 and 0 < groups.loc[code, "population_share"] < 1


def report_dimensions(report: dict) -> set[str]:
    return {row["dimension"] for row in report["reach"]}


def test_differences_finds_a_wrong_number(toy_engagement):
    db_path, _made, _outcomes = toy_engagement
    with db.reading(db_path) as con:
        tables = baseline.load_tables(con)
        report = build_report(con, Scope(preset="toy", today=TODAY), "off")
    ours = baseline.pandas_report(tables, "toy", None)
    ours["participants"]["known_area"] += 1
    ours["reach"].loc[0, "ci_high"] += 1e-6
    ours["lsoa_rates"] = ours["lsoa_rates"].iloc[1:]
    found = baseline.differences(ours, baseline.core_of_report(report))
    assert any(f.startswith("participants.known_area") for f in found)
    assert any(".ci_high" in f for f in found)
    assert any(f.startswith("lsoa_rates: different rows") for f in found)


def test_baseline_statistics_against_independent_implementations():
    from scipy.stats import chi2
    from statsmodels.stats.proportion import proportion_confint

    for x, n in ((81, 263), (0, 40), (40, 40), (3, 1000)):
        assert baseline.wilson(x, n) == pytest.approx(proportion_confint(x, n, alpha=0.05, method="wilson"),
                                                      abs=1e-6)
    # Byar's approximation is within 1% of the exact Poisson limits for counts of 10 and more
    counts = np.array([10, 57, 400])
    low, high = baseline.byar(counts)
    assert low == pytest.approx(chi2.ppf(0.025, 2 * counts) / 2, rel=0.01)
    assert high == pytest.approx(chi2.ppf(0.975, 2 * counts + 2) / 2, rel=0.01)


def test_floor_query_aggregates_the_scope(toy_engagement):
    db_path, _made, _outcomes = toy_engagement
    with db.reading(db_path) as con:
        cells = baseline.floor_query(con, "toy", "Northtown")
        rows = con.execute(baseline.FLOOR_SQL, {"preset": "toy", "place": "Northtown"}).df()
    assert cells == len(rows) > 0
    assert rows["participants"].sum() > 0
