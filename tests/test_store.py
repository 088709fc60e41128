"""The store (wpc/store.py, docs/deploy.md): the setting, the extensions from their wheels, keys
kept by ingest, the salt on a lake, two servers and concurrent uploads on one DuckLake with a
real PostgreSQL catalog, and moving a database file into a lake without changing a number."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.fixtures.fingerprints import table_fingerprints
from tests.fixtures.ingest_files import counts, ingest, load_base_activities, rows, settings_for, snapshot, write
from tests.fixtures.lake import env_for, store_options
from wpc import db
from wpc import store as stores
from wpc.cli import app
from wpc.config import ROOT, load_settings
from wpc.ingest import load, privacy
from wpc.measures import Scope, build_report
from wpc.presets import registered as registered_presets

runner = CliRunner()
VERSION = duckdb.__version__


# The setting ------------------------------------------------------------------------------------


def test_the_store_setting_names_the_file_or_a_lake():
    file = stores.parse("", "/srv/wpc.duckdb")
    assert not file.is_lake and file.path == Path("/srv/wpc.duckdb") and stores.parse("duckdb", "/a") == stores.Store(
        path=Path("/a"))
    lake = stores.parse(
        "ducklake:postgres:dbname=wpc host=pg.example user=wpc password=s3cret data_path=/srv/wpc-lake", "ignored")
    assert lake.is_lake and lake.catalog == "dbname=wpc host=pg.example user=wpc password=s3cret"
    assert lake.data_path == "/srv/wpc-lake"
    assert "s3cret" not in str(lake) and "password=***" in str(lake)
    assert stores.parse(lake.setting, "") == lake
    spaced = stores.parse("ducklake:postgres:data_path='/mnt/shared lake' dbname=wpc", "")
    assert spaced.data_path == "/mnt/shared lake" and spaced.catalog == "dbname=wpc"
    assert stores.parse(spaced.setting, "") == spaced
    for bad, said in (("sqlite:wpc.db", "unknown store"), ("ducklake:postgres: data_path=/x", "names no PostgreSQL")):
        with pytest.raises(stores.StoreSettingError, match=said):
            stores.parse(bad, "")


def test_a_bad_store_setting_is_refused_by_every_command(tmp_path):
    for command in (["report"], ["ingest", str(tmp_path / "x.csv")], ["export", "--format", "csv", "--out", "x"],
                    ["init"], ["serve"]):
        result = runner.invoke(app, [*command, "--store", "mysql:wpc"])
        assert result.exit_code == 2, command
        assert "unknown store 'mysql:wpc'" in result.stderr and "ducklake:postgres:" in result.stderr


def test_a_lake_not_built_yet_or_out_of_reach_is_a_clear_error(postgres, tmp_path):
    empty = postgres.new_lake(tmp_path / "data")
    setting = stores.Store(catalog=empty.catalog).setting  # no data_path
    upload = write(tmp_path / "x.csv", "activity_id,title,start_date,place\nX-1,X,2025-05-01,Lambeth\n")
    for command in (["report"], ["serve"], ["ingest", str(upload)]):
        result = runner.invoke(app, [*command, "--store", setting])
        assert result.exit_code == 2, command
        assert "there is no wpc store in" in result.stderr and "wpc init --store" in result.stderr
    built = runner.invoke(app, ["init", "--store", setting])
    assert built.exit_code == 2 and "a new DuckLake needs a folder for its data files" in built.stderr
    away = stores.Store(catalog=postgres.conninfo("no_such_database")).setting
    result = runner.invoke(app, ["report", "--store", away])
    assert result.exit_code == 2 and "cannot reach the PostgreSQL catalog" in result.stderr
    assert 'database "no_such_database" does not exist' in result.stderr


# Extensions from the wheels ---------------------------------------------------------------------

BLOCK_WHEEL = """
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "duckdb_extension_ducklake":
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Absent())
sys.argv[0] = "wpc"
from wpc.cli import app
app()
"""


def run_wpc(*args, env=None, code=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "wpc", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_missing_extension_wheel_names_the_package(tmp_path):
    result = run_wpc("report", "--store", "ducklake:postgres:dbname=wpc host=/nowhere", code=BLOCK_WHEEL)
    assert result.returncode == 2, result.stderr
    assert f"needs the Python package duckdb-extension-ducklake=={VERSION}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("built_for, content, said", [
    ("1.4.4", b"\x7fELF not really", f"is built for DuckDB 1.4.4, but this is DuckDB {VERSION}"),
    (VERSION, b"not an extension at all", "could not load the ducklake extension"),
])
def test_a_mismatched_or_broken_extension_names_the_package(tmp_path, built_for, content, said):
    package = tmp_path / "wheels" / "duckdb_extension_ducklake"
    (package / "extensions" / f"v{built_for}").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "extensions" / f"v{built_for}" / "ducklake.duckdb_extension").write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "wheels")}
    result = run_wpc("report", "--store", "ducklake:postgres:dbname=wpc host=/nowhere", env=env)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and f"duckdb-extension-ducklake=={VERSION}" in result.stderr
    assert "Traceback" not in result.stderr


def test_extensions_are_loaded_from_the_installed_wheels():
    con = duckdb.connect()
    stores.load_extensions(con)
    loaded = dict(con.execute(
        "select extension_name, install_path from duckdb_extensions() where loaded and extension_name in "
        "('ducklake', 'postgres_scanner')").fetchall())
    assert set(loaded) == {"ducklake", "postgres_scanner"}
    assert stores.extension_file("ducklake").is_relative_to(Path(sys.prefix))


# Keys, on both stores ---------------------------------------------------------------------------


def test_an_upload_touching_a_key_stored_twice_is_refused_whole(writable_store, tmp_path):
    store = writable_store
    load_base_activities(store, tmp_path)
    with db.writing(store) as con:  # a copy of ACT-1 that no upload could have made
        con.execute("insert into activities select * from activities where activity_id = 'ACT-1'")
    with db.reading(store) as con:
        found = db.duplicate_keys(con)
    assert found[["table_name", "key", "copies"]].values.tolist() == [["activities", "ACT-1", 2]]
    before = snapshot(store)
    path = write(tmp_path / "again.csv", "activity_id,title,start_date,place\nACT-1,Renamed,14/03/2025,Lambeth\n")
    with pytest.raises(db.DatabaseError, match="would store activities 'ACT-1' 2 times"):
        ingest(store, path)
    assert snapshot(store) == before


def test_upload_ids_are_never_issued_twice(writable_store, tmp_path):
    store = writable_store
    load_base_activities(store, tmp_path)
    first = ingest(store, write(tmp_path / "a.csv", "activity_id,title,start_date,place\nK-1,A,2025-05-01,Lambeth\n"))
    from wpc.ingest import delete

    delete.delete_uploads(store, [first.upload_id])  # the newest upload, deleted
    second = ingest(store, write(tmp_path / "b.csv", "activity_id,title,start_date,place\nK-2,B,2025-05-02,Lambeth\n"))
    assert second.upload_id == first.upload_id + 1
    with db.reading(store) as con:
        assert db.duplicate_keys(con).empty


# The salt on a lake -----------------------------------------------------------------------------


def participants_file(folder: Path, name: str, refs: list[str]) -> Path:
    text = "activity_id,participant_ref,sex\n" + "".join(f"ACT-1,{ref},female\n" for ref in refs)
    return write(folder / name, text)


def test_a_lake_upload_needs_the_salt_wpc_init_made(postgres, reference_lake, tmp_path):
    lake = postgres.clone(reference_lake, tmp_path / "lake")
    load_base_activities(lake, tmp_path)
    with db.writing(lake) as con:
        stores.record_salt(con, privacy.load_salt(postgres.salt), postgres.salt)
    before = snapshot(lake)
    missing = load_settings(salt_path=tmp_path / "nowhere.salt")
    with pytest.raises(privacy.SaltError, match="no salt file at .*nowhere.salt: copy it from the machine"):
        load.ingest(participants_file(tmp_path, "p.csv", ["P-1"]), lake, missing)
    assert not (tmp_path / "nowhere.salt").exists()  # an upload never makes a lake's salt
    other = tmp_path / "other.salt"
    privacy.load_salt(other, create=True)
    with pytest.raises(privacy.SaltError, match="is not the salt this store's participant refs were hashed with"):
        load.ingest(participants_file(tmp_path, "p.csv", ["P-1"]), lake, load_settings(salt_path=other))
    assert snapshot(lake) == before
    stored = load.ingest(participants_file(tmp_path, "p.csv", ["P-1"]), lake, settings_for(lake))
    assert stored.stored == 1


# Two servers, concurrent uploads ----------------------------------------------------------------


class Server:
    """A server process on a store (tests/fixtures/store_server.py), asked one line at a time."""

    def __init__(self, store):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fixtures.store_server", store.setting], cwd=ROOT, env=env_for(store),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert json.loads(self._line())["ready"]

    def _line(self) -> str:
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()[-3000:]
        return line

    def ask(self, *words) -> dict:
        self.process.stdin.write(" ".join(words) + "\n")
        self.process.stdin.flush()
        return json.loads(self._line())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def lambeth_people(folder: Path, name: str, n: int, prefix: str) -> Path:
    frame = pd.DataFrame({"activity_id": "ACT-1", "participant_ref": [f"{prefix}{i}" for i in range(n)],
                          "postcode": "SE1 7EH", "age": (np.arange(n) % 80 + 10).astype(str)})
    frame.to_csv(folder / name, index=False)
    return folder / name


def test_two_servers_on_one_lake_answer_alike_and_see_each_others_uploads(postgres, tmp_path):
    lake = postgres.new_lake(tmp_path / "lake-data")
    env = env_for(lake)  # every server has the installation's salt file
    built = run_wpc("init", "--store", lake.setting, "--preset", "sel", env=env)
    assert built.returncode == 0, built.stderr
    assert f"salt: {postgres.salt}" in built.stdout
    load_base_activities(lake, tmp_path)  # through ingest in this process: a third client
    first, second = Server(lake), Server(lake)
    try:
        question = ("report", "sel", "Lambeth", "2025-12-31")
        before = first.ask(*question)
        assert second.ask(*question) == before
        assert before["participants"]["total"] == 0
        uploaded = first.ask("ingest", str(lambeth_people(tmp_path, "people.csv", 40, "L")), "participants")
        assert uploaded["stored"] == 40
        after = second.ask(*question)  # the other server's cache is keyed on the lake's snapshot
        assert after["participants"]["total"] == 40 and after["participants"]["known_area"] == 40
        assert first.ask(*question) == after
        cli = run_wpc("report", "--store", lake.setting, "--place", "Lambeth", "--today", "2025-12-31", "--json",
                      "--no-suppress", env=env)
        assert cli.returncode == 0, cli.stderr
        assert json.loads(cli.stdout)["participants"] == after["participants"]
    finally:
        first.close()
        second.close()


def test_two_uploads_at_once_on_a_lake_both_store_whole(postgres, reference_lake, tmp_path):
    """The first to commit wins; the other conflicts (it had taken the same upload id), is checked
    again and stored with the next id: nothing lost, nothing twice."""
    lake = postgres.clone(reference_lake, tmp_path / "lake")
    load_base_activities(lake, tmp_path)
    before = counts(lake)
    one, two = lambeth_people(tmp_path, "one.csv", 3_000, "A"), lambeth_people(tmp_path, "two.csv", 2_000, "B")
    marker = tmp_path / "inside.json"
    paused = subprocess.Popen(
        [sys.executable, "-m", "wpc", "ingest", str(one), *store_options(lake), "--json"], cwd=ROOT,
        env={**env_for(lake), load.PAUSE_ENV: str(marker)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and paused.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), paused.stderr.read()[-2000:]
        first_attempt = json.loads(marker.read_text())
        other = run_wpc("ingest", str(two), *store_options(lake), "--json", env=env_for(lake))
        assert other.returncode == 0, other.stderr
        assert json.loads(other.stdout)["stored"] == 2_000
        Path(str(marker) + ".go").write_text("go")  # the paused upload goes on to its commit
        stdout, stderr = paused.communicate(timeout=300)
    finally:
        if paused.poll() is None:
            paused.kill()
    assert paused.returncode == 0, stderr
    assert json.loads(stdout)["stored"] == 3_000
    ids = dict(rows(lake, "select file_name, upload_id from uploads where file_name in ('one.csv', 'two.csv')"))
    assert first_attempt["upload_id"] == ids["two.csv"]  # the id both took: only one could keep it
    assert ids["one.csv"] == ids["two.csv"] + 1
    assert counts(lake)["participants"] == before["participants"] + 5_000
    with db.reading(lake) as con:
        assert db.duplicate_keys(con).empty


# Moving a database file into a lake -------------------------------------------------------------


def every_report(where, disclosure: str = "off", presets: tuple[str, ...] | None = None) -> dict:
    """The report (unsuppressed unless `disclosure` says) for every registered ICS (or those of
    `presets`) and each of its places."""
    found = {}
    with db.reading(where) as con:
        for preset in registered_presets(con).values():
            if presets is not None and preset.id not in presets:
                continue
            for place in [None, *preset.place_names]:
                scope = Scope.parse(preset.id, place, today="2025-10-01")
                found[(preset.id, place)] = json.dumps(build_report(con, scope, disclosure), sort_keys=True)
    return found


def test_moving_the_demo_database_into_a_lake_changes_no_number(postgres, demo_db, tmp_path):
    source = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, source)
    shutil.copy(str(demo_db) + ".salt", str(source) + ".salt")
    lake = postgres.new_lake(tmp_path / "lake-data")
    lake_salt = tmp_path / "lake.salt"
    moved = runner.invoke(app, ["migrate", "--db", str(source), "--store", lake.setting],
                          env={**os.environ, "WPC_SALT_PATH": str(lake_salt)})
    assert moved.exit_code == 0, moved.output
    assert "participants: " in moved.stdout and f"its salt is at {lake_salt}" in moved.stdout
    assert lake_salt.read_bytes() == Path(str(source) + ".salt").read_bytes()

    file_tables, lake_tables = table_fingerprints(source), table_fingerprints(lake)
    assert file_tables.keys() == lake_tables.keys()
    for table in file_tables.keys() - {"meta"}:  # meta: the lake's own write serial and salt check too
        assert lake_tables[table] == file_tables[table], table
    # the tables are the same, so the reports are: shown for one ICS and its places (every ICS
    # is compared across the stores in test_demo_reports_agree_on_both_stores)
    reports = every_report(source, presets=("hw",))
    assert every_report(lake, presets=("hw",)) == reports and len(reports) == 3
    # the records' secret keys move with them, so the protected figures are the same too
    assert every_report(lake, "suppress", ("hw",)) == every_report(source, "suppress", ("hw",))

    again = runner.invoke(app, ["migrate", "--db", str(source), "--store", lake.setting],
                          env={**os.environ, "WPC_SALT_PATH": str(lake_salt)})
    assert again.exit_code == 2 and "already holds a wpc database" in again.stderr
    assert table_fingerprints(lake) == lake_tables
    # and the lake goes on where the file stopped: the next upload's id follows the file's last
    # (with the salt the move copied: every upload's row hashes are keyed with it)
    more = load.ingest(write(tmp_path / "m.csv", "activity_id,title,start_date,place\nM-1,M,2025-09-01,Lambeth\n"),
                       lake, load_settings(salt_path=lake_salt))
    assert more.upload_id == max(upload for (upload,) in rows(source, "select upload_id from uploads")) + 1


def test_the_place_pack_tables_are_the_same_from_a_lake(demo_db, demo_lake, tmp_path):
    """`wpc export` from the lake writes the same tables as from the file (tests/test_export_pack.py
    checks them against the report). Unprotected: the two demo stores were built apart, so their
    records' secret keys, and with them the small changes made to protect privacy, differ."""
    import zipfile

    packs = {}
    for name, where in (("file", demo_db), ("lake", demo_lake)):
        out = tmp_path / f"{name}.zip"
        result = runner.invoke(app, ["export", *store_options(where), "--format", "csv", "--out", str(out),
                                     "--place", "Lambeth", "--today", "2025-10-01", "--no-suppress"], env=env_for(where))
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as archive:
            packs[name] = {item: archive.read(item) for item in archive.namelist()}
    assert packs["lake"] == packs["file"] and len(packs["file"]) > 5


def test_demo_reports_agree_on_both_stores(demo_db, demo_lake):
    """The demo built through ingest on each store gives the same report for every place."""
    reports = every_report(demo_db)
    assert every_report(demo_lake) == reports
    assert json.loads(reports[("sel", "Lambeth")])["participants"]["total"] > 1_000
