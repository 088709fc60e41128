"""Lossless ingest (docs/data-standard.md, What ingest does): prepare a file, then commit it in one transaction.

`prepare` reads and checks the file against the database (read-only, on a short connection
per chunk) and says exactly what would be stored and what quarantined, and why. It works a
chunk of rows at a time (wpc.ingest.read), so memory does not grow with the file: the rows
to store and the quarantine go, as the database will keep them, to Parquet files in a
private staging folder beside the database; only the first problems are kept in memory.
`commit` writes it all in one transaction: the stored rows (upserted by key), one
quarantine row per quarantined row with its problems as codes, and the uploads audit row;
a crash or kill before the end leaves the database as it was.

Every row read is either stored or quarantined. A file whose rows are the same as an
earlier upload's (whatever its line endings, encoding, quoting or column order: a keyed
hash of the rows as read is compared, not the bytes) changes nothing. Participant rows
without a ref that repeat rows already stored are counted before anything is stored, and
stored only when the uploader says they are different people.

The rejects file (the quarantined rows with all their values, to fix) is made from the
uploaded file again when it is asked for, never from anything stored.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import hmac
import io
import os
import shutil
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.parquet as pa_parquet

from wpc import db
from wpc import store as stores
from wpc.access import Access
from wpc.config import Settings
from wpc.ingest import permitted, postcodes, privacy, quality, standard
from wpc.ingest.read import FileRefused, Sheet, Table, open_table
from wpc.ingest.validate import Context, Validated, infer_kind, match_columns, validate

PAUSE_ENV = db.PAUSE_ENV  # the kill test pauses the commit here (see db.pause_if_testing)

STORED_COLUMNS = {
    "activities": [
        "activity_id",
        "preset",
        "place",
        "title",
        "start_date",
        "end_date",
        "organisation",
        "programme",
        "method",
        "ladder_rung",
        "cycle_stage",
        "target_groups",
        "clinical_areas",
        "participants_total",
        "cost_gbp",
        "feedback_due",
        "feedback_date",
        "you_said",
        "we_did",
        "report_url",
        "status",
        "organisation_type",
        "target_areas",
    ],
    "participants": [
        "source_line",
        "activity_id",
        "participant_hash",
        "lsoa21cd",
        "home_area_status",
        "age_band",
        "sex",
        "gender_same_as_birth",
        "ethnicity",
        "disability",
        "carer",
        "religion",
        "sexual_orientation",
        "pregnant_or_recent_birth",
        "inclusion_groups",
    ],
    "returns": ["activity_id", "dimension", "category", "count"],
    "insights": [
        "insight_id",
        "activity_id",
        "insight_date",
        "preset",
        "place",
        "programme",
        "themes",
        "summary",
        "quote",
        "groups",
        "source_title",
        "source_url",
        "status",
        "action_taken",
        "scrub_note",
    ],
}
APP_COMMIT_WAIT = 20.0  # seconds the app's Store button waits for another upload before saying so
CHECKS = 5  # times a file is checked again when the database keeps changing under it
SCRUBBED_NOTES_SHOWN = 5  # cells listed in the note saying what scrubbing removed
PROBLEMS_KEPT = 1_000  # problems kept in memory with their values (all are in the staging files)
PREVIEW_ROWS = 200  # rows to store kept in memory to show
STAGING_PREFIX = ".wpc-check-"
STAGING_KEPT_HOURS = 24  # staging folders older than this (left by a crash) are removed


class StaleCheck(RuntimeError):
    """The database changed between checking a file and storing it; check it again."""


class RepeatedRows(FileRefused):
    """Participant rows without a ref repeat rows already stored; nothing was written."""


class Staging:
    """A private folder of Parquet files holding, as the database will keep them, the rows a
    check found to store and to quarantine; removed once stored or discarded."""

    def __init__(self, db_path: stores.Store):
        self.db_path = db_path
        folder = None
        # Beside the database file (the same disk, the same protection); a lake's server has no
        # such folder, so its staged rows go to the system's temporary folder.
        with contextlib.suppress(OSError):
            if not db_path.is_lake:
                _sweep(db_path.path.parent)
                folder = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=db_path.path.parent)
        self.folder = Path(folder or tempfile.mkdtemp(prefix=STAGING_PREFIX))  # mkdtemp: mode 0700
        self.writers: dict[str, pa_parquet.ParquetWriter] = {}
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.folder), True)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    def write(self, name: str, table: pa.Table) -> None:
        if not table.num_rows:
            return
        try:
            if name not in self.writers:
                self.writers[name] = pa_parquet.ParquetWriter(self.path(name), table.schema, compression="zstd")
            self.writers[name].write_table(table.cast(self.writers[name].schema))
        except OSError as exc:  # a full disk: said as the database's own errors are
            raise db.DatabaseError(db.explain(exc, self.db_path)) from exc

    def close(self) -> None:
        try:
            for writer in self.writers.values():
                writer.close()
        except OSError as exc:
            raise db.DatabaseError(db.explain(exc, self.db_path)) from exc
        finally:
            self.writers.clear()

    def view(self, con: duckdb.DuckDBPyConnection, name: str, view: str) -> bool:
        """Make the staged rows `name` a temporary view `view` of `con`, read by DuckDB's own
        Parquet reader a row group at a time; False if nothing was staged under `name`."""
        if not self.path(name).exists():
            return False
        con.read_parquet(str(self.path(name))).create_view(view, replace=True)
        return True

    def remove(self) -> None:
        self.close()
        self._cleanup()


def _sweep(folder: Path) -> None:
    """Staging folders left by a process that was killed part way (older than a day)."""
    limit = time.time() - STAGING_KEPT_HOURS * 3600
    for old in folder.glob(STAGING_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if old.is_dir() and old.stat().st_mtime < limit:
                shutil.rmtree(old, ignore_errors=True)


@dataclass
class Prepared:
    """A file checked and ready to commit: what will be stored, what quarantined and why."""

    kind: str
    file_name: str
    sha256: str
    rows_read: int
    stored: int
    quarantined: int
    problems: pd.DataFrame  # the first PROBLEMS_KEPT problems: line, column, value (as given), reason
    problem_count: int
    preview: pd.DataFrame  # the first rows to store, as the database will keep them
    quality: pd.DataFrame  # the file's data quality (wpc.ingest.quality)
    notes: list[str]
    rows_hash: str
    removed: Counter  # personal identifiers removed from what will be stored, by kind
    ignored: list[str]  # columns not in the standard: not read, not stored
    staging: Staging
    reasons: list[str]  # reason texts by code, as the file's quarantined rows refer to them
    source: Path | bytes
    sheet: str | None
    columns: dict[str, str]
    earlier: dict | None = None  # an earlier upload of the same rows, if any
    repeats: dict | None = None  # participant rows without a ref already stored: rows, uploads
    state: tuple = ()

    @property
    def records(self) -> pd.DataFrame:
        return self.preview

    @property
    def rejected(self) -> pd.DataFrame:
        """The quarantined rows as read, with line and problems (made from the file again)."""
        parts = list(rejected_rows(self))
        return pd.concat(parts, ignore_index=True) if parts else _rejects_frame(self, [])

    def discard(self) -> None:
        self.staging.remove()


@dataclass
class Outcome:
    """What an upload did (or, for a dry run, would do)."""

    kind: str
    file_name: str
    rows_read: int
    stored: int
    quarantined: int
    problems: pd.DataFrame
    notes: list[str]
    upload_id: int | None = None
    earlier: dict | None = None
    dry_run: bool = False
    prepared: Prepared | None = None
    problem_count: int = 0

    @property
    def exit_code(self) -> int:
        """The CLI contract (README, Command line): 0 all stored, 3 some quarantined (2 is a refused file)."""
        return 3 if self.quarantined else 0

    @property
    def rejected(self) -> pd.DataFrame:
        if self.prepared is None or not self.quarantined:
            return pd.DataFrame()
        return self.prepared.rejected

    def all_problems(self) -> Iterator[dict]:
        """Every problem as {line, column, value, reason}: from memory when all are there, else
        read from the file again."""
        if self.earlier or not self.quarantined:
            return
        if self.problem_count <= len(self.problems) or self.prepared is None:
            for r in self.problems.itertuples(index=False):
                yield {"line": int(r.line), "column": r.column, "value": r.value, "reason": r.reason}
            return
        for rows in rejected_rows(self.prepared, long=True):
            for r in rows.itertuples(index=False):
                yield {"line": int(r.line), "column": r.column, "value": r.value, "reason": r.reason}

    def as_json(self) -> dict:
        result = {"stored": self.stored, "quarantined": self.quarantined, "rejects": list(self.all_problems())}
        if self.earlier:
            result["already_uploaded"] = self.earlier
        if self.dry_run:
            result["dry_run"] = True
        return result


# Prepare ------------------------------------------------------------------------------------


def prepare(
    source: Path | str | bytes,
    db_path: Path,
    settings: Settings,
    kind: str | None = None,
    file_name: str | None = None,
    sheet: str | None = None,
    create_salt: bool = True,
    access: Access | None = None,
) -> Prepared:
    """Read and check a file against the standard and the database; writes nothing to the database.
    Given `access` (someone logged in to the app), rows for places it does not cover are
    quarantined too (wpc.ingest.permitted), and activities of other places are as if they
    did not exist.

    Raises FileRefused (the whole file cannot be taken, nothing will be written) with a clear message.
    """
    if kind is not None and kind not in standard.KINDS:
        raise FileRefused(f"unknown kind {kind!r}: use one of {', '.join(standard.KINDS)}")
    db_path = stores.resolve(db_path)
    if not isinstance(source, (bytes, bytearray)):
        source = Path(source)
    table = open_table(source, settings.max_upload_mb, sheet, file_name)
    kind = kind or infer_kind(table)
    columns, ignored = match_columns(kind, table)
    with db.reading(db_path) as con:
        if not db.table_exists(con, "activities") or not db.table_exists(con, "ref_postcode_lsoa"):
            raise db.DatabaseError(f"{db_path} is not a wpc database: build it with `wpc init --db {db_path}`")
        context = Context(kind, columns, con, access=access)
        context.places  # noqa: B018 (looked up once, on this connection)
        salt = _salt(con, db_path, settings, create_salt)
        state = _state(con)
    hash_key = _row_hash_key(salt)
    staging = Staging(db_path)
    try:
        checked = _check_chunks(table, kind, columns, context, db_path, salt, hash_key, staging, access)
        staging.close()
        with db.reading(db_path) as con:
            earlier = _earlier(con, checked["rows_hash"], table.sha256, kind)
            repeats = _repeats(con, staging) if kind == "participants" and not earlier else None
            if _state(con) != state:
                state = ()  # changed while checking: commit will say so
    except BaseException:
        staging.remove()
        raise
    notes = list(table.notes)
    if ignored:
        notes.append(f"Columns not in the {kind} standard were ignored and not kept: {', '.join(ignored)}.")
    if table.skipped:
        notes.append(
            f"{table.skipped:,} row(s) held values only in columns that are not read: they were skipped."
        )
    notes += _scrub_notes(checked["scrubbed"], checked["removed"])
    if repeats:
        notes.append(_repeats_note(repeats))
    return Prepared(
        kind=kind,
        file_name=table.file_name,
        sha256=table.sha256,
        rows_read=table.rows_read,
        stored=checked["stored"],
        quarantined=checked["quarantined"],
        problems=checked["problems"],
        problem_count=checked["problem_count"],
        preview=checked["preview"],
        quality=quality.combine(kind, checked["quality"], checked["stored"]),
        notes=notes,
        rows_hash=checked["rows_hash"],
        removed=checked["removed"],
        ignored=ignored,
        staging=staging,
        reasons=checked["reasons"],
        source=source,
        sheet=sheet,
        columns=columns,
        earlier=earlier,
        repeats=repeats,
        state=state,
    )


def _check_chunks(table: Table, kind, columns, context, db_path, salt, hash_key, staging, access) -> dict:
    """Check the file chunk by chunk, staging what each chunk stores and quarantines."""
    reasons: dict[str, int] = {}
    row_hashes: list[np.ndarray] = []
    kept_problems: list[pd.DataFrame] = []
    previews: list[pd.DataFrame] = []
    quality_parts: list[pd.DataFrame] = []
    scrubbed_cells: list[tuple] = []
    stored = quarantined = problem_count = 0
    json_con = duckdb.connect()
    reader = _ShortReads(db_path)
    try:
        for chunk in table.chunks(keep=list(columns.values())):
            with reader.connection() as con:
                context.con = con
                checked = validate(kind, chunk, con, context)
                if access is not None and not access.every_upload:
                    checked.problems = permitted.problems(kind, checked, con, access)
                accepted = _accepted(checked)
                hashes = _row_hashes(kind, chunk, checked, hash_key)
                row_hashes.append(hashes)
                records = _records(kind, checked.clean[accepted], chunk.lines[accepted], salt, checked.scrubbed[accepted])
                if kind == "participants":
                    records["row_hash"] = np.where(records["participant_hash"].isna(), hashes[accepted], None)
                if len(records):
                    quality_parts.append(quality.count(con, kind, records, checked.clean[accepted]))
            staging.write(kind, _arrow(records))
            stored += len(records)
            if sum(len(p) for p in previews) < PREVIEW_ROWS:
                previews.append(records.drop(columns=["row_hash"], errors="ignore").head(PREVIEW_ROWS))
            problems = _problems(chunk, checked)
            problem_count += len(problems)
            if sum(len(p) for p in kept_problems) < PROBLEMS_KEPT:
                kept_problems.append(problems.head(PROBLEMS_KEPT))
            quarantine, removed = _quarantine_rows(json_con, chunk, checked, problems, reasons)
            context.removed.update(removed)
            staging.write("quarantine", quarantine)
            quarantined += quarantine.num_rows
            scrubbed_cells += _scrubbed_cells(checked.scrubbed[accepted], chunk.lines[accepted])
    finally:
        reader.close()
        json_con.close()
    rows_hash = hashlib.sha256(
        kind.encode() + np.sort(np.concatenate(row_hashes) if row_hashes else np.empty(0, "uint64")).tobytes()
    ).hexdigest()
    ordered = sorted(reasons, key=reasons.get)
    staging.write("reasons", pa.table({"reason": pa.array(range(len(ordered)), pa.int32()),
                                       "text": pa.array(privacy.scrub_column(ordered)[0], pa.string())}))
    kept = pd.concat(kept_problems, ignore_index=True).head(PROBLEMS_KEPT) if kept_problems else _no_problems()
    return {
        "stored": stored,
        "quarantined": quarantined,
        "problems": kept,
        "problem_count": problem_count,
        "preview": pd.concat(previews, ignore_index=True).head(PREVIEW_ROWS) if previews else pd.DataFrame(),
        "quality": quality_parts,
        "rows_hash": rows_hash,
        "removed": context.removed,
        "scrubbed": scrubbed_cells,
        "reasons": ordered,
    }


class _ShortReads:
    """A read-only connection kept across chunks for at most HOLD_SECONDS, then let go, so a
    long check never keeps a writer (another person's upload) waiting longer than that, and a
    short one does not pay for a connection per chunk."""

    HOLD_SECONDS = 2.0

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.held = None
        self.since = 0.0

    @contextlib.contextmanager
    def connection(self):
        if self.held is None:
            self.held = db.reading(self.db_path)
            self.con = self.held.__enter__()
            self.since = time.monotonic()
        try:
            yield self.con
        except BaseException:
            self.close()
            raise
        if time.monotonic() - self.since > self.HOLD_SECONDS:
            self.close()

    def close(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            held.__exit__(None, None, None)


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame({"line": pd.Series([], dtype="int64"), "column": [], "value": [], "reason": []})


def _row_hash_key(salt: bytes | None) -> str:
    """The 16-character key of the row hashes: from this installation's salt, so that a row
    hash says nothing of the row to anyone without the salt."""
    secret = salt or os.urandom(32)  # no salt yet (a dry run before any upload): nothing to match
    return hmac.new(secret, b"wpc row hashes", "sha256").hexdigest()[:16]


ROW_HASH_AS_TEXT = ("ref", "postcode", "lsoa", "id", "text")  # fields hashed as their text, not read


def _row_hashes(kind: str, chunk: Sheet, checked: Validated, hash_key: str) -> np.ndarray:
    """A keyed 64-bit hash of each row as read: each standard field's value once read (a date
    as a date, a category as its code, a count as a number), or its text where it could not be
    read (ids, refs, postcodes and free text: as typed, trimmed, in capitals); so the same rows
    hash the same whatever the file's line endings, encoding, quoting, column order or ways of
    writing a value. Each field is hashed whole (siphash under a key of its own) and the rows'
    hashes combined arithmetically."""
    combined = np.full(chunk.rows, 0xCBF29CE484222325, dtype="uint64")
    for number, spec in enumerate(standard.fields(kind)):
        sheet_column = checked.columns.get(spec.name)
        key = hashlib.sha256(f"{hash_key}{number}".encode()).hexdigest()[:16]
        if sheet_column is None:
            hashed = np.full(chunk.rows, number, dtype="uint64")
        elif spec.rule.read in ROW_HASH_AS_TEXT or spec.name not in checked.clean:
            texts = chunk.frame[sheet_column].str.upper().to_numpy(dtype=object)
            if spec.rule.read == "postcode":
                texts = chunk.frame[sheet_column].str.upper().str.replace(" ", "", regex=False).to_numpy(dtype=object)
            hashed = pd.util.hash_array(texts, hash_key=key)
        else:
            positions, distinct = pd.factorize(chunk.frame[sheet_column], use_na_sentinel=False)
            _codes, first = np.unique(positions, return_index=True)
            read = checked.clean[spec.name].to_numpy(dtype=object)[first]
            texts = np.array([f"\x1f{v}" if v is not None and v == v else f"\x00{t}"
                              for v, t in zip(read, np.asarray(distinct, dtype=object))], dtype=object)
            hashed = pd.util.hash_array(texts, hash_key=key)[positions] if len(texts) else np.empty(0, "uint64")
        with np.errstate(over="ignore"):
            combined = (combined ^ hashed) * np.uint64(0x100000001B3)
    return combined


def _arrow(records: pd.DataFrame) -> pa.Table:
    """Records as Arrow with fixed types (text, whole numbers for lines and hashes), so every
    chunk's Parquet row group has the same schema."""
    arrays = {}
    for name in records.columns:
        values = records[name]
        if name == "source_line":
            arrays[name] = pa.array(values.to_numpy(dtype="int64"), pa.int64())
        elif name == "row_hash":
            arrays[name] = pa.array([None if pd.isna(v) else int(v) for v in values], pa.uint64())
        else:
            try:  # text already (the usual case): no conversion cell by cell
                arrays[name] = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                present = values.notna().to_numpy()
                texts = np.full(len(values), None, dtype=object)
                texts[present] = values[present].astype(str).to_numpy(dtype=object)
                arrays[name] = pa.array(texts, pa.string())
    return pa.table(arrays)


