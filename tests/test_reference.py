"""`wpc init`: the reference tables match the shipped files, rebuilds are stable, bad files are named."""

from __future__ import annotations

import gzip
import math
import shutil

import duckdb
import pandas as pd
import pytest

from tests import reference_files as files
from tests.fixtures.tiny_reference import toy_preset, write_tiny_reference
from wpc import reference
from wpc.presets import PresetError, builtin_presets, load_preset


def read(db_path, sql, params=None):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).df()
    finally:
        con.close()


def test_england_has_every_lsoa_of_the_imd_file(reference_db):
    assert read(reference_db, "select count(*) n from ref_lsoa")["n"][0] == len(files.imd()) == 33_755


@pytest.mark.parametrize("preset", builtin_presets(), ids=lambda p: p.id)
def test_lsoa_count_per_place_matches_lookup_file(reference_db, preset):
    lookup = files.lookup()
    built = read(
        reference_db, "select place, count(*) n from ref_lsoa where preset = $p group by place", {"p": preset.id}
    ).set_index("place")["n"].to_dict()
    expected = {place.name: int(lookup["lad24_code"].isin(place.districts).sum()) for place in preset.places}
    assert built == expected
    # Independently: the preset's districts are exactly its ICB's LSOAs in the ONS lookup.
    assert sum(expected.values()) == int((lookup["icb24_code"] == preset.icb_code).sum())


def test_preset_lsoa_totals_are_those_in_the_provenance(reference_db):
    counts = read(reference_db, "select preset, count(*) n from ref_lsoa where preset is not null group by 1")
    assert dict(zip(counts["preset"], counts["n"])) == {"sel": 1040, "mse": 720, "hw": 491}


def test_quintile_is_ceiling_of_half_the_decile_and_core20_is_deciles_1_and_2(reference_db):
    rows = read(reference_db, "select imd_decile, imd_quintile, core20, count(*) n from ref_lsoa group by all")
    for decile, quintile, core20 in zip(rows["imd_decile"], rows["imd_quintile"], rows["core20"]):
        assert quintile == math.ceil(decile / 2)
        assert core20 == (decile <= 2)
    assert sorted(rows["imd_decile"]) == list(range(1, 11))
    mapping = dict(zip(rows["imd_decile"], rows["imd_quintile"]))
    assert mapping == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5, 10: 5}
    # 6,751 Core20 LSOAs nationally, as the IMD file's own core20 flag says.
    assert rows.loc[rows["core20"], "n"].sum() == int(files.imd()["core20"].sum()) == 6751


def test_ref_lsoa_carries_imd_values_unchanged(reference_db):
    jaywick = read(reference_db, "select * from ref_lsoa where imd_rank = 1")
    assert jaywick["lsoa21cd"][0] == "E01021988"
    assert jaywick["imd_score"][0] == pytest.approx(94.223)
    assert jaywick["preset"][0] is None or pd.isna(jaywick["preset"][0])  # Tendring is not in a preset


def test_population_is_ts007a_usual_residents(reference_db):
    built = read(reference_db, "select lsoa21cd, population from ref_lsoa order by lsoa21cd")
    age = files.census("age").sort_values("lsoa21_code")
    assert built["population"].tolist() == age["total_usual_residents"].tolist()
    assert built["population"].sum() == 56_490_091


def test_census_baselines_agree_with_the_files_own_totals(reference_db):
    """Each dimension's categories add up to its table's totals (group totals the build never read)."""
    built = read(
        reference_db,
        "select dimension, category, sum(population) n from ref_census_population group by all",
    ).set_index(["dimension", "category"])["n"]
    ethnicity = files.census("ethnicity")
    for group in ("asian", "black", "mixed", "white", "other"):
        assert built[("ethnicity_group", group)] == ethnicity[f"{group}_total"].sum()
    assert built["ethnicity"].sum() == ethnicity["total_usual_residents"].sum()
    assert built["age_band"].sum() == files.census("age")["total_usual_residents"].sum()
    assert built[("age_band", "85+")] == files.census("age")["age_85_plus"].sum()
    sex = files.census("sex")
    assert (built[("sex", "female")], built[("sex", "male")]) == (sex["female"].sum(), sex["male"].sum())
    disability = files.census("disability")
    assert built[("disability", "yes")] == disability["disabled_total"].sum()
    carer = files.census("carer")
    assert built[("carer", "yes")] == (carer["total_usual_residents_aged_5_plus"] - carer["no_unpaid_care"]).sum()
    assert built[("imd_quintile", "1")] == files.census("age").merge(
        files.imd()[files.imd()["imd_decile"] <= 2], on="lsoa21_code")["total_usual_residents"].sum()


