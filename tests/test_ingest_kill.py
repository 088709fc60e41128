"""A real `wpc ingest` process killed (SIGKILL) inside its write transaction leaves the
database exactly as it was, and the next upload of the same file works: on the database file
and on a DuckLake."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from tests.fixtures.ingest_files import counts, load_base_activities, snapshot
from tests.fixtures.lake import env_for, store_options
from wpc.config import ROOT
from wpc.ingest.load import PAUSE_ENV


def test_killing_an_upload_mid_transaction_changes_nothing(writable_store, tmp_path):
    db = writable_store
    load_base_activities(db, tmp_path)
    n = 150_000  # more than one DuckDB row group, so rows reach the database file before commit
    frame = pd.DataFrame(
        {
            "activity_id": np.array(["ACT-1", "ACT-2"])[np.arange(n) % 2],
            "participant_ref": [f"K{i}" for i in range(n)],
            "postcode": "SE1 7EH",
            "age": (np.arange(n) % 80 + 10).astype(str),
        }
    )
    path = tmp_path / "participants.csv"
    frame.to_csv(path, index=False)
    before = snapshot(db)
    marker = tmp_path / "inside.json"
    env = {**env_for(db), PAUSE_ENV: str(marker)}
    process = subprocess.Popen(
        [sys.executable, "-m", "wpc", "ingest", str(path), *store_options(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), process.communicate()[1].decode()[-2000:]
        inside = json.loads(marker.read_text())
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # The kill landed after every row was written, inside the open transaction.
    assert inside["participants"] == n
    assert inside["uploads"] == counts_before(before)["uploads"] + 1

    assert snapshot(db) == before
    again = subprocess.run(
        [sys.executable, "-m", "wpc", "ingest", str(path), *store_options(db), "--json"],
        cwd=ROOT,
        env=env_for(db),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["stored"] == n
    assert counts(db)["participants"] == n


def counts_before(snap: dict[str, list]) -> dict[str, int]:
    return {table: len(values) for table, values in snap.items()}
