"""Lossless ingest (docs/data-standard.md, What ingest does): prepare a file, then commit it in one transaction.

`prepare` reads and checks the file against the database (read-only) and says exactly
what would be stored and what quarantined, and why. `commit` writes it all in one
transaction: the stored rows (upserted by key), a quarantine row per problem, and the
uploads audit row; a crash or kill before the end leaves the database as it was.
Every row read is either stored or quarantined. The same file twice changes nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from wpc import db
from wpc import store as stores
from wpc.config import Settings
from wpc.access import Access
from wpc.ingest import permitted, postcodes, privacy, quality, standard
from wpc.ingest.read import FileRefused, Sheet, read_bytes, read_file
from wpc.ingest.validate import Validated, infer_kind, validate

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


class StaleCheck(RuntimeError):
    """The database changed between checking a file and storing it; check it again."""


@dataclass
class Prepared:
    """A file checked and ready to commit: what will be stored, what quarantined and why."""

    kind: str
    file_name: str
    sha256: str
    rows_read: int
    records: pd.DataFrame  # rows to store, in the stored tables' terms
    problems: pd.DataFrame  # line, column, value, reason: one per problem, values as given
    rejected: pd.DataFrame  # the quarantined rows as read, with line and problems: a file to fix
    quarantine: pd.DataFrame  # what the quarantine table gets (personal data reduced)
    quality: pd.DataFrame  # the file's data quality (wpc.ingest.quality)
    notes: list[str] = field(default_factory=list)
    earlier: dict | None = None  # an earlier upload of the same content, if any
    state: tuple = ()

    @property
    def stored(self) -> int:
        return len(self.records)

    @property
    def quarantined(self) -> int:
        return len(self.rejected)


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
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    upload_id: int | None = None
    earlier: dict | None = None
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        """The CLI contract (README, Command line): 0 all stored, 3 some quarantined (2 is a refused file)."""
        return 3 if self.quarantined else 0

    def as_json(self) -> dict:
        rejects = [
            {"line": int(r.line), "column": r.column, "value": r.value, "reason": r.reason}
            for r in self.problems.itertuples(index=False)
        ]
        result = {"stored": self.stored, "quarantined": self.quarantined, "rejects": rejects}
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
    quarantined too (wpc.ingest.permitted).

    Raises FileRefused (the whole file cannot be taken, nothing will be written) with a clear message.
    """
    if kind is not None and kind not in standard.KINDS:
        raise FileRefused(f"unknown kind {kind!r}: use one of {', '.join(standard.KINDS)}")
    if isinstance(source, bytes):
        read = read_bytes(source, file_name or "upload", settings.max_upload_mb, sheet)
    else:
        read = read_file(source, settings.max_upload_mb, sheet)
        if file_name:
            read.file_name = file_name
    kind = kind or infer_kind(read)
    with db.reading(db_path) as con:
        if not db.table_exists(con, "activities") or not db.table_exists(con, "ref_postcode_lsoa"):
            raise db.DatabaseError(f"{db_path} is not a wpc database: build it with `wpc init --db {db_path}`")
        salt = None
        if kind == "participants":
            salt = _salt(con, db_path, settings, create_salt)
        checked = validate(kind, read, con)
        if access is not None:
            checked.problems = permitted.problems(kind, checked, con, access)
        accepted = _accepted(checked)
        records = _records(
            kind, checked.clean[accepted], read.lines[accepted], salt or secrets.token_bytes(32),
            checked.scrubbed[accepted],
        )
        file_quality = quality.summarise(con, kind, records, checked.clean[accepted])
        earlier = _earlier(con, read.sha256, kind)
        state = _state(con)
    problems = _problems(read, checked)
    return Prepared(
        kind=kind,
        file_name=read.file_name,
        sha256=read.sha256,
        rows_read=read.rows,
        records=records,
        problems=problems,
        rejected=_rejected_rows(read, problems, ~accepted),
        quarantine=_quarantine_rows(read, checked, problems),
        quality=file_quality,
        notes=read.notes + checked.notes + _scrub_notes(checked.scrubbed[accepted], read.lines[accepted], read),
        earlier=earlier,
        state=state,
    )


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
    kind: str, clean: pd.DataFrame, lines: np.ndarray, salt: bytes, scrubbed: pd.DataFrame
) -> pd.DataFrame:
    frame = clean.reset_index(drop=True)
    if kind == "participants":
        refs = frame["participant_ref"].fillna("").astype(str)
        frame["participant_hash"] = privacy.hash_refs(refs, salt)
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
    return frame[STORED_COLUMNS[kind]]


