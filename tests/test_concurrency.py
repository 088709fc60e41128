"""Several app sessions reading while uploads write (wpc/db.py explains the design: short
transactions, and a write gate that puts writers first).

Real processes: readers in a loop run the queries pages run (measures, population context)
while `wpc ingest` processes upload different files. No reader sees an error, no upload is
lost, and no reader ever sees part of an upload: every count of participant rows a reader
sees is the demo's plus the sizes of some set of whole uploads.
"""

from __future__ import annotations

import itertools
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.fixtures import concurrent_reader
from tests.fixtures.fingerprints import table_fingerprints
from tests.fixtures.ingest_files import settings_for
from tests.fixtures.lake import env_for, store_options
from wpc import db as database
from wpc.config import ROOT
from wpc.ingest import load

SIZES = (10_000, 16_000, 27_000)  # every sum of a subset of these is different


@pytest.fixture
def busy_db(store_kind, demo_db, tmp_path, request):
    """A writable copy of the demo database on each store: a file, or a DuckLake."""
    if store_kind == "ducklake":
        return request.getfixturevalue("postgres").clone(request.getfixturevalue("demo_lake"), tmp_path / "lake")
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    return path


def reader_arg(where) -> str:
    """How a reader process is told the store: the file's path, or the lake's setting."""
    return where.setting if getattr(where, "is_lake", False) else str(where)


def participant_files(db: Path, folder: Path, sizes=SIZES, prefix="C") -> list[Path]:
    """One participants file per size, for demo activities, with refs no other file uses."""
    ids = [r[0] for r in rows_in(db, "select activity_id from activities order by 1 limit 4")]
    files = []
    for number, n in enumerate(sizes):
        frame = pd.DataFrame({
            "activity_id": np.array(ids)[np.arange(n) % len(ids)],
            "participant_ref": [f"{prefix}{number}-{i}" for i in range(n)],
            "postcode": "SE1 7EH",
            "age": (np.arange(n) % 80 + 10).astype(str),
        })
        path = folder / f"{prefix.lower()}{number}-participants.csv"
        frame.to_csv(path, index=False)
        files.append(path)
    return files


def rows_in(db, sql: str, params: dict | None = None):
    with database.reading(db) as con:
        return con.execute(sql, params or {}).fetchall()


def whole_upload_counts(base: int, sizes) -> set[int]:
    return {base + sum(c) for k in range(len(sizes) + 1) for c in itertools.combinations(sizes, k)}