def _salt(con, where, settings: Settings, create: bool) -> bytes | None:
    """This installation's salt. A lake's is made by `wpc init` and copied to every server, never
    made by an upload (a server making its own would hash the same person differently)."""
    target = stores.resolve(where)
    salt_file = settings.salt_file(target)
    salt = privacy.load_salt(salt_file, create=create and not target.is_lake)
    if salt is None and target.is_lake and create:
        raise privacy.SaltError(
            f"there is no salt file at {salt_file}: copy it from the machine that ran `wpc init` for this "
            "store (see docs/deploy.md)"
        )
    if salt is not None:
        stores.check_salt(con, salt, salt_file)
    return salt


def _accepted(checked: Validated) -> np.ndarray:
    accepted = np.ones(len(checked.clean), dtype=bool)
    accepted[checked.problems["row"].to_numpy(dtype="int64")] = False
    return accepted


def _text(values: pd.Series) -> pd.Series:
    """Dates as ISO text, numbers as text, None kept: how staged frames reach DuckDB."""
    present = values.notna().to_numpy()
    out = np.full(len(values), None, dtype=object)
    out[present] = values[present].astype(str).to_numpy(dtype=object)
    return pd.Series(out, index=values.index, dtype=object)


def _records(
    kind: str, clean: pd.DataFrame, lines: np.ndarray, salt: bytes | None, scrubbed: pd.DataFrame
) -> pd.DataFrame:
    frame = clean.reset_index(drop=True)
    if kind == "participants":
        refs = frame["participant_ref"].fillna("").astype(str)
        frame["participant_hash"] = privacy.hash_refs(refs, salt or os.urandom(32))
        frame["source_line"] = lines
    if kind == "insights":
        frame["insight_date"] = frame["date"]
        notes = pd.Series("", index=frame.index, dtype=object)
        for name in scrubbed.columns:
            said = scrubbed[name].to_numpy(dtype=object)
            notes = notes + np.where(said != "", "; " + name + ": " + said, "")
        notes = notes.str.removeprefix("; ")
        frame["scrub_note"] = ("removed from " + notes).where(notes != "", None)
    if kind in ("activities", "insights", "returns"):
        small = frame[STORED_COLUMNS[kind]]
        return pd.DataFrame({c: _text(small[c]) for c in small.columns})
    return frame[STORED_COLUMNS[kind]].copy()


