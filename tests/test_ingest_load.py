"""Ingest as a whole: one transaction per upload, the same file twice changes nothing,
corrected rows update by key, personal data never stored, and what is stored obeys the
standard's own pydantic models."""

from __future__ import annotations

import hmac
import os
import stat
from datetime import date

import pandas as pd
import pytest

from tests.fixtures.ingest_files import (
    counts,
    ingest,
    load_base_activities,
    rows,
    settings_for,
    snapshot,
    write,
)
from wpc import db as database
from wpc.ingest import load, standard
from wpc.ingest.read import FileRefused, read_file
from wpc.ingest.validate import validate


@pytest.fixture
def db(writable_store, tmp_path):
    """The real reference database with three activities, on each store (a file, a DuckLake); after
    each test, no key is stored twice (the stores keep no key constraints: ingest keeps them)."""
    load_base_activities(writable_store, tmp_path)
    yield writable_store
    with database.reading(writable_store) as con:
        assert database.duplicate_keys(con).empty


@pytest.fixture
def file_db(writable_reference_db, tmp_path):
    """The same on the database file only: its salt file is made beside it (a lake's salt is made
    by `wpc init` and copied to each server: tests/test_store.py)."""
    load_base_activities(writable_reference_db, tmp_path)
    return writable_reference_db


def test_the_same_file_twice_changes_nothing(db, tmp_path):
    path = write(
        tmp_path / "acts.csv",
        "activity_id,title,start_date,place\nS-1,One,01/06/2025,Lambeth\nS-2,Two,31/06/2025,Lambeth\n",
    )
    first = ingest(db, path)
    assert (first.stored, first.quarantined, first.exit_code) == (1, 1, 3)
    before = snapshot(db)
    again = ingest(db, path)
    assert snapshot(db) == before
    assert again.earlier["upload_id"] == first.upload_id
    assert (again.stored, again.quarantined, again.exit_code, again.upload_id) == (0, 0, 0, None)
    assert any("already uploaded" in note and "nothing changed" in note for note in again.notes)


def test_a_corrected_activity_replaces_the_stored_one(db, tmp_path):
    ingest(
        db,
        write(
            tmp_path / "v1.csv",
            "activity_id,title,start_date,place,method\nU-1,Old,01/06/2025,Lambeth,survey\n",
        ),
    )
    second = ingest(
        db, write(tmp_path / "v2.csv", "activity_id,title,start_date,place\nU-1,New,02/06/2025,Bexley\n")
    )
    assert rows(
        db, "select title, start_date, place, method, upload_id from activities where activity_id = 'U-1'"
    ) == [("New", date(2025, 6, 2), "Bexley", None, second.upload_id)]


def test_participants_update_by_activity_and_ref(db, tmp_path):
    ingest(
        db,
        write(
            tmp_path / "p1.csv",
            "activity_id,participant_ref,sex\nACT-1,P-1,female\nACT-2,P-1,female\nACT-1,,female\n",
        ),
    )
    ingest(db, write(tmp_path / "p2.csv", "activity_id,participant_ref,sex\nACT-1, p-1 ,male\nACT-1,,male\n"))
    stored = rows(db, "select activity_id, participant_hash is null, sex from participants order by 1, 2, 3")
    # P-1 in ACT-1 was replaced (refs match ignoring case and spaces); P-1 in ACT-2 and rows
    # without a ref are separate people.
    assert stored == [
        ("ACT-1", False, "male"),
        ("ACT-1", True, "female"),
        ("ACT-1", True, "male"),
        ("ACT-2", False, "female"),
    ]


def test_returns_update_by_activity_dimension_and_category(db, tmp_path):
    ingest(
        db,
        write(
            tmp_path / "r1.csv",
            "activity_id,dimension,category,count\nACT-3,sex,Female,10\nACT-3,imd_quintile,Q1,4\n",
        ),
    )
    outcome = ingest(
        db,
        write(
            tmp_path / "r2.csv",
            "activity_id,dimension,category,count\nACT-3,sex,F,12\n"
            "ACT-3,sex,female,1\nACT-3,imd quintile,7,1\n",
        ),
    )
    assert outcome.problems[["line", "reason"]].values.tolist() == [
        [
            3,
            "the same activity, dimension and category as line 2 (once the category is read): give each category "
            "once, with its counts added up",
        ],
        [4, "'7' is not an IMD quintile: use 1 (most deprived 20%) to 5"],
    ]
    assert rows(db, "select dimension, category, count from returns order by 1, 2") == [
        ("imd_quintile", "1", 4),
        ("sex", "female", 12),
    ]


