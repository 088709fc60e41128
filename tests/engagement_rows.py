"""Write engagement rows straight into the engagement tables, for measure tests.

Tests of the measures must not depend on ingest, so they insert rows with SQL into the
tables of wpc/sql/schema/engagement.sql. Every field a test does not name gets the value
ingest gives a blank: 'unknown', an empty list, or null.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from wpc import db

UPLOAD_ID = 1

PARTICIPANT_DEFAULTS = {
    "participant_hash": None,
    "lsoa21cd": None,
    "age_band": "unknown",
    "sex": "unknown",
    "gender_same_as_birth": "unknown",
    "ethnicity": "unknown",
    "disability": "unknown",
    "carer": "unknown",
    "religion": "unknown",
    "sexual_orientation": "unknown",
    "pregnant_or_recent_birth": "unknown",
    "inclusion_groups": [],
}


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class Engagement:
    """Inserts activities, participants and returns on an open read-write connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, preset: str = "toy"):
        self.con = con
        self.preset = preset
        self._line = int(con.execute("select coalesce(max(source_line), 0) from participants").fetchall()[0][0])

    def activity(self, activity_id: str, place: str = "Northtown", start: str | dt.date = "2025-05-01",
                 **fields) -> str:
        row = {
            "activity_id": activity_id, "preset": fields.pop("preset", self.preset), "place": place,
            "title": fields.pop("title", f"Activity {activity_id}"), "start_date": _date(start),
            "end_date": _date(fields.pop("end", None)), "organisation": None, "programme": None,
            "method": None, "ladder_rung": None, "cycle_stage": None, "target_groups": [],
            "clinical_areas": [], "participants_total": None, "cost_gbp": None, "feedback_due": None,
            "feedback_date": None, "you_said": None, "we_did": None, "report_url": None,
            "upload_id": UPLOAD_ID, "status": "held", "organisation_type": None, "target_areas": [],
        }
        for key in ("feedback_due", "feedback_date"):
            if key in fields:
                fields[key] = _date(fields[key])
        unknown = set(fields) - set(row)
        if unknown:
            raise TypeError(f"unknown activity field(s): {sorted(unknown)}")
        row.update(fields)
        frame = pd.DataFrame([row])
        self.con.register("new_activity", frame)
        self.con.execute(
            "insert into activities by name select * replace ("
            "cast(target_groups as varchar[]) as target_groups, "
            "cast(clinical_areas as varchar[]) as clinical_areas, "
            "cast(target_areas as varchar[]) as target_areas, cast(organisation_type as varchar) as organisation_type, "
            "cast(cost_gbp as decimal(14, 2)) as cost_gbp, cast(start_date as date) as start_date, "
            "cast(end_date as date) as end_date, cast(feedback_due as date) as feedback_due, "
            "cast(feedback_date as date) as feedback_date, cast(participants_total as integer) "
            "as participants_total, cast(ladder_rung as tinyint) as ladder_rung, "
            "cast(cycle_stage as tinyint) as cycle_stage) from new_activity"
        )
        self.con.unregister("new_activity")
        return activity_id

    def people(self, activity_id: str, count: int = 1, **fields) -> None:
        """`count` participants of `activity_id`, all with the given fields."""
        self.rows(activity_id, [dict(fields) for _ in range(count)])

    def rows(self, activity_id: str, rows: list[dict]) -> None:
        """One participant per dict; missing fields take the blank defaults."""
        if not rows:
            return
        records = []
        for fields in rows:
            unknown = set(fields) - set(PARTICIPANT_DEFAULTS) - {"home_area_status"}
            if unknown:
                raise TypeError(f"unknown participant field(s): {sorted(unknown)}")
            self._line += 1
            record = {**PARTICIPANT_DEFAULTS, **fields}
            status = fields.get("home_area_status") or ("lsoa_code" if record["lsoa21cd"] else "not_given")
            records.append({"upload_id": UPLOAD_ID, "source_line": self._line, "activity_id": activity_id,
                            "home_area_status": status, **record})
        frame = pd.DataFrame(records)
        self.con.register("new_people", frame)
        self.con.execute(
            "insert into participants by name select * replace "
            "(cast(inclusion_groups as varchar[]) as inclusion_groups, "
            "cast(participant_hash as varchar) as participant_hash, cast(lsoa21cd as varchar) as lsoa21cd) "
            "from new_people"
        )
        self.con.unregister("new_people")

    def returns(self, activity_id: str, dimension: str, counts: dict[str, int]) -> None:
        for category, count in counts.items():
            self.con.execute(
                "insert into returns (activity_id, dimension, category, count, upload_id) "
                "values ($activity_id, $dimension, $category, $count, $upload_id)",
                {"activity_id": activity_id, "dimension": dimension, "category": category,
                 "count": count, "upload_id": UPLOAD_ID},
            )


def write(db_path: Path, fill) -> None:
    """Open `db_path` for writing and call fill(Engagement) inside one transaction."""
    with db.writing(db_path) as con:
        fill(Engagement(con))