def _scrubbed_cells(scrubbed: pd.DataFrame, lines: np.ndarray) -> list[tuple]:
    """(line, field, what was removed) of the cells scrubbed, the first few only."""
    said = []
    for name in scrubbed.columns:
        notes = scrubbed[name].to_numpy(dtype=object)
        for at in np.flatnonzero(notes != ""):
            said.append((int(lines[at]), name, notes[at]))
    said.sort()
    return said[:SCRUBBED_NOTES_SHOWN]


def _scrub_notes(shown: list[tuple], removed: Counter) -> list[str]:
    """A note saying how many personal identifiers were removed before storing, and where."""
    total = sum(removed.values())
    if not total:
        return []
    listed = "; ".join(f"line {line} {name} ({what})" for line, name, what in sorted(shown)[:SCRUBBED_NOTES_SHOWN])
    kinds = privacy._note(removed)
    return [
        f"Personal identifiers were removed before storing ({kinds})"
        + (f", for example: {listed}" if listed else "")
        + "."
    ]


def _problems(read: Sheet, checked: Validated) -> pd.DataFrame:
    """One row per problem: the line, the column as written in the file, the value as given, the reason."""
    found = checked.problems
    column_of = {f: checked.columns.get(f, f) for f in found["column"].dropna().unique()}
    values = np.full(len(found), None, dtype=object)
    labels = np.full(len(found), None, dtype=object)
    for field_name, sheet_column in column_of.items():
        mask = (found["column"] == field_name).to_numpy()
        labels[mask] = read.labels.get(sheet_column, field_name)
        if sheet_column in read.frame.columns:
            values[mask] = read.frame[sheet_column].to_numpy(dtype=object)[found["row"].to_numpy()[mask]]
    return pd.DataFrame(
        {
            "line": read.lines[found["row"].to_numpy(dtype="int64")],
            "column": pd.Series(labels, dtype=object),
            "value": pd.Series(values, dtype=object),
            "reason": pd.Series(found["reason"].to_numpy(dtype=object), dtype=object),
            "row": found["row"].to_numpy(dtype="int64") + read.offset,
            "field": pd.Series(found["column"].to_numpy(dtype=object), dtype=object),
        }
    )