def test_every_lsoa_has_a_boundary_and_label_point_inside_england(reference_db):
    shapes = read(reference_db, "select count(*) n, min(label_lon) w, max(label_lon) e, min(label_lat) s, "
                                "max(label_lat) nth from ref_lsoa_boundary")
    assert shapes["n"][0] == 33_755
    assert -6.5 < shapes["w"][0] and shapes["e"][0] < 2.0
    assert 49.8 < shapes["s"][0] and shapes["nth"][0] < 55.9


def test_postcode_lookup_keys_are_normalised(reference_db):
    row = read(reference_db, "select * from ref_postcode_lsoa where postcode_key = 'SE17EH'")
    assert row["lsoa21cd"][0] == "E01003013"  # St Thomas' Hospital, Lambeth 036A (PROVENANCE check 2)
    counts = read(reference_db, "select count(*) n, count(*) filter (where live) live from ref_postcode_lsoa")
    assert (counts["n"][0], counts["live"][0]) == (129_054, 87_221)


def _table_fingerprints(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables order by 1").fetchall()]
        return {t: con.execute(f'select count(*), sum(hash(t)) from "{t}" t').fetchall()[0] for t in tables}
    finally:
        con.close()


def test_building_twice_gives_the_same_database_and_keeps_engagement_data(tiny_db, tmp_path):
    con = duckdb.connect(str(tiny_db))
    con.execute(
        "insert into activities (activity_id, preset, place, title, start_date, upload_id) "
        "values ('A1', 'toy', 'Northtown', 'Listening event', date '2026-01-10', 1)"
    )
    con.close()
    before = _table_fingerprints(tiny_db)
    reference.build(tiny_db, tmp_path / "reference", [toy_preset()], "toy")
    assert _table_fingerprints(tiny_db) == before
    assert before["activities"][0] == 1


def test_missing_reference_file_is_named(tmp_path):
    folder = write_tiny_reference(tmp_path / "reference")
    (folder / "census2021_ts008_sex_lsoa21_england.csv.gz").unlink()
    with pytest.raises(reference.ReferenceDataError, match="census2021_ts008_sex_lsoa21_england.csv.gz"):
        reference.build(tmp_path / "x.duckdb", folder, [toy_preset()], "toy")
    assert not (tmp_path / "x.duckdb").exists()


def test_corrupt_reference_file_is_named_and_database_is_unchanged(tiny_db, tmp_path):
    folder = tmp_path / "reference"
    before = _table_fingerprints(tiny_db)
    target = folder / "imd2025_lsoa21_england.csv.gz"
    target.write_bytes(target.read_bytes()[:40])  # a truncated gzip
    with pytest.raises(reference.ReferenceDataError, match="imd2025_lsoa21_england.csv.gz"):
        reference.build(tiny_db, folder, [toy_preset()], "toy")
    assert _table_fingerprints(tiny_db) == before


def test_reference_file_missing_a_column_is_named(tmp_path):
    folder = write_tiny_reference(tmp_path / "reference")
    path = folder / "census2021_ts038_disability_lsoa21_england.csv.gz"
    frame = pd.read_csv(path).drop(columns=["disabled_total"])
    with gzip.open(path, "wt") as handle:
        frame.to_csv(handle, index=False)
    with pytest.raises(reference.ReferenceDataError, match="ts038.*disabled_total"):
        reference.build(tmp_path / "x.duckdb", folder, [toy_preset()], "toy")


def test_a_further_ics_can_be_added_from_a_config_file(writable_reference_db, tmp_path):
    config = tmp_path / "bnssg.toml"
    config.write_text(
        """
id = "bnssg"
name = "Bristol, North Somerset and South Gloucestershire"
icb_code = "E54000039"
plus_groups = ["ethnic_minority", "homeless", "boaters"]
plus_group_labels = { boaters = "People living on boats" }

[thresholds]
suppression = 10

[[places]]
name = "Bristol"
districts = ["E06000023"]

[[places]]
name = "North Somerset"
districts = ["E06000024"]

[[places]]
name = "South Gloucestershire"
districts = ["E06000025"]
""",
        encoding="utf-8",
    )
    preset = load_preset(config)
    assert preset.thresholds.suppression == 10 and preset.thresholds.fatigue_limit == 4
    summary = reference.build(writable_reference_db, files.REFERENCE, [preset], "bnssg")
    lookup = files.lookup()
    assert summary.default_preset == "bnssg"
    assert summary.lsoas_in_presets["bnssg"] == int((lookup["icb24_code"] == "E54000039").sum()) == 581
    assert summary.lsoas_in_presets["sel"] == 1040  # earlier presets stay registered
    bristol = read(writable_reference_db, "select count(*) n from ref_lsoa where place = 'Bristol'")["n"][0]
    assert bristol == int((lookup["lad24_code"] == "E06000023").sum())


@pytest.mark.parametrize(
    "body, message",
    [
        ('id = "x1"\nname = "X"\n[[places]]\nname = "P"\ndistricts = ["E09999999"]\n', "not an English district"),
        ('id = "x2"\nname = "X"\n[[places]]\nname = "P"\ndistricts = ["E09000022"]\n', "already in preset 'sel'"),
        ('id = "x3"\nname = "X"\nicb_code = "E54000030"\n[[places]]\nname = "P"\ndistricts = ["E06000034"]\n',
         "already in preset 'mse'"),
    ],
)
def test_bad_preset_districts_are_refused(writable_reference_db, tmp_path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PresetError, match=message):
        reference.build(writable_reference_db, files.REFERENCE, [*builtin_presets(), load_preset(path)], "sel")


@pytest.mark.parametrize(
    "body, message",
    [
        ("id = 'xx'\nname = 'X'\nplaces = [", "not valid TOML"),
        ("id = 'xx'\nname = 'X'\n[[places]]\nname = 'P'\ndistricts = ['Lambeth']\n", "not an English district code"),
        ("id = 'xx'\nname = 'X'\nplus_groups = ['martians']\n[[places]]\nname = 'P'\ndistricts = ['E09000022']\n",
         "martians"),
        ("id = 'xx'\nname = 'X'\ncolour = 'red'\n[[places]]\nname = 'P'\ndistricts = ['E09000022']\n", "colour"),
    ],
)
def test_invalid_preset_files_say_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "p.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PresetError, match=message):
        load_preset(path)


def test_unknown_preset_name():
    with pytest.raises(PresetError, match="use one of sel, mse, hw"):
        load_preset("xyz")


def test_shipped_presets_list_the_design_places():
    places = {p.id: p.place_names for p in builtin_presets()}
    assert places == {
        "sel": ["Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"],
        "mse": ["Thurrock", "South East Essex", "Basildon and Brentwood", "Mid Essex"],
        "hw": ["Herefordshire", "Worcestershire"],
    }
    districts = {p.name: p.districts for p in load_preset("mse").places}
    names = files.lookup().drop_duplicates("lad24_code").set_index("lad24_code")["lad24_name"]
    assert {k: sorted(names[d] for d in v) for k, v in districts.items()} == {
        "Thurrock": ["Thurrock"],
        "South East Essex": ["Castle Point", "Rochford", "Southend-on-Sea"],
        "Basildon and Brentwood": ["Basildon", "Brentwood"],
        "Mid Essex": ["Braintree", "Chelmsford", "Maldon"],
    }


def test_tiny_folder_builds_without_the_real_data(tmp_path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    folder = write_tiny_reference(tmp_path / "reference")
    summary = reference.build(tmp_path / "t.duckdb", folder, [toy_preset()], "toy")
    assert (summary.lsoas, summary.lsoas_in_presets) == (12, {"toy": 10})