def test_sessions_keep_reading_while_uploads_write(busy_db, tmp_path):
    files = participant_files(busy_db, tmp_path)
    base = rows_in(busy_db, "select count(*) from participants")[0][0]
    stop = tmp_path / "stop"
    readers, last_reads = [], []
    for number, threads in enumerate((1, 1, 2)):  # two processes, and one of two threads
        out = tmp_path / f"reader{number}.json"
        last_reads += [Path(f"{out}.{n}.latest") for n in range(threads)]  # tests/fixtures/concurrent_reader.py
        readers.append((out, subprocess.Popen(
            [sys.executable, "-m", "tests.fixtures.concurrent_reader", reader_arg(busy_db), str(stop), str(out),
             str(threads)],
            cwd=ROOT, env=env_for(busy_db),
        )))
    deadline = time.monotonic() + 60
    while not all(Path(str(out) + ".ready").exists() for out, _ in readers) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # the readers are in their loops before the first upload starts

    writes_began = time.time()
    uploads = [
        subprocess.Popen(
            [sys.executable, "-m", "wpc", "ingest", str(path), *store_options(busy_db), "--json"],
            cwd=ROOT, env=env_for(busy_db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in files
    ]
    results = [upload.communicate(timeout=300) for upload in uploads]
    writes_ended = time.time()
    # every reader goes on until it has read the database with every upload in it (a busy
    # machine's read can take seconds), then all stop
    final, deadline = str(base + sum(SIZES)), time.monotonic() + 180
    while time.monotonic() < deadline and not all(p.exists() and p.read_text() == final for p in last_reads):
        time.sleep(0.2)
    stop.write_text("stop")
    for out, reader in readers:
        assert reader.wait(timeout=60) == 0
    records = [record for out, _ in readers for record in json.loads(out.read_text())]

    # No upload lost: each exited 0 having stored every row, and every row is there.
    for upload, (stdout, stderr), path, n in zip(uploads, results, files, SIZES):
        assert upload.returncode == 0, stderr
        assert json.loads(stdout)["stored"] == n
        assert rows_in(
            busy_db,
            "select u.rows_stored, count(p.source_line) from uploads u join participants p using (upload_id) "
            "where u.file_name = $name group by all",
            {"name": path.name},
        ) == [(n, n)]
    assert rows_in(busy_db, "select count(*) from participants")[0][0] == base + sum(SIZES)

    # No error reached a reader, and every reader saw whole uploads only, never fewer later.
    assert [e for r in records for e in r["errors"]] == []
    allowed = whole_upload_counts(base, SIZES)
    for record in records:
        seen = [rows for _at, _took, rows in record["reads"]]
        assert set(seen) <= allowed
        assert seen == sorted(seen)
    reads = [read for r in records for read in r["reads"]]
    during = [took for at, took, _rows in reads if writes_began <= at <= writes_ended]
    assert during, "no session read while the uploads ran"
    assert {rows for *_, rows in reads} >= {base, base + sum(SIZES)}
    print(f"\n{len(reads)} reads, {len(during)} while uploading; slowest read {max(t for _, t, _ in reads):.2f} s")


def test_threads_of_one_server_read_while_another_thread_uploads(busy_db, tmp_path):
    # In one process a read-only and a read-write connection cannot be open together: the
    # write gate makes the readers wait for the upload instead of failing.
    files = participant_files(busy_db, tmp_path, sizes=(15_000, 25_000), prefix="T")
    base = rows_in(busy_db, "select count(*) from participants")[0][0]
    stop = tmp_path / "stop"
    records = [{"reads": [], "errors": []} for _ in range(3)]
    threads = [threading.Thread(target=concurrent_reader.read_until, args=(busy_db, stop, r)) for r in records]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        outcomes = [load.ingest(path, busy_db, settings_for(busy_db), source="upload") for path in files]
        time.sleep(0.5)
    finally:
        stop.write_text("stop")
        for thread in threads:
            thread.join(timeout=60)
    assert [o.stored for o in outcomes] == [15_000, 25_000]
    assert [e for r in records for e in r["errors"]] == []
    seen = {rows for r in records for *_, rows in r["reads"]}
    assert seen <= whole_upload_counts(base, (15_000, 25_000)) and base in seen
    assert rows_in(busy_db, "select count(*) from participants")[0][0] == base + 40_000


def test_a_reader_kept_waiting_is_told_an_upload_is_in_progress(busy_db, tmp_path):
    # On a lake a reader never waits: it reads the snapshot before the open upload, at once.
    (path,) = participant_files(busy_db, tmp_path, sizes=(1_000,), prefix="W")
    before = table_fingerprints(busy_db)
    marker = tmp_path / "inside.json"
    upload = subprocess.Popen(
        [sys.executable, "-m", "wpc", "ingest", str(path), *store_options(busy_db)],
        cwd=ROOT, env={**env_for(busy_db), load.PAUSE_ENV: str(marker)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and upload.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), upload.stderr.read().decode()[-2000:]
        assert json.loads(marker.read_text())["participants"] == before["participants"][0] + 1_000
        if getattr(busy_db, "is_lake", False):
            started = time.monotonic()
            assert table_fingerprints(busy_db) == before  # the upload, open, is not seen
            assert time.monotonic() - started < 5
        else:
            with pytest.raises(database.DatabaseBusy) as busy, database.reading(busy_db, wait_seconds=1):
                pass
            message = str(busy.value)
            assert f"an upload of {path.name} is in progress (process {upload.pid}" in message
            assert "try again in a moment" in message
    finally:
        upload.send_signal(signal.SIGKILL)
        upload.wait(timeout=30)
    # The kill released the gate: readers get in at once, and the upload left nothing behind.
    with database.reading(busy_db, wait_seconds=1) as con:
        assert con.execute("select count(*) from uploads where file_name = $n", {"n": path.name}).fetchall() == [(0,)]
    assert table_fingerprints(busy_db) == before