def _reduce(field_name: str | None, values: pd.Series) -> tuple[np.ndarray, Counter]:
    """Values as the database may keep them: postcodes cut to their sector, refs withheld, and
    everything else scrubbed of personal identifiers (whatever column they were typed in)."""
    if field_name == "postcode":
        return postcodes.sectors(values).to_numpy(dtype=object), Counter()
    if field_name == "participant_ref":
        return np.full(len(values), None, dtype=object), Counter()
    texts, _notes, removed = privacy.scrub_column(values)
    return texts, removed


PROBLEM_TYPE = pa.struct([("column_name", pa.string()), ("reason", pa.int32())])


def _quarantine_rows(json_con, read: Sheet, checked: Validated, problems: pd.DataFrame, reasons: dict):
    """The quarantined rows of a chunk as the quarantine keeps them: the row once (its standard
    columns, personal data reduced, as JSON) and its problems as (field, reason code), the
    codes numbering the file's distinct reasons. Whole columns at a time."""
    if problems.empty:
        return pa.table({}), Counter()
    at = problems["row"].to_numpy(dtype="int64") - read.offset  # problems come sorted by row
    rows, starts = np.unique(at, return_index=True)
    removed = Counter()
    as_read = {}
    for field_name, sheet_column in checked.columns.items():
        as_read[field_name], said = _reduce(field_name, read.frame[sheet_column].iloc[rows].reset_index(drop=True))
        removed.update(said)
    frame = pa.table({k: pa.array(v, pa.string()) for k, v in as_read.items()}) if as_read \
        else pa.table({"_": pa.array([None] * len(rows), pa.string())})
    json_con.register("rows_as_read", frame)
    try:
        row_json = json_con.execute("select to_json(rows_as_read) as j from rows_as_read").to_arrow_table()
    finally:
        json_con.unregister("rows_as_read")
    positions, distinct = pd.factorize(problems["reason"].to_numpy(dtype=object))
    codes = np.array([reasons.setdefault(r, len(reasons)) for r in distinct], dtype="int32")[positions]
    fields = problems["field"].to_numpy(dtype=object)
    fields = np.where(pd.isna(fields), None, fields)
    offsets = np.append(starts, len(at)).astype("int32")
    problem_lists = pa.ListArray.from_arrays(
        pa.array(offsets, pa.int32()),
        pa.StructArray.from_arrays([pa.array(fields, pa.string()), pa.array(codes, pa.int32())],
                                   fields=list(PROBLEM_TYPE)),
    )
    return pa.table(
        {
            "row": pa.array(rows + read.offset, pa.int64()),
            "line": pa.array(read.lines[rows], pa.int64()),
            "row_json": row_json.column("j").cast(pa.string()),
            "problems": problem_lists,
        }
    ), removed