def _scrub_notes(scrubbed: pd.DataFrame, lines: np.ndarray, read: Sheet) -> list[str]:
    """A note saying which cells of the rows to be stored had personal identifiers removed."""
    said = []
    for name in scrubbed.columns:
        for line, removed in zip(lines, scrubbed[name].to_numpy(dtype=object)):
            if removed:
                said.append((line, name, removed))
    if not said:
        return []
    said.sort()
    shown = "; ".join(f"line {line} {name} ({removed})" for line, name, removed in said[:SCRUBBED_NOTES_SHOWN])
    more = len(said) - SCRUBBED_NOTES_SHOWN
    return [
        f"Personal identifiers were removed from {len(said):,} cell(s) before storing: {shown}"
        + (f"; and {more:,} more." if more > 0 else ".")
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
            "column": labels,
            "value": values,
            "reason": found["reason"].to_numpy(dtype=object),
            "row": found["row"].to_numpy(dtype="int64"),
            "field": found["column"].to_numpy(dtype=object),
        }
    )


def _rejected_rows(read: Sheet, problems: pd.DataFrame, rejected: np.ndarray) -> pd.DataFrame:
    """The quarantined rows with all their columns as read, and what to fix: a file to correct and
    upload again."""
    rows = read.frame[rejected]
    said = np.where(
        problems["column"].isna(),
        problems["reason"],
        problems["column"].astype(str) + ": " + problems["reason"].astype(str),
    )
    joined = pd.Series(said).groupby(problems["row"].to_numpy()).agg("; ".join)
    out = pd.DataFrame(
        {"upload_line": read.lines[rejected], "problems": joined.reindex(rows.index).to_numpy()}
    )
    for name in read.frame.columns:
        out[read.labels[name]] = rows[name].to_numpy()
    return out.reset_index(drop=True)


def _reduce(field_name: str | None, values: pd.Series) -> pd.Series:
    """Values as the database may keep them: postcodes cut to their sector, refs withheld, and
    everything else scrubbed of personal identifiers (whatever column they were typed in)."""
    if field_name == "postcode":
        return postcodes.sectors(values)
    if field_name == "participant_ref":
        return pd.Series(None, index=values.index, dtype=object)
    return pd.Series(privacy.scrub_column(values)[0], index=values.index, dtype=object)


def _quarantine_rows(read: Sheet, checked: Validated, problems: pd.DataFrame) -> pd.DataFrame:
    if problems.empty:
        return pd.DataFrame(columns=["line", "column_name", "value", "reason", "row_json"])
    rows = np.unique(problems["row"].to_numpy())
    as_read = pd.DataFrame(index=range(len(rows)))
    for field_name, sheet_column in checked.columns.items():
        as_read[field_name] = _reduce(field_name, read.frame[sheet_column].iloc[rows].reset_index(drop=True))
    row_json = pd.Series(_json_rows(as_read), index=rows)
    value = problems["value"].copy()
    for field_name in problems["field"].dropna().unique():
        mask = (problems["field"] == field_name).to_numpy()
        value[mask] = _reduce(field_name, problems.loc[mask, "value"]).to_numpy()
    return pd.DataFrame(
        {
            "line": problems["line"].to_numpy(),
            "column_name": privacy.scrub_column(problems["column"])[0],
            "value": value.to_numpy(),
            "reason": privacy.scrub_column(problems["reason"])[0],
            "row_json": row_json.reindex(problems["row"].to_numpy()).to_numpy(),
        }
    )


