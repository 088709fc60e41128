"""Faults: a rebuild killed mid-transaction, a full disk, a read-only database. Each runs the
real `wpc` command in a real process against a real database built from the shipped data.

A full disk is made two ways: a file-size limit on the process (RLIMIT_FSIZE, which any
user may set), and a real 20 MB file system that fills up (a tmpfs mounted in a private
mount namespace, which vanishes with the process). A read-only database is a read-only
bind mount (the same way) and, for the permission case, file modes (run without the
capabilities that let root ignore them).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.fixtures.fingerprints import table_fingerprints
from tests.fixtures.ingest_files import load_base_activities
from wpc import db as database
from wpc.config import ROOT

WPC = [sys.executable, "-m", "wpc"]


def wpc(*args, prefix=(), **options) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *WPC, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, **options)


def clear_error(result: subprocess.CompletedProcess) -> str:
    """The command failed with the contract's exit code 2 and one clear line, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("wpc: error: "), result.stderr
    return lines[0]


def big_participants_file(folder: Path, n: int = 150_000) -> Path:
    """More than one DuckDB row group: rows reach the database file before the commit."""
    frame = pd.DataFrame({
        "activity_id": np.array(["ACT-1", "ACT-2"])[np.arange(n) % 2],
        "participant_ref": [f"F{i}" for i in range(n)],
        "postcode": "SE1 7EH",
        "age": (np.arange(n) % 80 + 10).astype(str),
    })
    path = folder / "participants.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def db(writable_reference_db, tmp_path) -> Path:
    load_base_activities(writable_reference_db, tmp_path)
    return writable_reference_db


# Killed mid-rebuild ------------------------------------------------------------------------------


