"""Primary care networks below place: NHS England's "patients registered at a GP practice" by
LSOA, imported by `wpc init --gp-registrations FILE` (docs/methods.md section 3, PCNs).

NHS England publishes, every quarter, how many patients each GP practice has from each LSOA
(`gp-reg-pat-prac-lsoa-all.csv` inside the "gp-reg-pat-prac-lsoa-male-female" zip). Its
columns are

    PUBLICATION, EXTRACT_DATE, PRACTICE_CODE, PRACTICE_NAME, LSOA_CODE, SEX, NUMBER_OF_PATIENTS

(some releases call the last one "Number of Patients"). wpc needs PRACTICE_CODE, LSOA_CODE
and NUMBER_OF_PATIENTS; with a SEX column only the `ALL` rows are read (or, if there are none,
the male and female rows are added up). Each practice is put in its PCN by the shipped NHS
Digital practice -> PCN map (ref_gp_practice), and each LSOA is assigned to the PCN whose
practices have the most of its registered patients (ties: the lower PCN code). Rows whose
LSOA is not an English LSOA 2021 (older releases use 2011 codes, and `NO2011` for patients
with no LSOA) and practices the map does not know are left out, and counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from wpc import db

# field -> the column names (folded: lower case, runs of other characters as "_") it may have
COLUMNS = {
    "practice_code": ("practice_code", "code", "org_code"),
    "lsoa_code": ("lsoa_code", "lsoa21cd", "lsoa_2021_code", "lsoa11cd"),
    "patients": ("number_of_patients", "patients", "all_patients"),
    "sex": ("sex",),
    "extract_date": ("extract_date",),
}
REQUIRED = ("practice_code", "lsoa_code", "patients")


class GpRegistrationsError(ValueError):
    """The file is not NHS England's GP registrations by LSOA; the message says what is wrong."""


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def columns(path: Path) -> dict[str, str]:
    """Which column of the file gives each field (the file's own names)."""
    path = Path(path)
    if not path.is_file():
        raise GpRegistrationsError(f"GP registrations file not found: {path}")
    con = duckdb.connect()
    try:
        names = [row[0] for row in con.execute(
            "describe select * from read_csv($path, header = true, all_varchar = true)", {"path": str(path)}
        ).fetchall()]
    except duckdb.Error as exc:
        raise GpRegistrationsError(f"{path} cannot be read as CSV: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    by_folded = {_fold(name): name for name in names}
    found = {field: next((by_folded[n] for n in options if n in by_folded), None)
             for field, options in COLUMNS.items()}
    missing = [field for field in REQUIRED if found[field] is None]
    if missing:
        raise GpRegistrationsError(
            f"{path} is not NHS England's GP registrations by LSOA: it has no "
            f"{', '.join(COLUMNS[f][0].upper() for f in missing)} column (its columns are: {', '.join(names)})"
        )
    return {field: name for field, name in found.items() if name is not None}


def check(path: Path) -> dict[str, str]:
    """The file's columns (GpRegistrationsError if it is not the published format)."""
    return columns(path)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load(con: duckdb.DuckDBPyConnection, path: Path) -> dict:
    """Replace ref_lsoa_pcn from the file, on `con` (inside the build's transaction). Returns
    what it did: LSOAs assigned, PCNs, patients read, and the patients left out because their
    LSOA is not an English LSOA 2021 or their practice is not in the practice -> PCN map."""
    found = columns(path)
    selected = ", ".join(
        f"{_quoted(found[field])} as {field}" if field in found else f"null::varchar as {field}"
        for field in COLUMNS
    )
    try:
        con.read_csv(str(path), header=True, all_varchar=True).create_view("gp_registrations_file", replace=True)
        # the file's own column names, quoted, chosen by `columns`
        con.execute(f"create or replace temp view gp_registrations as select {selected} from gp_registrations_file")
        db.execute_script(con, "build/ref_lsoa_pcn")
        summary = db.query(con, "build/ref_lsoa_pcn_summary").iloc[0].to_dict()
    except duckdb.Error as exc:
        raise GpRegistrationsError(f"{path} could not be read: {str(exc).splitlines()[0]}") from exc
    finally:
        con.execute("drop view if exists gp_registrations")
        con.execute("drop view if exists gp_registrations_file")
    summary = {key: (int(value) if value is not None and key != "extract_date" else value)
               for key, value in summary.items()}
    db.set_meta(con, "gp_registrations", f"{Path(path).name} (extract {summary['extract_date'] or 'date not given'})")
    return summary
