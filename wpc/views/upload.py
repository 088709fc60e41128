"""Uploading engagement data (docs/data-standard.md): what each kind of file holds, its
templates, what a checked file will store and quarantine and why, the file's own data quality,
and the recent uploads (a person's own only, unless they may see every upload: file names can
say whom a file is about). The stored data's quality is wpc.views.quality."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from wpc.access import Access
from wpc.config import load_settings
from wpc.db import DatabaseError
from wpc.ingest import load, standard, templates, uploads
from wpc.ingest.load import Outcome, Prepared, StaleCheck
from wpc.ingest.read import FileRefused, sheet_names
from wpc.views.parts import Metric, Table

__all__ = ["DatabaseError", "FileRefused", "Outcome", "Prepared", "StaleCheck", "sheet_names"]

KINDS = standard.KINDS
KIND_LABELS = dict(zip(KINDS, (
    "Activities: the activity log, one row per activity",
    "Participants: equality monitoring, one row per person per activity",
    "Returns: monitoring counts, for activities with totals only",
    "Insights: what people told us (the insight library)",
), strict=True))
RECENT_SHOWN = 20
RECENT_TITLES = {"upload_id": "Upload", "uploaded_at": "When", "kind": "Kind", "file_name": "File",
                 "rows_read": "Rows read", "rows_stored": "Stored", "rows_quarantined": "Quarantined",
                 "source": "From"}
PREVIEW_ROWS = 200
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    data: bytes
    mime: str


@dataclass(frozen=True)
class Rejects:
    """The quarantined rows as read, with their problems: a file to fix and upload again. It is
    made from the uploaded file again when the button is pressed (`make`), never before."""

    label: str
    file_name: str
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Recent:
    heading_note: str | None  # "Your own uploads." for a person who sees only theirs
    empty_note: str
    table: Table
    with_rejects: dict[int, str]  # upload id -> its label, for the uploads shown that quarantined rows


@dataclass(frozen=True)
class Checked:
    """A checked file (or a stored one, `done`) as the page shows it."""

    metrics: tuple[Metric, ...]
    earlier: str | None  # the file was uploaded before: uploading again changes nothing
    problems_heading: str
    problems_text: str
    rejects: Rejects | None
    problems: Table
    problems_cut: str | None  # said when the table shows only the first of many problems
    repeats: str | None  # participant rows without a ref that repeat rows already stored
    all_stored: str | None  # said when no row is quarantined
    quality: tuple[Table, ...]  # one per section of the file's data quality
    preview_heading: str
    preview: pd.DataFrame
    store_label: str


# What the activities standard gained lately, said where people upload (docs/data-standard.md).
WHATS_NEW = (
    "New in the activity log: **status** (planned, held or cancelled; blank means held) lets you upload next "
    "quarter's plan and check it on the **Plans** page before anyone is asked: plans and cancelled activities "
    "count in no measure, and uploading the same activity_id again as held, with its participants, turns the "
    "plan into the record. **target_areas** (LSOA, MSOA or district codes, separated by ;) say where a plan "
    "sets out to reach. **place** may name the whole ICS (its name, id, or ICS-wide) for a system-wide event: "
    "its participants count where they live. **organisation_type** (ICB, NHS trust, primary care, local "
    "authority, Healthwatch, VCSE, other) says what kind of partner ran it. Download the template for the "
    "columns."
)


def max_upload_mb() -> int:
    return load_settings().max_upload_mb


def permission(access: Access) -> str | None:
    """What a person who may not upload for every place is told."""
    if access.every_upload:
        return None
    return (f":material/lock: You may upload for the places your access covers ({access.describe()}); rows for "
            "any other place are quarantined with the reason.")


def template_downloads(kind: str) -> tuple[Download, Download]:
    return (Download("Download the CSV template", templates.file_name(kind, "csv"),
                     templates.template_bytes(kind, "csv"), CSV),
            Download("Download the XLSX template (with notes)", templates.file_name(kind, "xlsx"),
                     templates.template_bytes(kind, "xlsx"), XLSX))


def column_notes(kind: str) -> pd.DataFrame:
    return templates.notes_frame(kind)


def recent(con: duckdb.DuckDBPyConnection, access: Access) -> Recent:
    """The latest uploads: every one for a person who may see every upload, else their own."""
    mine = None if access.every_upload else access.user
    rows = uploads.recent(con, limit=RECENT_SHOWN, uploaded_by=mine)
    quarantined = rows[rows["rows_quarantined"] > 0]
    return Recent(None if access.every_upload else "Your own uploads.",
                  "Nothing has been uploaded yet." if access.every_upload else "You have uploaded nothing yet.",
                  Table("uploads-recent", "Recent uploads", rows.rename(columns=RECENT_TITLES)),
                  {int(r.upload_id): f"Upload {r.upload_id}: {r.file_name} ({r.kind}, {r.uploaded_at:%-d %b %Y, %H:%M}, "
                                     f"{r.rows_quarantined:,} quarantined)" for r in quarantined.itertuples()})


EARLIER_REJECTS_NOTE = ("The quarantined rows as the database keeps them, with a `problems` column: postcodes are "
                        "cut to their sector and participant references are not kept, so copy those back from "
                        "your own file before uploading the corrected rows.")


def earlier_rejects(con: duckdb.DuckDBPyConnection, upload_id: int, access: Access) -> bytes:
    """An earlier upload's quarantined rows, from the stored quarantine, as a formula-safe CSV to
    fix and upload again: only the person's own uploads unless they may see every upload."""
    from wpc.export.tables import to_csv_bytes

    found = uploads.upload_of(con, upload_id, None if access.every_upload else access.user)
    if found is None:
        raise PermissionError(f"upload {upload_id} is not one of the uploads you can see")
    return to_csv_bytes(uploads.quarantined_rows(con, upload_id, found["kind"]))


