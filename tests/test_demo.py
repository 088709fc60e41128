"""The demo year loads through the real ingest path for every built-in preset, is
reproducible, replaces itself, and shows the biases real engagement shows."""

from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.ingest_files import rows
from wpc import db as database
from wpc import demo, status
from wpc.config import load_settings
from wpc.presets import load_preset

END = date(2025, 9, 30)


@pytest.mark.parametrize("preset", ["sel", "mse", "hw"])
def test_demo_loads_through_ingest(writable_reference_db, preset):
    settings = load_settings(db_path=writable_reference_db)
    loaded = demo.load_demo(settings, preset, writable_reference_db, end_date=END)
    db = writable_reference_db
    # Hundreds of activities and tens of thousands of participants, every row stored.
    assert 200 <= loaded.activities < 1000 and 10_000 <= loaded.participants < 100_000
    assert rows(
        db, "select kind, source, rows_read = rows_stored, rows_quarantined from uploads order by upload_id"
    ) == [
        ("activities", "demo", True, 0),
        ("participants", "demo", True, 0),
        ("returns", "demo", True, 0),
        ("insights", "demo", True, 0),
    ]
    assert rows(db, "select count(*) from activities where preset = $p", {"p": preset}) == [
        (loaded.activities,)
    ]
    assert rows(
        db,
        "select min(start_date) >= $first, max(start_date) <= $end from activities where status <> 'planned'",
        {"first": date(2024, 10, 1), "end": END},
    ) == [(True, True)]
    # Next quarter's plans (one ICS-wide), two cancelled activities and three system-wide events,
    # whose people live all over the ICS; partner types typed as logs type them, mapped.
    assert rows(db, "select min(start_date) > $end, max(start_date) <= $end + 90, count(*) > 3, "
                    "count(*) filter (where place = 'ICS-wide') from activities where status = 'planned'",
                {"end": END}) == [(True, True, True, 1)]
    assert rows(db, "select count(*) from activities where status = 'cancelled'") == [(2,)]
    assert rows(db, "select count(distinct place_of_home) from (select l.place as place_of_home from participants "
                    "join activities a using (activity_id) join ref_lsoa l using (lsoa21cd) "
                    "where a.place = 'ICS-wide' and a.status = 'held' and l.preset = $p)", {"p": preset}) == [
        (len(load_preset(preset).places),)]
    types = dict(rows(db, "select organisation_type, count(*) from activities group by 1"))
    assert set(types) == {"icb", "nhs_trust", "primary_care", "local_authority", "healthwatch", "vcse", None}
    with database.reading(db) as con:
        assert status.data_status(con)["demo"] is True

    # Homes are real neighbourhoods of the ICS, with some unknown, unmapped and out-of-area.
    homes = dict(rows(db, "select home_area_status, count(*) from participants group by 1"))
    assert set(homes) == {
        "mapped_postcode",
        "lsoa_code",
        "unmapped_postcode",
        "invalid_postcode",
        "not_given",
    }
    assert homes["mapped_postcode"] > 0.6 * loaded.participants
    outside = rows(
        db,
        "select count(*) from participants join ref_lsoa using (lsoa21cd) "
        "where ref_lsoa.preset is distinct from $p",
        {"p": preset},
    )[0][0]
    assert 0 < outside < 0.06 * loaded.participants
    # Headcount-only activities, returns, insights, and repeat participants by ref.
    assert rows(
        db,
        "select count(*) > 0 from activities where participants_total is not null "
        "and activity_id not in (select activity_id from participants)",
    ) == [(True,)]
    assert rows(db, "select count(*) > 0 from returns") == [(True,)]
    assert rows(db, "select count(*) > 0 from insights where scrub_note is not null") == [(True,)]
    assert rows(
        db,
        "select count(*) > 0 from (select participant_hash from participants where participant_hash "
        "is not null group by 1 having count(*) >= 4)",
    ) == [(True,)]

    # Surveys over-reach less deprived residents; outreach and door-knocking reach the most deprived.
    core20 = dict(
        rows(
            db,
            """
        select case when a.method in ('survey', 'online platform') then 'survey'
                    when a.method in ('outreach', 'door-knocking') then 'outreach' end,
               avg(case when l.imd_decile <= 2 then 1.0 else 0.0 end)
        from participants p join activities a using (activity_id) join ref_lsoa l using (lsoa21cd)
        where l.preset = $p and a.method in ('survey', 'online platform', 'outreach', 'door-knocking')
        group by 1""",
            {"p": preset},
        )
    )
    population = rows(
        db,
        "select sum(case when core20 then population else 0 end) / sum(population) from ref_lsoa "
        "where preset = $p",
        {"p": preset},
    )[0][0]
    assert core20["survey"] < population < core20["outreach"]
    white_british = dict(
        rows(
            db,
            """
        select a.method in ('survey', 'online platform'), avg(case when ethnicity = 'white_british' then 1.0 else 0 end)
        from participants p join activities a using (activity_id) where ethnicity <> 'unknown'
          and a.method in ('survey', 'online platform', 'outreach', 'door-knocking') group by 1""",
        )
    )
    assert white_british[True] > white_british[False]


def test_demo_files_are_reproducible(reference_db, tmp_path):
    first = demo.write_demo(reference_db, "sel", tmp_path / "a", seed=7, end_date=END)
    second = demo.write_demo(reference_db, "sel", tmp_path / "b", seed=7, end_date=END)
    other = demo.write_demo(reference_db, "sel", tmp_path / "c", seed=8, end_date=END)
    for kind in demo.KINDS:
        assert first[kind].read_bytes() == second[kind].read_bytes()
    assert first["participants"].read_bytes() != other["participants"].read_bytes()


def test_loading_the_demo_again_replaces_it(writable_reference_db):
    db = writable_reference_db
    settings = load_settings(db_path=db)
    first = demo.load_demo(settings, "hw", db, end_date=END)
    assert demo.load_demo(settings, "hw", db, end_date=END).already
    later = demo.load_demo(settings, "hw", db, end_date=date(2025, 12, 31))
    assert not later.already
    assert rows(db, "select count(*) from activities") == [(later.activities,)]
    assert rows(db, "select count(*) from participants") == [(later.participants,)]
    assert rows(
        db,
        "select count(*), max(start_date) <= $end, max(start_date) > $old from activities where status = 'held'",
        {"end": date(2025, 12, 31), "old": END},
    )[0][1:] == (True, True)
    assert rows(db, "select count(*) from activities") == [(first.activities,)]
    assert rows(db, "select count(*) from uploads") == [(4,)]


def test_wpc_init_demo_loads_the_demo_through_ingest(tmp_path):
    from typer.testing import CliRunner

    from wpc.cli import app

    db = tmp_path / "wpc.duckdb"
    result = CliRunner().invoke(app, ["init", "--db", str(db), "--preset", "hw", "--demo"])
    assert result.exit_code == 0, result.output
    assert "demo hw: " in result.output and "(synthetic)" in result.output
    assert rows(db, "select distinct source from uploads") == [("demo",)]
    assert rows(db, "select count(*) > 200 from activities where preset = 'hw'") == [(True,)]
