"""`wpc delete-upload`: an upload's rows, quarantine and audit record go, in one transaction,
and nothing else; an activities upload takes its activities' participants with it; --demo
removes every piece of synthetic demo data."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.fixtures.fingerprints import table_fingerprints
from tests.fixtures.ingest_files import ENGAGEMENT_TABLES, counts, ingest, load_base_activities, rows, write
from wpc import db as database
from wpc import status
from wpc.config import ROOT


def wpc(*args, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, "-m", "wpc", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, stdin=stdin)


@pytest.fixture
def db(writable_reference_db, tmp_path):
    load_base_activities(writable_reference_db, tmp_path)  # upload 1: ACT-1..3
    people = ingest(writable_reference_db, write(tmp_path / "people.csv", (
        "activity_id,participant_ref,postcode,age\n"
        "ACT-1,P-1,SE1 7EH,34\nACT-1,P-2,SW9 8JH,71\nACT-2,P-3,,50\nACT-9,P-4,,50\n"
    )))
    assert (people.upload_id, people.stored, people.quarantined) == (2, 3, 1)
    notes = ingest(writable_reference_db, write(tmp_path / "notes.csv", (
        "insight_id,activity_id,summary\nI-1,ACT-1,Evening clinics\nI-2,,Parking\n"
    )))
    assert notes.upload_id == 3
    return writable_reference_db


def test_deleting_an_upload_removes_its_rows_and_nothing_else(db, tmp_path):
    before = table_fingerprints(db, ENGAGEMENT_TABLES)
    result = wpc("delete-upload", 2, "--db", db, "--yes")
    assert result.returncode == 0, result.stderr
    assert "upload 2 (participants, people.csv" in result.stdout and "3 participants, 0 returns" in result.stdout
    assert "Deleted: 1 uploads, 0 activities, 3 participants, 0 returns, 0 insights, 1 quarantine." in result.stdout
    after = table_fingerprints(db, ENGAGEMENT_TABLES)
    assert counts(db) == {"uploads": 2, "activities": 3, "participants": 0, "returns": 0, "insights": 2,
                          "quarantine": 0}
    assert {t: after[t] for t in ("activities", "insights")} == {t: before[t] for t in ("activities", "insights")}
    again = ingest(db, tmp_path / "people.csv")  # the same file can be uploaded again
    assert again.earlier is None and again.stored == 3


def test_deleting_activities_takes_their_participants_and_insights_too(db):
    result = wpc("delete-upload", 1, "--db", db, "--yes")
    assert result.returncode == 0, result.stderr
    assert "3 activities, 3 participants, 0 returns, 1 insights" in result.stdout
    assert counts(db) == {"uploads": 2, "activities": 0, "participants": 0, "returns": 0, "insights": 1,
                          "quarantine": 1}
    assert rows(db, "select insight_id from insights") == [("I-2",)]  # not of a deleted activity


def test_nothing_is_deleted_without_confirmation_or_for_an_unknown_upload(db):
    before = table_fingerprints(db, ENGAGEMENT_TABLES)
    unasked = wpc("delete-upload", 2, "--db", db)
    assert unasked.returncode == 2 and "add --yes to delete without being asked" in unasked.stderr
    unknown = wpc("delete-upload", 2, 42, "--db", db, "--yes")
    assert unknown.returncode == 2 and "no upload 42" in unknown.stderr
    listing = wpc("delete-upload", "--db", db)
    assert listing.returncode == 2 and "people.csv" in listing.stdout and "name the uploads" in listing.stderr
    assert table_fingerprints(db, ENGAGEMENT_TABLES) == before


def test_demo_deletes_every_piece_of_demo_data(demo_db, tmp_path):
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    load_base_activities(path, tmp_path)
    with database.reading(path) as con:
        assert status.data_status(con)["demo"]
    result = wpc("delete-upload", "--demo", "--db", path, "--yes")
    assert result.returncode == 0, result.stderr
    assert rows(path, "select source, count(*) from uploads group by 1") == [("cli", 1)]
    assert counts(path) == {"uploads": 1, "activities": 3, "participants": 0, "returns": 0, "insights": 0,
                            "quarantine": 0}
    with database.reading(path) as con:
        assert not status.data_status(con)["demo"]  # the app no longer labels the data synthetic
