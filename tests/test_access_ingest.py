"""Uploads by someone whose access covers only some places (wpc.ingest.permitted): rows for other
places, and rows that would change another place's records, are quarantined with the reason;
nothing else changes, and every row is still stored or quarantined."""

from __future__ import annotations

from tests.fixtures.ingest_files import counts, rows, settings_for, write
from wpc.access import AccessRules
from wpc.ingest import load

TOY = {"toy": ["Northtown", "Southtown"]}
RULES = AccessRules.from_toml(
    '[users."north.lead@northtown.gov.uk"]\ntoy = ["Northtown"]\n'
    '[users."ics.team@toyshire.nhs.uk"]\ntoy = ["*"]\n'
)
NORTH = RULES.for_user("north.lead@northtown.gov.uk", TOY)
WHOLE = RULES.for_user("ics.team@toyshire.nhs.uk", TOY)


def upload(db_path, path, access, who):
    prepared = load.prepare(path, db_path, settings_for(db_path), access=access)
    return prepared, load.commit(prepared, db_path, source="upload", uploaded_by=who)


def reasons(prepared) -> list[tuple[int, str | None, str]]:
    return [(int(r.line), r.column, r.reason) for r in prepared.problems.itertuples(index=False)]


def test_a_place_lead_stores_only_their_places_rows(tiny_db, tmp_path):
    # The ICS team has stored one Southtown activity already.
    upload(
        tiny_db,
        write(
            tmp_path / "ics.csv", "activity_id,title,start_date,place\nS-1,South fair,2025-03-01,Southtown\n"
        ),
        WHOLE,
        WHOLE.user,
    )
    mixed = write(
        tmp_path / "mixed.csv",
        "activity_id,title,start_date,place\n"
        "N-1,North cafe,2025-03-02,Northtown\n"  # line 2: theirs
        "N-2,South walk,2025-03-03,Southtown\n"  # line 3: another place
        "S-1,Moved to the north,2025-03-04,Northtown\n"  # line 4: would change a Southtown activity
        "N-3,Nowhere,2025-03-05,Atlantis\n",  # line 5: not a place at all (usual reason)
    )
    prepared, outcome = upload(tiny_db, mixed, NORTH, NORTH.user)
    covers = "your access covers toy: Northtown"
    assert reasons(prepared) == [
        (3, "place", f"not a place you may upload for ({covers})"),
        (
            4,
            "activity_id",
            f"this activity_id is already stored for a place you may not upload for ({covers}), "
            "so it cannot be changed from your account",
        ),
        (5, "place", reasons(prepared)[2][2]),
    ]
    assert "not a place of a registered ICS" in reasons(prepared)[2][2]
    assert (outcome.rows_read, outcome.stored, outcome.quarantined) == (4, 1, 3)
    assert rows(tiny_db, "select activity_id, title, place from activities order by 1") == [
        ("N-1", "North cafe", "Northtown"),
        ("S-1", "South fair", "Southtown"),
    ]
    assert rows(
        tiny_db, "select uploaded_by, rows_stored, rows_quarantined from uploads order by upload_id"
    ) == [
        ("ics.team@toyshire.nhs.uk", 1, 0),
        ("north.lead@northtown.gov.uk", 1, 3),
    ]
    assert rows(tiny_db, "select distinct line from quarantine where upload_id = 2 order by 1") == [
        (3,),
        (4,),
        (5,),
    ]


def test_participants_and_returns_only_for_their_places_activities(tiny_db, tmp_path):
    upload(
        tiny_db,
        write(
            tmp_path / "a.csv",
            "activity_id,title,start_date,place\n"
            "N-1,North cafe,2025-03-02,Northtown\nS-1,South fair,2025-03-01,Southtown\n",
        ),
        WHOLE,
        WHOLE.user,
    )
    people = write(
        tmp_path / "p.csv", "activity_id,participant_ref,age\nN-1,P-1,34\nS-1,P-2,50\nN-1,P-3,61\n"
    )
    prepared, outcome = upload(tiny_db, people, NORTH, NORTH.user)
    assert reasons(prepared) == [
        (
            3,
            "activity_id",
            "no activity with this activity_id has been uploaded for the places you may upload for "
            "(your access covers toy: Northtown): upload the activities file first",
        ),
    ]
    assert (outcome.stored, outcome.quarantined) == (2, 1)
    assert rows(tiny_db, "select activity_id, count(*) from participants group by 1") == [("N-1", 2)]
    returns = write(
        tmp_path / "r.csv", "activity_id,dimension,category,count\nS-1,sex,female,12\nN-1,sex,male,9\n"
    )
    prepared, outcome = upload(tiny_db, returns, NORTH, NORTH.user)
    assert [line for line, _c, _r in reasons(prepared)] == [2]
    assert rows(tiny_db, "select activity_id, category, count from returns") == [("N-1", "male", 9)]


def test_insights_with_no_place_or_another_places_need_more_access(tiny_db, tmp_path):
    upload(
        tiny_db,
        write(
            tmp_path / "a.csv", "activity_id,title,start_date,place\nS-1,South fair,2025-03-01,Southtown\n"
        ),
        WHOLE,
        WHOLE.user,
    )
    upload(
        tiny_db,
        write(tmp_path / "i0.csv", "insight_id,place,summary\nI-S,Southtown,Buses are late\n"),
        WHOLE,
        WHOLE.user,
    )
    insights = write(
        tmp_path / "i.csv",
        "insight_id,activity_id,place,summary\n"
        "I-1,,Northtown,Damp flats\n"  # line 2: theirs
        "I-2,S-1,,Long waits\n"  # line 3: an activity of Southtown: as if it did not exist
        "I-3,,,No place at all\n"  # line 4: tied to no place
        "I-S,,Northtown,Rewritten\n",  # line 5: would change a Southtown insight
    )
    prepared, outcome = upload(tiny_db, insights, NORTH, NORTH.user)
    assert [(line, column) for line, column, _r in reasons(prepared)] == [
        (3, "activity_id"),
        (4, "place"),
        (5, "insight_id"),
    ]
    assert "an insight with no place needs access to a whole ICS" in reasons(prepared)[1][2]
    assert (outcome.stored, outcome.quarantined) == (1, 3)
    assert rows(tiny_db, "select insight_id, place, summary from insights order by 1") == [
        ("I-1", "Northtown", "Damp flats"),
        ("I-S", "Southtown", "Buses are late"),
    ]
    # The whole-ICS team may store the same rows (the rejects go to someone with access).
    again = write(
        tmp_path / "i2.csv",
        "insight_id,activity_id,place,summary\nI-2,S-1,,Long waits\nI-3,,,No place at all\n",
    )
    prepared, outcome = upload(tiny_db, again, WHOLE, WHOLE.user)
    assert (outcome.stored, outcome.quarantined) == (2, 0)


def test_the_command_line_and_single_user_mode_are_not_restricted(tiny_db, tmp_path):
    before = counts(tiny_db)
    path = write(
        tmp_path / "a.csv",
        "activity_id,title,start_date,place\nN-1,A,2025-03-02,Northtown\nS-1,B,2025-03-01,Southtown\n",
    )
    prepared = load.prepare(path, tiny_db, settings_for(tiny_db))
    assert prepared.problems.empty and prepared.stored == 2
    assert counts(tiny_db) == before  # prepare writes nothing
