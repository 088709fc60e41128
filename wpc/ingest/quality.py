"""The data quality of one file, from the rows it would store: what is unknown, and how
home areas were found. (The measure over all stored data, docs/methods.md section 9, is a report measure.)

One table: `section` (answers, home areas, counts), `check` in plain words, `rows` (how
many of the rows to be stored) and `share` (of those rows, 0-1; for returns, of the people
counted on that dimension).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from wpc import db
from wpc.ingest import standard

UNKNOWN = standard.UNKNOWN

HOME_AREA_CHECKS = {
    "mapped_postcode": "Home area found from the postcode",
    "lsoa_code": "Home area given as an LSOA code",
    "unmapped_postcode": "Postcode not in the lookup: home area unknown",
    "invalid_postcode": "Not a valid postcode: home area unknown",
    "not_given": "No postcode or LSOA given: home area unknown",
    "outside_ics": "Home outside the ICS of the activity (out of area)",
}


def summarise(
    con: duckdb.DuckDBPyConnection, kind: str, records: pd.DataFrame, clean: pd.DataFrame
) -> pd.DataFrame:
    return with_shares(kind, count(con, kind, records, clean), len(records))


def combine(kind: str, parts: list[pd.DataFrame], rows: int) -> pd.DataFrame:
    """The quality of a whole file from the counts of its chunks (`count`), with shares."""
    if not parts:
        return with_shares(kind, pd.DataFrame(columns=["section", "check", "rows"]), rows)
    whole = pd.concat(parts, ignore_index=True)
    order = whole.drop_duplicates(["section", "check"])[["section", "check"]]
    summed = whole.groupby(["section", "check"], sort=False, as_index=False)["rows"].sum()
    return with_shares(kind, order.merge(summed, on=["section", "check"]), rows)


def count(
    con: duckdb.DuckDBPyConnection, kind: str, records: pd.DataFrame, clean: pd.DataFrame
) -> pd.DataFrame:
    """The checks of one chunk of rows to be stored: section, check, rows (no shares yet)."""
    checks: list[tuple[str, str, int]] = []
    if kind == "participants":
        for spec in standard.fields("participants"):
            if spec.rule.unknown:
                checks.append(
                    ("answers", f"{_said(spec.name)}: unknown", int((records[spec.name] == UNKNOWN).sum()))
                )
        checks.append(
            ("answers", "Participant ref: not given", int(records["participant_hash"].isna().sum()))
        )
        checks += [("home areas", label, n) for label, n in _home_areas(con, records)]
    elif kind == "activities":
        for spec in standard.fields("activities"):
            if not spec.required:
                blank = records[spec.name].isna() | (records[spec.name] == "")
                checks.append(("answers", f"{_said(spec.name)}: blank", int(blank.sum())))
    elif kind == "returns":
        for dimension, group in records.groupby("dimension"):
            counts = pd.to_numeric(group["count"])
            unknown = int(counts[group["category"] == UNKNOWN].sum())
            checks.append(("counts", f"{_said(dimension)}: people counted", int(counts.sum())))
            checks.append(("counts", f"{_said(dimension)}: people in unknown", unknown))
    elif kind == "insights":
        checks.append(
            (
                "answers",
                "Quote or summary had personal details removed",
                int(records["scrub_note"].notna().sum()),
            )
        )
        for name in ("date", "place", "themes", "quote", "status"):
            values = clean[name]
            checks.append(("answers", f"{_said(name)}: blank", int((values.isna() | (values == "")).sum())))
    return pd.DataFrame(checks, columns=["section", "check", "rows"])


def with_shares(kind: str, frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    frame = frame.astype({"rows": "int64"}).reset_index(drop=True)
    if kind == "returns":
        frame["share"] = None
        people = frame["check"].str.endswith("people counted")
        totals = frame["rows"].where(people).ffill()
        frame.loc[~people, "share"] = (frame["rows"] / totals.where(totals > 0))[~people]
    else:
        frame["share"] = frame["rows"] / rows if rows else None
    return frame


def _said(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _home_areas(con: duckdb.DuckDBPyConnection, records: pd.DataFrame) -> list[tuple[str, int]]:
    staged = pa.table({
        name: pa.array(records[name].astype(object).where(records[name].notna(), None).tolist(), pa.string())
        for name in ("activity_id", "lsoa21cd", "home_area_status")
    })  # typed as text even when a column holds no value at all
    con.register("staged_quality", staged)
    try:
        summary = db.query(con, "ingest/home_area_summary").iloc[0]
    finally:
        con.unregister("staged_quality")
    return [(label, int(summary[key])) for key, label in HOME_AREA_CHECKS.items()]