def test_insights_are_scrubbed_and_take_their_activitys_place(db, tmp_path):
    text = (
        "insight_id,activity_id,summary,quote,themes,status\n"
        'I-1,ACT-1,Evening clinics wanted,"Ring me on 07700 900123 or jo@example.org, I live at SE1 7EH",'
        "access; Access ; evenings,acted upon\n"
        "I-2,,Nothing personal,It was fine.,,\n"
    )
    outcome = ingest(db, write(tmp_path / "insights.csv", text))
    assert (outcome.stored, outcome.quarantined) == (2, 0)
    assert rows(
        db, "select insight_id, quote, scrub_note, preset, place, themes, status from insights order by 1"
    ) == [
        (
            "I-1",
            "Ring me on [phone number removed] or [e-mail address removed], I live at [postcode removed]",
            "removed from quote: 1 e-mail address, 1 phone number, 1 postcode",
            "sel",
            "Lambeth",
            ["access", "evenings"],
            "acted on",
        ),
        ("I-2", "It was fine.", None, None, None, [], None),
    ]


def test_insight_place_names_in_any_case_or_spacing_are_stored_as_the_presets(db, tmp_path):
    text = ("insight_id,place,summary\n"
            "I-1,SOUTHWARK,Evening clinics wanted\n"
            'I-2," southwark ",Evening clinics wanted\n'
            "I-3,Southwark,Evening clinics wanted\n")
    outcome = ingest(db, write(tmp_path / "insights.csv", text))
    assert (outcome.stored, outcome.quarantined) == (3, 0)
    assert rows(db, "select insight_id, preset, place from insights order by 1") == [
        ("I-1", "sel", "Southwark"), ("I-2", "sel", "Southwark"), ("I-3", "sel", "Southwark")]


def test_refs_are_hashed_with_a_salt_kept_outside_the_database(file_db, tmp_path):
    db = file_db
    salt_file = settings_for(db).salt_file(db)  # made by the first upload (the fixture's activities)
    ingest(db, write(tmp_path / "refs.csv", "activity_id,participant_ref\nACT-1,Ref-0042\nACT-2,ref-0042\n"))
    assert salt_file.exists() and salt_file.parent == db.parent and salt_file != db
    assert stat.S_IMODE(os.stat(salt_file).st_mode) == 0o600
    salt = bytes.fromhex(salt_file.read_text().strip())
    expected = hmac.new(salt, b"REF-0042", "sha256").hexdigest()
    assert rows(db, "select distinct participant_hash from participants") == [(expected,)]
    everything = repr(snapshot(db))
    assert "0042" not in everything.replace(expected, "")
    assert salt.hex() not in everything


def test_a_dry_run_writes_nothing_not_even_the_salt(file_db, tmp_path):
    db = file_db
    settings_for(db).salt_file(db).unlink()  # as before any upload but the fixture's
    before = snapshot(db)
    outcome = ingest(
        db,
        write(tmp_path / "dry.csv", "activity_id,participant_ref,age\nACT-1,P-1,30\nACT-1,P-2,x\n"),
        dry_run=True,
    )
    assert (outcome.dry_run, outcome.stored, outcome.quarantined, outcome.exit_code) == (True, 1, 1, 3)
    assert snapshot(db) == before
    assert not settings_for(db).salt_file(db).exists()


def test_a_check_made_before_another_upload_is_made_again(db, tmp_path):
    settings = settings_for(db)
    path = write(tmp_path / "late.csv", "activity_id,title,start_date,place\nZ-1,Late,01/06/2025,Lambeth\n")
    prepared = load.prepare(path, db, settings)
    ingest(
        db,
        write(tmp_path / "other.csv", "activity_id,title,start_date,place\nZ-2,Other,01/06/2025,Lambeth\n"),
    )
    before = snapshot(db)
    with pytest.raises(load.StaleCheck):
        load.commit(prepared, db)
    assert snapshot(db) == before
    assert ingest(db, path).stored == 1