def _json_rows(frame: pd.DataFrame) -> list[str]:
    """Each row as a JSON object (DuckDB's to_json: whole columns at once)."""
    con = duckdb.connect()
    try:
        con.register("rows_as_read", frame.astype(object))
        return [r[0] for r in con.execute("select to_json(rows_as_read) from rows_as_read").fetchall()]
    finally:
        con.close()


def _earlier(con, sha256: str, kind: str) -> dict | None:
    found = db.query(con, "ingest/upload_by_hash", sha256=sha256, kind=kind)
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


def _state(con) -> tuple:
    row = db.query(con, "ingest/state_token").iloc[0]
    return int(row["last_upload"]), int(row["uploads"])


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
        earlier = _earlier(con, prepared.sha256, prepared.kind)
        if earlier:
            return _already(outcome, earlier)
        upload_id = int(db.query(con, "ingest/next_upload_id")["upload_id"].iloc[0])
        db.set_meta(con, "last_upload_id", str(upload_id))
        staged = f"staged_{prepared.kind}"
        con.register(staged, prepared.records)
        con.register("staged_quarantine", prepared.quarantine)
        try:
            if prepared.kind == "participants":
                db.execute(con, "ingest/replace_participants_by_ref")
                db.execute(con, "ingest/insert_participants", upload_id=upload_id)
            else:
                db.execute(con, f"ingest/upsert_{prepared.kind}", upload_id=upload_id)
            db.execute(con, "ingest/insert_quarantine", upload_id=upload_id, kind=prepared.kind)
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
                con.unregister(staged)
                con.unregister("staged_quarantine")
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
    allocator cannot use, so a million-row commit would otherwise peak about 300 MB higher."""
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
        rejected=prepared.rejected,
        dry_run=dry_run,
    )


def _already(outcome: Outcome, earlier: dict) -> Outcome:
    outcome.earlier = earlier
    outcome.notes.append(
        f"This file was already uploaded on {earlier['uploaded_at']} (upload {earlier['upload_id']}: "
        f"{earlier['rows_stored']:,} stored, {earlier['rows_quarantined']:,} quarantined); nothing changed. "
        "To retry rows it quarantined, upload its rejects file once corrected."
    )
    outcome.stored = outcome.quarantined = 0
    outcome.problems = outcome.problems.iloc[0:0]
    outcome.rejected = outcome.rejected.iloc[0:0]
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
) -> Outcome:
    """Prepare and (unless a dry run) commit one file. Uploads queue behind each other (so one
    is never checked against a database another is about to change); if something else changed
    the database meanwhile (a rebuild, an upload from the app), the file is checked again."""
    uploaded_by = _user() if source == "cli" else None
    if dry_run:
        prepared = prepare(path, db_path, settings, kind=kind, sheet=sheet, file_name=file_name, create_salt=False)
        outcome = _outcome(prepared, dry_run=True)
        return _already(outcome, prepared.earlier) if prepared.earlier else outcome
    with db.upload_queue(db_path):
        for attempt in range(1, CHECKS + 1):
            prepared = prepare(path, db_path, settings, kind=kind, sheet=sheet, file_name=file_name)
            try:
                return commit(prepared, db_path, source=source, uploaded_by=uploaded_by)
            except StaleCheck:
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
        lines.append(f"Problems ({len(outcome.problems):,}), by line:")
        for row in outcome.problems.head(limit).itertuples(index=False):
            where = f"line {row.line}" + (f", {row.column} = {row.value!r}" if row.column else "")
            lines.append(f"  {where}: {row.reason}")
        if len(outcome.problems) > limit:
            lines.append(f"  ... and {len(outcome.problems) - limit:,} more (all of them with --json)")
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