def earlier_rejects_file(upload_id: int) -> str:
    return f"upload-{upload_id}-rejects.csv"


def check(content: bytes, db_path: Path, kind: str, file_name: str, sheet: str | None,
          access: Access) -> Prepared:
    """Check a file against the data standard and the database (nothing is written)."""
    return load.prepare(content, db_path, load_settings(), kind=kind, file_name=file_name, sheet=sheet,
                        access=None if access.single_user else access)


def store(prepared: Prepared, db_path: Path, access: Access) -> Outcome:
    """Store a checked file in one transaction, as the person's upload."""
    return load.commit(prepared, db_path, source="upload", uploaded_by=access.user,
                       wait_seconds=load.APP_COMMIT_WAIT)


def stored_message(outcome: Outcome) -> tuple[str, str]:
    """('info', text) for a file found already stored, else ('success', text)."""
    if outcome.earlier:
        return "info", outcome.notes[-1]
    return "success", (f"Upload {outcome.upload_id} done: {outcome.stored:,} rows stored, "
                       f"{outcome.quarantined:,} quarantined. Every page now includes them.")


def checked(prepared: Prepared, done: bool) -> Checked:
    """What the page shows of a checked file, before (`done` False) or after it is stored."""
    earlier = None
    if prepared.earlier and not done:
        e = prepared.earlier
        earlier = (f"The rows of this file are the same as those of upload {e['upload_id']} ({e['file_name']}, "
                   f"{e['uploaded_at']}: {e['rows_stored']:,} stored, {e['rows_quarantined']:,} quarantined), so it "
                   "was already uploaded: uploading it again would change nothing. To retry its quarantined rows, "
                   "upload its corrected rejects file.")
    sections = [
        Table(f"upload_quality_{section.replace(' ', '_')}", section.capitalize(),
              checks.drop(columns="section").rename(columns={"check": section.capitalize(), "rows": "Rows",
                                                            "share": "Share"}), percent_columns=("Share",))
        for section, checks in prepared.quality.groupby("section", sort=False)
    ]
    all_stored = None
    if not prepared.quarantined and prepared.rows_read:
        all_stored = "No problems found: every row will be stored." if not done else "Every row was stored."
    return Checked(
        metrics=(Metric("Rows read", f"{prepared.rows_read:,}"),
                 Metric("Stored" if done else "Will be stored", f"{prepared.stored:,}"),
                 Metric("Quarantined" if done else "Will be quarantined", f"{prepared.quarantined:,}")),
        earlier=earlier,
        problems_heading="Quarantined rows, and why" if done else "Rows that will be quarantined, and why",
        problems_text=(f"{prepared.quarantined:,} of {prepared.rows_read:,} rows have problems. Download them as "
                       "a CSV with every column and a problems column, correct the cells in a spreadsheet, "
                       "and "
                       "upload that file."),
        rejects=Rejects("Download the quarantined rows to fix (CSV)", f"{Path(prepared.file_name).stem}-rejects.csv",
                        lambda: load.rejects_csv(prepared)) if prepared.quarantined else None,
        problems=Table("upload-problems", "Problems", prepared.problems[["line", "column", "value", "reason"]].rename(
            columns={"line": "Line", "column": "Column", "value": "Value", "reason": "Problem"})),
        problems_cut=(f"The first {len(prepared.problems):,} of {prepared.problem_count:,} problems; the download "
                      "has them all." if prepared.problem_count > len(prepared.problems) else None),
        repeats=(load.describe_repeats(prepared.repeats)
                 if prepared.repeats and not prepared.earlier and not done else None),
        all_stored=all_stored, quality=tuple(sections),
        preview_heading=(f"The {prepared.stored:,} rows {'stored' if done else 'that will be stored'} "
                         f"(the first {PREVIEW_ROWS}, as the database keeps them)"),
        preview=prepared.preview.drop(columns=["participant_hash"], errors="ignore").head(PREVIEW_ROWS),
        store_label=f"Store {prepared.stored:,} rows and quarantine {prepared.quarantined:,}",
    )