def _earlier(con, rows_hash: str, sha256: str, kind: str) -> dict | None:
    found = db.query(con, "ingest/upload_by_hash", rows_hash=rows_hash, sha256=sha256, kind=kind)
    if found.empty:
        return None
    row = found.iloc[0]
    return {
        "upload_id": int(row["upload_id"]),
        "uploaded_at": str(row["uploaded_at"]),
        "file_name": row["file_name"],
        "rows_stored": int(row["rows_stored"]),
        "rows_quarantined": int(row["rows_quarantined"]),
    }


def _repeats(con, staging: Staging) -> dict | None:
    """Participant rows without a ref that repeat rows already stored: how many, from which uploads."""
    path = staging.path("participants")
    if not path.exists():
        return None
    # A read-only connection cannot make a view: the staged rows are the query's relation.
    found = con.read_parquet(str(path)).query("staged_row_hashes", db.load_sql("ingest/repeated_rows")).df()
    if found.empty:
        return None
    return {"rows": int(found["rows"].sum()), "uploads": [int(u) for u in found["upload_id"]]}


def _repeats_note(repeats: dict) -> str:
    uploads = ", ".join(map(str, repeats["uploads"]))
    return (
        f"{repeats['rows']:,} row(s) without a participant_ref repeat rows already stored by upload "
        f"{uploads} (the same activity and the same answers): storing them would count those people "
        "twice unless they are different people."
    )