def test_killing_wpc_init_mid_rebuild_leaves_the_database_as_it_was(db, tmp_path):
    before = table_fingerprints(db)
    assert before["activities"][0] == 3 and before["ref_lsoa_boundary"][0] > 30_000
    marker = tmp_path / "inside.json"
    # A rebuild that makes Mid and South Essex the default: committed, it would change meta.
    process = subprocess.Popen(
        [*WPC, "init", "--db", str(db), "--preset", "mse"], cwd=ROOT,
        env={**os.environ, database.PAUSE_ENV: str(marker)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), process.communicate()[1].decode()[-2000:]
        inside = json.loads(marker.read_text())
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # The kill landed after every reference table was rebuilt, inside the open transaction.
    assert inside["default_preset"] == "mse" and inside["lsoas"] == before["ref_lsoa"][0]

    assert table_fingerprints(db) == before  # every table, reference and engagement alike
    with database.reading(db, wait_seconds=1) as con:  # it opens, and the write gate is free
        assert database.get_meta(con, "default_preset") == "sel"

    again = wpc("init", "--db", db, "--preset", "mse")
    assert again.returncode == 0, again.stderr
    after = table_fingerprints(db)
    assert after["meta"] != before["meta"]  # the rebuild did what was asked ...
    for table in ("uploads", "activities", "participants", "quarantine", "ref_lsoa", "ref_lsoa_boundary"):
        assert after[table] == before[table]  # ... and kept the uploads and the same reference data


# A full disk -------------------------------------------------------------------------------------


def _limit_file_size(limit: int):
    def set_limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def test_a_file_size_limit_refuses_the_upload_clearly_and_writes_nothing(db, tmp_path):
    path = big_participants_file(tmp_path)
    before = table_fingerprints(db)
    limit = db.stat().st_size + 64 * 1024  # the database cannot grow by more than 64 KB
    result = wpc("ingest", path, "--db", db, preexec_fn=_limit_file_size(limit))
    line = clear_error(result)
    assert f"wpc: error: participants.csv: the database {db} cannot grow any larger" in line
    assert line.endswith("Nothing was written.")
    assert table_fingerprints(db) == before
    again = wpc("ingest", path, "--db", db, "--json")  # with room, the same upload works
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["stored"] == 150_000


def namespace_prefix(*options: str) -> list[str]:
    """Run in a private mount namespace (as root, or as a user mapped to root inside one)."""
    probe = subprocess.run(["unshare", *options, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"private mount namespaces are not permitted here ({probe.stderr.decode().strip()})")
    return ["unshare", *options]


def mount_options() -> tuple[str, ...]:
    return ("--mount",) if os.geteuid() == 0 else ("--user", "--map-root-user", "--mount")


CHECK_IN_NAMESPACE = """
import json, subprocess, sys
sys.path.insert(0, {root!r})
from tests.fixtures.fingerprints import table_fingerprints
db = {db!r}
before = table_fingerprints(db)
result = subprocess.run([sys.executable, "-m", "wpc", *{args!r}], cwd={root!r}, capture_output=True, text=True)
print(json.dumps({{"returncode": result.returncode, "stderr": result.stderr,
                   "same": table_fingerprints(db) == before}}))
"""


def run_in_namespace(prefix: list[str], setup: str, db: str, args: list[str], folder: Path) -> dict:
    """Set up the namespace's file systems, then run `wpc ARGS` there, with the database's
    fingerprints taken before and after inside the namespace too."""
    script = folder / "check_in_namespace.py"
    script.write_text(CHECK_IN_NAMESPACE.format(root=str(ROOT), db=db, args=args))
    command = f"{setup} && exec {sys.executable} {script}"
    done = subprocess.run([*prefix, "sh", "-c", command], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_full_file_system_refuses_the_upload_clearly_and_writes_nothing(db, tmp_path):
    prefix = namespace_prefix(*mount_options())
    path = big_participants_file(tmp_path)
    full = tmp_path / "small-disk"
    full.mkdir()
    size_mb = db.stat().st_size // (1024 * 1024) + 3  # room for the database and a little more
    setup = f"mount -t tmpfs -o size={size_mb}m tmpfs {full} && cp {db} {full}/wpc.duckdb"
    outcome = run_in_namespace(
        prefix, setup, f"{full}/wpc.duckdb", ["ingest", str(path), "--db", f"{full}/wpc.duckdb"], tmp_path
    )
    result = subprocess.CompletedProcess([], outcome["returncode"], "", outcome["stderr"])
    line = clear_error(result)
    assert f"the disk holding the database {full}/wpc.duckdb is full: free some space and try again" in line
    assert line.endswith("Nothing was written.")
    assert outcome["same"]


# A read-only database ----------------------------------------------------------------------------


def test_a_database_on_a_read_only_file_system_can_be_read_but_not_written(db, tmp_path):
    prefix = namespace_prefix(*mount_options())
    folder = db.parent
    setup = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}"
    outside = tmp_path.parent / f"{tmp_path.name}-outside"  # the upload and script, on a writable disk
    outside.mkdir()
    upload = outside / "upload.csv"
    upload.write_text("activity_id,title,start_date,place\nRO-1,t,2025-05-01,Lambeth\n")
    try:
        outcome = run_in_namespace(prefix, setup, str(db), ["ingest", str(upload), "--db", str(db)], outside)
        line = clear_error(subprocess.CompletedProcess([], outcome["returncode"], "", outcome["stderr"]))
        assert f"the database {db} is on a read-only file system: it can be read but not written" in line
        assert outcome["same"]
        report = run_in_namespace(
            prefix, setup, str(db), ["report", "--db", str(db), "--place", "Lambeth", "--json"], outside
        )
        assert report["returncode"] == 0, report["stderr"]  # reading still works
        rebuild = run_in_namespace(prefix, setup, str(db), ["init", "--db", str(db)], outside)
        said = clear_error(subprocess.CompletedProcess([], rebuild["returncode"], "", rebuild["stderr"]))
        assert "read-only file system" in said and said.endswith("The database was not changed.")
    finally:
        shutil.rmtree(outside)


def without_root_privileges() -> list[str]:
    """Root ignores file modes; without these capabilities it must obey them like anyone."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to run without root's capabilities")
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_database_this_user_cannot_write_gives_a_clear_error(db, tmp_path, what):
    upload = tmp_path / "more.csv"
    upload.write_text("activity_id,title,start_date,place\nRW-1,t,2025-05-01,Lambeth\n")
    before = table_fingerprints(db)
    target = db if what == "file" else db.parent
    mode = target.stat().st_mode
    target.chmod(0o444 if what == "file" else 0o555)
    try:
        line = clear_error(wpc("ingest", upload, "--db", db, prefix=without_root_privileges()))
    finally:
        target.chmod(mode)
    assert "cannot be written by this user (permission denied): ask whoever runs wpc" in line
    assert line.endswith("Nothing was written.")
    assert table_fingerprints(db) == before