def test_files_over_the_size_limit_are_refused(db, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("activity_id,title,start_date,place\n" + "B,x,01/06/2025,Lambeth\n" * 60_000)
    assert path.stat().st_size > 1024 * 1024
    before = snapshot(db)
    with pytest.raises(FileRefused, match=r"over the 1 MB limit \(setting max_upload_mb\)"):
        load.ingest(path, db, settings_for(db, max_upload_mb=1))
    assert snapshot(db) == before


def test_every_upload_is_recorded(db, tmp_path):
    path = write(
        tmp_path / "audit.csv",
        "activity_id,title,start_date,place\nA-1,One,01/06/2025,Lambeth\nA-2,Two,01/06/2025,Atlantis\n",
    )
    outcome = ingest(db, path)
    import hashlib

    assert rows(
        db,
        "select kind, file_name, file_sha256, rows_read, rows_stored, rows_quarantined, source "
        "from uploads where upload_id = $id",
        {"id": outcome.upload_id},
    ) == [("activities", "audit.csv", hashlib.sha256(path.read_bytes()).hexdigest(), 2, 1, 1, "cli")]
    assert counts(db)["quarantine"] == 1


def _model_rows(kind: str, clean: pd.DataFrame) -> list[dict]:
    """Checked rows in the standard's own terms (';'-lists as lists, blanks left to defaults)."""
    names = [spec.name for spec in standard.fields(kind)]
    lists = {spec.name for spec in standard.fields(kind) if spec.rule.read == "codes"}
    out = []
    for record in clean[names].to_dict("records"):
        row = {}
        for name, value in record.items():
            if name in lists:
                row[name] = [v for v in (value or "").split(";") if v]
            elif value is not None and not (isinstance(value, float) and pd.isna(value)):
                row[name] = value
        out.append(row)
    return out


@pytest.mark.parametrize(
    "kind, text",
    [
        (
            "activities",
            "activity_id,title,start_date,end_date,place,method,ladder_rung,cycle_stage,target_groups,"
            "clinical_areas,participants_total,cost_gbp,feedback_due,report_url\n"
            "M-1,Panel,01/06/2025,2025-06-30,mid essex,Citizens panel,co-design,plan,Core20;Unpaid carers,"
            "SMI;Asthma (CYP),1200,£12.50,01/09/2025,https://example.org/x\n"
            "M-2,Bad,01/06/2025,,Nowhere,Coffee morning,8,,martians,,-1,,,ftp://x\n",
        ),
        (
            "participants",
            "activity_id,participant_ref,postcode,lsoa_code,age,age_band,sex,ethnicity,religion,"
            "sexual_orientation,inclusion_groups,carer\n"
            "ACT-1,P-1,se17eh,,19,18-24,F,Mixed/Multiple ethnic groups: White and Asian,Islam,Bi,"
            "carers;Homeless,Yes\n"
            "ACT-2,,,e01003013,,85 and over,Non-binary,Z,,,,\n"
            "ACT-2,,,,,65+,Female,Mixed,,,,maybe\n",
        ),
        (
            "returns",
            "activity_id,dimension,category,count\nACT-1,ethnicity_group,Black or Black British,3\n"
            "ACT-1,age_band,Aged 25 to 34,2\nACT-1,lsoa_code,E01003013,1\nACT-1,lsoa_code,E01999999,1\n",
        ),
        (
            "insights",
            "insight_id,date,place,summary,groups,source_url,status\n"
            "N-1,2025-01-02,Herefordshire,Rural transport,rural;core20,https://example.org,Not possible\n"
            "N-2,,,,,javascript:alert(1),closed\n",
        ),
    ],
)
def test_stored_rows_obey_the_standard_models(db, tmp_path, kind, text):
    sheet = read_file(write(tmp_path / f"{kind}.csv", text), 10)
    with database.reading(db) as con:
        checked = validate(kind, sheet, con)
    bad_rows = set(checked.problems["row"])
    good = checked.clean.drop(index=list(bad_rows))
    assert len(good) >= 1 and len(bad_rows) >= 1
    model = standard.MODELS[kind]
    for row in _model_rows(kind, good):
        model.model_validate(row)