def describe_repeats(repeats: dict) -> str:
    """What the Upload page says before storing rows that repeat rows already stored."""
    return _repeats_note(repeats) + " Store them only if they are different people."


def _state(con) -> tuple:
    row = db.query(con, "ingest/state_token").iloc[0]
    return int(row["last_upload"]), int(row["uploads"])


# The rejects file: the quarantined rows, made from the uploaded file again --------------------


def _rejects_frame(prepared: Prepared, rows: list) -> pd.DataFrame:
    return pd.DataFrame(columns=["upload_line", "problems", *prepared.columns.values()])


def _staged_quarantine(prepared: Prepared) -> Iterator[pa.Table]:
    """The staged quarantine (row, line, problems), a row group at a time, in row order."""
    path = prepared.staging.path("quarantine")
    if not path.exists():
        return
    parquet = pa_parquet.ParquetFile(path)
    for group in range(parquet.num_row_groups):
        yield parquet.read_row_group(group, columns=["row", "line", "problems"])


def _problem_texts(prepared: Prepared, problems: pa.ListArray, labels: dict[str, str]):
    """Each row's problems as "column: reason; ...", and all of them flat (row index, label,
    field, reason), whole columns at a time."""
    flat = pa_compute.list_flatten(problems)
    parent = pa_compute.list_parent_indices(problems).to_numpy()
    fields = flat.field("column_name").to_numpy(zero_copy_only=False)
    reasons = np.asarray(prepared.reasons, dtype=object)[flat.field("reason").to_numpy(zero_copy_only=False)]
    label_of = np.array([labels.get(f) if f is not None else None for f in fields], dtype=object)
    said = np.where(pd.isna(label_of), reasons, label_of.astype(str) + ": " + reasons.astype(str))
    joined = np.full(len(problems), "", dtype=object)
    first = np.ones(len(parent), dtype=bool)
    first[1:] = parent[1:] != parent[:-1]
    joined[parent[first]] = said[first]
    rest = np.flatnonzero(~first)
    for k in rest:  # rows with more than one problem: few problems each
        joined[parent[k]] = joined[parent[k]] + "; " + said[k]
    return joined, (parent, label_of, fields, reasons)


def rejected_rows(prepared: Prepared, long: bool = False) -> Iterator[pd.DataFrame]:
    """The quarantined rows, a chunk at a time, with every standard column as the file has it
    (values in full: this is the uploader's own file, read again, never anything stored),
    `upload_line` and `problems`; or, `long`, one row per problem (line, column, value, reason)."""
    staged = _staged_quarantine(prepared)
    pending = next(staged, None)
    if pending is None:
        return
    table = open_table(prepared.source, 1 << 20, prepared.sheet, prepared.file_name)
    labels = {f: table.labels[c] for f, c in prepared.columns.items()}
    for chunk in table.chunks(keep=list(prepared.columns.values())):
        last = chunk.offset + chunk.rows
        parts = []
        while pending is not None:
            row = pending.column("row").to_numpy()
            inside = int(np.searchsorted(row, last))
            parts.append(pending.slice(0, inside))
            if inside < pending.num_rows:
                pending = pending.slice(inside)
                break
            pending = next(staged, None)
        here = pa.concat_tables(parts) if parts else None
        if here is None or not here.num_rows:
            continue
        at = here.column("row").to_numpy() - chunk.offset
        frame = chunk.frame.iloc[at].reset_index(drop=True)
        joined, (parent, label_of, fields, reasons) = _problem_texts(
            prepared, here.column("problems").combine_chunks(), labels)
        lines = chunk.lines[at]
        if long:
            values = np.full(len(parent), None, dtype=object)
            for name, sheet_column in prepared.columns.items():
                mask = fields == name
                if mask.any():
                    values[mask] = frame[sheet_column].to_numpy(dtype=object)[parent[mask]]
            yield pd.DataFrame({"line": lines[parent], "column": label_of, "value": values, "reason": reasons})
            continue
        out = pd.DataFrame({"upload_line": lines, "problems": pd.Series(joined, dtype=object)})
        for sheet_column in prepared.columns.values():
            out[table.labels[sheet_column]] = frame[sheet_column].to_numpy()
        yield out
    if table.sha256 and table.sha256 != prepared.sha256:
        raise FileRefused(f"{prepared.file_name} changed after it was checked: check it again")