def build_toy_db(folder: Path, lsoas=None, preset=None, store_kind: str = "duckdb"):
    """A Toyshire database (tests/fixtures/tiny_reference.py) built by the production build,
    for module-scoped fixtures that fill it once: a file, or on a DuckLake (`store_kind`) a
    wpc.store.Store (the `postgres` fixture must be running)."""
    from tests.fixtures.tiny_reference import toy_preset, write_tiny_reference
    from wpc import reference

    reference_dir = write_tiny_reference(folder / "reference", lsoas)
    if store_kind == "ducklake":
        from tests.fixtures.lake import server

        path = server().new_lake(folder / "toy-lake")
    else:
        path = folder / "toy.duckdb"
    reference.build(path, reference_dir, [preset or toy_preset()], (preset or toy_preset()).id)
    return path


def measure(db_path: Path, function, **kwargs):
    """Run a measure the way pages do: function(con, **kwargs) on a short read-only connection."""
    with db.reading(db_path) as con:
        return function(con, **kwargs)


def fill_synthetic(con: duckdb.DuckDBPyConnection, presets: tuple[str, ...], rows: int, activities: int,
                   seed: int = 1, prefix: str = "SYN") -> None:
    """Seeded random engagement over real reference data, built with numpy (no row loops): each
    activity in a random place of one of `presets`, its participants living in that ICS
    (10% with no home area), with random equality monitoring and some participant refs."""
    import numpy as np

    from wpc import vocab

    rng = np.random.default_rng(seed)
    lsoas = con.execute(
        "select lsoa21cd, preset from ref_lsoa where list_contains($presets, preset)", {"presets": list(presets)}
    ).df()
    places = con.execute(
        "select distinct preset, place from ref_place where list_contains($presets, preset) order by all",
        {"presets": list(presets)},
    ).df()
    pick = rng.integers(0, len(places), activities)
    start = pd.Timestamp("2024-04-01") + pd.to_timedelta(rng.integers(0, 640, activities), unit="D")
    acts = pd.DataFrame({
        "activity_id": [f"{prefix}{i:06d}" for i in range(activities)],
        "preset": places["preset"].to_numpy()[pick],
        "place": places["place"].to_numpy()[pick],
        "title": [f"Synthetic activity {i}" for i in range(activities)],
        "start_date": start.date,
        "organisation": rng.choice(["ICB", "Trust", "Council", "Healthwatch", "VCSE"], activities),
        "programme": rng.choice(["Diabetes", "Maternity", "Mental health"], activities),
        "method": rng.choice(list(vocab.METHODS), activities),
        "ladder_rung": rng.integers(1, 8, activities),
        "cycle_stage": rng.integers(1, 6, activities),
        "target_groups": [["homeless"] if x else ["core20"] for x in rng.random(activities) < 0.3],
        "cost_gbp": rng.integers(100, 5000, activities).astype(float),
        "feedback_date": [None if x else d for x, d in
                          zip(rng.random(activities) < 0.5, (start + pd.Timedelta(days=60)).date)],
        "upload_id": UPLOAD_ID,
    })
    con.register("synthetic_activities", acts)
    con.execute(
        "insert into activities by name select * replace ("
        "cast(target_groups as varchar[]) as target_groups, cast(cost_gbp as decimal(14, 2)) as cost_gbp, "
        "cast(start_date as date) as start_date, cast(feedback_date as date) as feedback_date, "
        "cast(ladder_rung as tinyint) as ladder_rung, cast(cycle_stage as tinyint) as cycle_stage) "
        "from synthetic_activities"
    )
    activity_of = rng.integers(0, activities, rows)
    home = np.empty(rows, dtype=object)
    activity_preset = acts["preset"].to_numpy()[activity_of]
    for preset in presets:
        codes = lsoas.loc[lsoas["preset"] == preset, "lsoa21cd"].to_numpy()
        mask = activity_preset == preset
        home[mask] = codes[rng.integers(0, len(codes), mask.sum())]
    home[rng.random(rows) < 0.1] = None
    first_line = int(con.execute("select coalesce(max(source_line), 0) from participants").fetchall()[0][0])
    people = pd.DataFrame({
        "upload_id": UPLOAD_ID,
        "source_line": np.arange(first_line + 1, first_line + rows + 1),
        "activity_id": acts["activity_id"].to_numpy()[activity_of],
        "participant_hash": [f"ref{x}" if x % 3 else None for x in rng.integers(0, rows // 3 + 1, rows)],
        "lsoa21cd": home,
        "home_area_status": np.where(pd.isna(home), "not_given", "mapped_postcode"),
        "age_band": rng.choice([*vocab.AGE_BAND, "unknown"], rows),
        "sex": rng.choice(["female", "male", "unknown"], rows),
        "gender_same_as_birth": "unknown",
        "ethnicity": rng.choice([*vocab.ETHNICITY, "unknown"], rows),
        "disability": rng.choice(["yes", "no", "unknown"], rows),
        "carer": rng.choice(["yes", "no", "unknown"], rows),
        "religion": "unknown",
        "sexual_orientation": "unknown",
        "pregnant_or_recent_birth": "unknown",
        "inclusion_groups": [["homeless"] if x < 0.05 else [] for x in rng.random(rows)],
    })
    con.register("synthetic_people", people)
    con.execute(
        "insert into participants by name select * replace "
        "(cast(inclusion_groups as varchar[]) as inclusion_groups, cast(participant_hash as varchar) "
        "as participant_hash, cast(lsoa21cd as varchar) as lsoa21cd) from synthetic_people"
    )
