"""Reference data: build the database's real public data tables (`wpc init`).

Reads the files shipped in data/reference/ (see PROVENANCE.md there) and writes, in one
transaction, the `ref_` tables every measure stands on:

- ref_preset, ref_place        the ICSs and their places (districts)
- ref_lsoa                     one row per English LSOA: IMD 2025, residents, geography, place
- ref_census_population        Census 2021 residents by LSOA x dimension x category
- ref_lsoa_boundary            LSOA polygons as GeoJSON text, with a label point
- ref_lad_boundary             district outlines for overview maps
- ref_postcode_lsoa            postcode -> LSOA 2021 lookup for ingest
- ref_gp_practice              GP practice -> PCN map
- ref_lsoa_pcn                 LSOA -> the PCN with most of its registered patients, from NHS
                               England's GP registrations by LSOA (`wpc init --gp-registrations`,
                               wpc.gp_registrations); empty until a file is imported, and kept
                               by a rebuild without one

Engagement tables are created if absent and never touched by a rebuild, so building
twice gives the same database and never loses uploaded data.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import shapely

from wpc import db, vocab
from wpc.ingest import schema as ingest_schema
from wpc.presets import BUILTIN, Preset, PresetError
from wpc.presets import registered as registered_presets
from wpc.store import Store

# key -> (file name, columns the build needs)
REFERENCE_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "imd": ("imd2025_lsoa21_england.csv.gz", ("lsoa21_code", "imd_score", "imd_rank", "imd_decile")),
    "lookup": (
        "lookup_lsoa21_msoa21_ward24_lad24_icb24_region24_england.csv.gz",
        ("lsoa21_code", "lsoa21_name", "msoa21_code", "msoa21_name", "ward24_code", "ward24_name",
         "lad24_code", "lad24_name", "icb24_code", "icb24_name", "region24_name"),
    ),
    "age": ("census2021_ts007a_age_5yr_lsoa21_england.csv.gz", ("lsoa21_code", "total_usual_residents")),
    "sex": ("census2021_ts008_sex_lsoa21_england.csv.gz", ("lsoa21_code", "female", "male")),
    "ethnicity": ("census2021_ts021_ethnic_group_lsoa21_england.csv.gz", ("lsoa21_code", *vocab.ETHNICITY)),
    "disability": (
        "census2021_ts038_disability_lsoa21_england.csv.gz",
        ("lsoa21_code", "disabled_total", "not_disabled_total"),
    ),
    "carer": (
        "census2021_ts039_unpaid_care_lsoa21_england.csv.gz",
        ("lsoa21_code", "no_unpaid_care", "care_19h_or_less", "care_20_49h", "care_50h_plus"),
    ),
    "ruc": ("ruc21_lsoa21_england.csv.gz", ("lsoa21_code", "ruc21_code", "ruc")),
    "postcode": ("postcode_lsoa21_3ics.csv.gz", ("postcode", "lsoa21cd", "method", "terminated")),
    "gp": ("gp_practice_pcn_ccg_stp_map_jan2022_england.csv.gz", ("practice_code", "pcn_code", "pcn_name")),
    "lsoa_boundaries": ("lsoa21_boundaries_bsc_england.geojson.gz", ("lsoa21_code",)),
    "lad_boundaries": ("lad24_boundaries_england.geojson.gz", ("lad24_code",)),
}


class ReferenceDataError(RuntimeError):
    """A reference data file is missing, corrupt or not of the expected shape; names the file."""


@dataclass(frozen=True)
class BuildSummary:
    db_path: Path | Store
    default_preset: str
    presets: list[str]
    lsoas: int
    lsoas_in_presets: dict[str, int]
    pcns: dict | None = None  # what a GP registrations import did (wpc.gp_registrations.load)


def reference_paths(reference_dir: Path) -> dict[str, Path]:
    return {key: reference_dir / name for key, (name, _cols) in REFERENCE_FILES.items()}


def check_files(reference_dir: Path) -> dict[str, Path]:
    """Every reference file exists, reads, and has the columns the build needs."""
    paths = reference_paths(reference_dir)
    con = duckdb.connect()
    try:
        for key, path in paths.items():
            needed = REFERENCE_FILES[key][1]
            if not path.exists():
                raise ReferenceDataError(f"reference data file missing: {path}")
            try:
                if path.name.endswith(".geojson.gz"):
                    columns = _geojson_properties(path)
                else:
                    columns = [
                        row[0]
                        for row in con.execute(
                            "describe select * from read_csv($path, header = true)", {"path": str(path)}
                        ).fetchall()
                    ]
            except (duckdb.Error, OSError, EOFError, ValueError) as exc:
                raise ReferenceDataError(
                    f"reference data file {path} is corrupt or unreadable: {_first_line(exc)}"
                ) from exc
            missing = [c for c in needed if c not in columns]
            if missing:
                raise ReferenceDataError(
                    f"reference data file {path} lacks column(s): {', '.join(missing)}"
                )
    finally:
        con.close()
    return paths


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _geojson_properties(path: Path) -> list[str]:
    features = _read_geojson(path)["features"]
    if not features:
        raise ValueError("no features")
    return list(features[0]["properties"])


def _read_geojson(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def fingerprint(paths: dict[str, Path]) -> str:
    """SHA-256 over the reference files, recorded in meta so a build can be traced to its data."""
    digest = hashlib.sha256()
    for key in sorted(paths):
        digest.update(key.encode())
        digest.update(hashlib.sha256(paths[key].read_bytes()).digest())
    return digest.hexdigest()


def build(
    db_path: Path | Store,
    reference_dir: Path,
    presets: list[Preset],
    default_preset: str,
    gp_registrations: Path | None = None,
) -> BuildSummary:
    """Build (or rebuild) every reference table in one transaction.

    `presets` are registered beside any preset an earlier build of this database
    registered; a preset with the same id replaces the earlier one. `gp_registrations`: NHS
    England's patients registered at a GP practice by LSOA, which assigns each LSOA its PCN
    (wpc.gp_registrations); without it, an earlier import is kept.
    """
    from wpc import gp_registrations as registrations

    if gp_registrations is not None:
        registrations.check(gp_registrations)
    paths = check_files(reference_dir)
    lsoa_shapes = _boundary_frame(paths["lsoa_boundaries"], "lsoa21_code", with_label_point=True)
    lad_shapes = _boundary_frame(paths["lad_boundaries"], "lad24_code", with_label_point=False)
    sql_paths = {f"{key}_path": str(path) for key, path in paths.items()}

    with db.writing(db_path, doing="a rebuild of the reference data (wpc init)", create=True) as con:
        db.execute_script(con, "schema/engagement")
        db.execute_script(con, "schema/record_keys")
        ingest_schema.upgrade(con)
        registered = _merge_presets(con, presets)
        if default_preset not in registered:
            raise PresetError(f"default preset {default_preset!r} is not registered")
        _write_presets(con, registered)
        con.register("census_columns", pd.DataFrame(
            vocab.CENSUS_COLUMNS, columns=["table_key", "source_column", "dimension", "category"]
        ))
        try:
            for step in ("ref_lsoa", "ref_census_population", "ref_postcode_lsoa", "ref_gp_practice"):
                db.execute(con, f"build/{step}", **sql_paths)
        except duckdb.Error as exc:
            raise ReferenceDataError(f"reference data could not be loaded: {_first_line(exc)}") from exc
        db.execute_script(con, "build/ref_lsoa_pcn_table")
        pcns = registrations.load(con, gp_registrations) if gp_registrations is not None else None
        con.register("lsoa_shapes", lsoa_shapes)
        con.execute("create or replace table ref_lsoa_boundary as select * from lsoa_shapes order by lsoa21cd")
        con.register("lad_shapes", lad_shapes)
        con.execute("create or replace table ref_lad_boundary as select * from lad_shapes order by lad24cd")
        _check_build(con, paths)
        db.set_meta(con, "schema_version", db.SCHEMA_VERSION)
        db.set_meta(con, "reference_sha256", fingerprint(paths))
        db.set_meta(con, "default_preset", default_preset)
        counts = dict(
            con.execute(
                "select preset, count(*) from ref_lsoa where preset is not null group by preset"
            ).fetchall()
        )
        total = con.execute("select count(*) from ref_lsoa").fetchall()[0][0]
        db.pause_if_testing({"default_preset": db.get_meta(con, "default_preset"), "lsoas": total})
    return BuildSummary(
        db_path=db_path if isinstance(db_path, Store) else Path(db_path),
        default_preset=default_preset,
        presets=sorted(registered),
        lsoas=total,
        lsoas_in_presets=counts,
        pcns=pcns,
    )


def _boundary_frame(path: Path, code_property: str, with_label_point: bool) -> pd.DataFrame:
    """Polygons as compact GeoJSON text keyed by code, so maps never re-read the file."""
    features = _read_geojson(path)["features"]
    key = {"lsoa21_code": "lsoa21cd", "lad24_code": "lad24cd"}[code_property]
    geometry_json = [json.dumps(f["geometry"], separators=(",", ":")) for f in features]
    frame = pd.DataFrame(
        {key: [f["properties"][code_property] for f in features], "geometry_json": geometry_json}
    )
    if with_label_point:
        points = shapely.point_on_surface(shapely.from_geojson(geometry_json))
        frame["label_lon"] = shapely.get_x(points)
        frame["label_lat"] = shapely.get_y(points)
    return frame


def _merge_presets(con: duckdb.DuckDBPyConnection, presets: list[Preset]) -> dict[str, Preset]:
    registered: dict[str, Preset] = {}
    if db.table_exists(con, "ref_preset"):
        registered.update(registered_presets(con))
    for preset in presets:
        registered[preset.id] = preset
    _check_no_overlap(registered)
    return registered


def _check_no_overlap(registered: dict[str, Preset]) -> None:
    owner: dict[str, str] = {}
    for preset in registered.values():
        for place in preset.places:
            for district in place.districts:
                if district in owner and owner[district] != preset.id:
                    raise PresetError(
                        f"district {district} of preset {preset.id!r} is already in preset "
                        f"{owner[district]!r}; an area can belong to one ICS only"
                    )
                owner[district] = preset.id


def _write_presets(con: duckdb.DuckDBPyConnection, registered: dict[str, Preset]) -> None:
    presets = pd.DataFrame(
        [
            {"preset": p.id, "name": p.name, "icb24cd": p.icb_code, "builtin": p.id in BUILTIN,
             "config_json": p.model_dump_json()}
            for p in registered.values()
        ]
    )
    places = pd.DataFrame(
        [
            {"preset": p.id, "place": place.name, "place_order": order, "lad24cd": district}
            for p in registered.values()
            for order, place in enumerate(p.places, start=1)
            for district in place.districts
        ]
    )
    con.register("preset_rows", presets)
    con.register("place_rows", places)
    con.execute("create or replace table ref_preset as select * from preset_rows order by preset")
    con.execute("create or replace table ref_place as select * from place_rows order by preset, place_order")


def _check_build(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> None:
    """The joins lost no LSOA, every preset district exists, and each ICB matches."""
    counts = {}
    for key in ("imd", "lookup", "age", "sex", "ethnicity", "disability", "carer"):
        counts[key] = con.execute(
            "select count(distinct lsoa21_code) from read_csv($path, header = true)",
            {"path": str(paths[key])},
        ).fetchall()[0][0]
    built = con.execute("select count(*) from ref_lsoa").fetchall()[0][0]
    for key, n in counts.items():
        if n != built:
            raise ReferenceDataError(
                f"reference data file {paths[key]} has {n} LSOAs but the joined table has {built}: "
                "the files do not cover the same LSOAs"
            )
    unknown = con.execute(
        "select preset, lad24cd from ref_place where lad24cd not in (select lad24cd from ref_lsoa)"
    ).fetchall()
    if unknown:
        preset, code = unknown[0]
        raise PresetError(f"preset {preset!r} names district {code}, which is not an English district")
    wrong_icb = con.execute(
        """
        select ref_place.preset, ref_place.lad24cd, ref_preset.icb24cd
        from ref_place
        inner join ref_preset using (preset)
        where ref_preset.icb24cd is not null
          and ref_place.lad24cd not in (
              select lad24cd from ref_lsoa where icb24cd = ref_preset.icb24cd
          )
        """
    ).fetchall()
    if wrong_icb:
        preset, code, icb = wrong_icb[0]
        raise PresetError(f"preset {preset!r} names district {code}, which is not in ICB {icb}")