def rejects_csv(prepared: Prepared) -> bytes:
    """The rejects file as CSV bytes (formula-safe), for a download."""
    from wpc.export.tables import to_csv_bytes

    out = io.BytesIO()
    write_rejects(prepared, out)
    return out.getvalue() if out.tell() else to_csv_bytes(_rejects_frame(prepared, []))


def write_rejects(prepared: Prepared, out) -> None:
    """Write the rejects file (CSV, UTF-8 with a BOM, formula-safe) to a binary stream, a chunk at a time."""
    from wpc.export.tables import to_csv_bytes

    first = True
    for frame in rejected_rows(prepared):
        data = to_csv_bytes(frame)
        if not first:
            data = data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[1] if b"\n" in data else b""
        out.write(data)
        first = False


# Commit -------------------------------------------------------------------------------------


def commit(
    prepared: Prepared, db_path: Path, source: str = "cli", uploaded_by: str | None = None,
    wait_seconds: float = 120.0,
) -> Outcome:
    """Store the prepared rows and quarantine the rest, in one transaction. Raises StaleCheck if the
    database changed since `prepare` (check the file again), DatabaseBusy if another write holds
    the database longer than `wait_seconds`."""
    outcome = _outcome(prepared)
    _release_memory()
    stored_name = privacy.scrub_column([prepared.file_name])[0][0]
    try:
        return _commit(prepared, outcome, db_path, stored_name, source, uploaded_by, wait_seconds)
    except db.WriteConflict as exc:  # a lake: another upload committed first
        raise StaleCheck("the database changed while the file was being stored: check it again") from exc


def _commit(prepared, outcome, db_path, stored_name, source, uploaded_by, wait_seconds) -> Outcome:
    with db.writing(db_path, wait_seconds=wait_seconds, doing=f"an upload of {stored_name}") as con:
        if _state(con) != prepared.state:
            raise StaleCheck("the database changed while the file was being checked: check it again")
        earlier = _earlier(con, prepared.rows_hash, prepared.sha256, prepared.kind)
        if earlier:
            return _already(outcome, earlier)
        upload_id = int(db.query(con, "ingest/next_upload_id")["upload_id"].iloc[0])
        db.set_meta(con, "last_upload_id", str(upload_id))
        staged = f"staged_{prepared.kind}"
        registered = []
        for name, view in ((prepared.kind, staged), ("quarantine", "staged_quarantine"), ("reasons", "staged_reasons")):
            if prepared.staging.view(con, name, view):
                registered.append(view)
        try:
            if prepared.stored:
                if prepared.kind == "participants":
                    db.execute(con, "ingest/replace_participants_by_ref")
                    db.execute(con, "ingest/insert_participants", upload_id=upload_id)
                    db.execute(con, "ingest/insert_row_hashes", upload_id=upload_id)
                else:
                    db.execute(con, f"ingest/upsert_{prepared.kind}", upload_id=upload_id)
            if prepared.quarantined:
                db.execute(con, "ingest/insert_quarantine", upload_id=upload_id, kind=prepared.kind)
                db.execute(con, "ingest/insert_quarantine_reasons", upload_id=upload_id)
            removed = sum(prepared.removed.values())
            db.execute(
                con,
                "ingest/insert_upload",
                upload_id=upload_id,
                uploaded_at=datetime.now().replace(microsecond=0),
                kind=prepared.kind,
                file_name=stored_name,
                sha256=prepared.sha256,
                rows_read=prepared.rows_read,
                rows_stored=prepared.stored,
                rows_quarantined=prepared.quarantined,
                source=source,
                uploaded_by=uploaded_by,
                rows_hash=prepared.rows_hash,
                identifiers_removed=removed,
                identifiers_note=privacy._note(prepared.removed) or None,
            )
            _check_keys(con, upload_id)
            _pause_if_testing(con, upload_id)
        except duckdb.IOException as exc:  # a full disk, a read-only file...
            raise db.DatabaseError(db.explain(exc, db_path)) from exc
        except duckdb.Error as exc:
            # A check that let through a row the schema refuses: say so; the transaction rolls back.
            raise db.DatabaseError(f"the upload could not be stored ({str(exc).splitlines()[0]})") from exc
        finally:
            with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses even these
                for view in registered:
                    con.execute(f"drop view if exists {view}")
    outcome.upload_id = upload_id
    return outcome


def _check_keys(con, upload_id: int) -> None:
    """No key the upload touched is stored twice (the store has no key constraints to refuse it)."""
    twice = db.duplicate_keys(con, upload_id)
    if len(twice):
        first = twice.iloc[0]
        raise db.DatabaseError(
            f"the upload could not be stored: it would store {first['table_name']} {first['key']!r} "
            f"{int(first['copies'])} times"
        )


def _release_memory() -> None:
    """Hand back to the system the memory Arrow's allocator kept from checking the file (the CSV
    reader's buffers, text columns): it keeps freed memory for its own reuse, which DuckDB's
    allocator cannot use."""
    pa.default_memory_pool().release_unused()


def _outcome(prepared: Prepared, dry_run: bool = False) -> Outcome:
    return Outcome(
        kind=prepared.kind,
        file_name=prepared.file_name,
        rows_read=prepared.rows_read,
        stored=prepared.stored,
        quarantined=prepared.quarantined,
        problems=prepared.problems,
        notes=list(prepared.notes),
        dry_run=dry_run,
        prepared=prepared,
        problem_count=prepared.problem_count,
    )


def _already(outcome: Outcome, earlier: dict) -> Outcome:
    outcome.earlier = earlier
    outcome.notes.append(
        f"The rows of this file are the same as those of upload {earlier['upload_id']} "
        f"({earlier['file_name']}, {earlier['uploaded_at']}: {earlier['rows_stored']:,} stored, "
        f"{earlier['rows_quarantined']:,} quarantined), so it was already uploaded; nothing changed. "
        "To retry rows it quarantined, upload its rejects file once corrected."
    )
    outcome.stored = outcome.quarantined = 0
    outcome.problems = outcome.problems.iloc[0:0]
    outcome.problem_count = 0
    return outcome


def _pause_if_testing(con, upload_id: int) -> None:
    if os.environ.get(PAUSE_ENV):
        counts = db.query(con, "ingest/table_rows").iloc[0].to_dict()
        db.pause_if_testing({"upload_id": upload_id, **{k: int(v) for k, v in counts.items()}})


# Both steps ---------------------------------------------------------------------------------


def ingest(
    path: Path | str,
    db_path: Path,
    settings: Settings,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "cli",
    sheet: str | None = None,
    file_name: str | None = None,
    allow_repeats: bool = False,
) -> Outcome:
    """Prepare and (unless a dry run) commit one file. Uploads queue behind each other (so one
    is never checked against a database another is about to change); if something else changed
    the database meanwhile (a rebuild, an upload from the app), the file is checked again.
    Participant rows without a ref that repeat rows already stored refuse the file (RepeatedRows)
    unless `allow_repeats`. The outcome keeps the staged check (for its rejects) until it is
    discarded (`outcome.prepared.discard()`) or forgotten."""
    uploaded_by = _user() if source == "cli" else None
    if dry_run:
        prepared = prepare(path, db_path, settings, kind=kind, sheet=sheet, file_name=file_name, create_salt=False)
        outcome = _outcome(prepared, dry_run=True)
        return _already(outcome, prepared.earlier) if prepared.earlier else outcome
    with db.upload_queue(db_path):
        for attempt in range(1, CHECKS + 1):
            prepared = prepare(path, db_path, settings, kind=kind, sheet=sheet, file_name=file_name)
            if prepared.repeats and not allow_repeats and not prepared.earlier:
                prepared.discard()
                raise RepeatedRows(
                    _repeats_note(prepared.repeats) + " If they are different people, upload the file "
                    "again with --allow-repeats"
                )
            try:
                return commit(prepared, db_path, source=source, uploaded_by=uploaded_by)
            except StaleCheck:
                prepared.discard()
                if attempt == CHECKS:
                    raise
    raise AssertionError("unreachable")


def describe(outcome: Outcome, rejects_file: Path | None = None, limit: int = 40) -> str:
    """What an upload did, in words, with its problems listed (the first `limit` of them)."""
    verb = ("would store", "would quarantine") if outcome.dry_run else ("stored", "quarantined")
    lines = [
        f"{outcome.file_name} ({outcome.kind}): {outcome.rows_read:,} rows read; "
        f"{verb[0]} {outcome.stored:,}, {verb[1]} {outcome.quarantined:,}."
    ]
    lines += [f"  {note}" for note in outcome.notes]
    if len(outcome.problems):
        lines.append(f"Problems ({outcome.problem_count:,}), by line:")
        for row in outcome.problems.head(limit).itertuples(index=False):
            where = f"line {row.line}" + (f", {row.column} = {row.value!r}" if row.column else "")
            lines.append(f"  {where}: {row.reason}")
        if outcome.problem_count > limit:
            lines.append(f"  ... and {outcome.problem_count - limit:,} more (all of them with --json or --rejects)")
    if rejects_file is not None:
        lines.append(
            f"The quarantined rows, with their problems, are in {rejects_file}: fix them there and "
            "upload that file."
        )
    elif outcome.quarantined:
        lines.append("Write the quarantined rows to a file to fix with --rejects PATH.")
    if outcome.dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
