"""An upload the app could not store (another upload held the database) says so, stores
nothing, and is stored once when the user presses the button again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.app.access_checks import unescape
from tests.fixtures.ingest_files import load_base_activities, rows, write
from wpc.config import ROOT
from wpc.ingest import load

GOOD = b"activity_id,title,start_date,place\nR-1,Retry me,01/06/2025,Lambeth\nR-2,And me,02/06/2025,Southwark\n"


def test_a_store_that_failed_can_be_pressed_again(writable_reference_db, tmp_path, app_at, monkeypatch):
    db = writable_reference_db
    load_base_activities(db, tmp_path)
    at = app_at(db)
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    at.selectbox(key="upload_kind").set_value("activities")
    at.file_uploader(key="upload_file").set_value(("retry.csv", GOOD, "text/csv"))
    at.run()
    assert not at.exception

    # Another upload (from the command line) holds the database, inside its transaction.
    other = write(tmp_path / "other.csv", "activity_id,title,start_date,place\nO-1,Other,2025-06-03,Lambeth\n")
    marker = tmp_path / "inside.json"
    holder = subprocess.Popen(
        [sys.executable, "-m", "wpc", "ingest", str(other), "--db", str(db)], cwd=ROOT,
        env={**os.environ, load.PAUSE_ENV: str(marker)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and holder.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), holder.stderr.read().decode()[-2000:]
        monkeypatch.setattr(load, "APP_COMMIT_WAIT", 1.0)
        at.button(key="upload_confirm").click()
        at.run()
        assert not at.exception
        said = unescape(at.error[0].value)
        assert said.startswith("**Nothing was stored:**") and "an upload of other.csv is in progress" in said
        assert "press the button again" in said
        assert [b for b in at.button if b.key == "upload_confirm"]  # still there to press
    finally:
        holder.send_signal(signal.SIGKILL)  # the other upload dies: its transaction leaves nothing
        holder.wait(timeout=30)
    assert rows(db, "select count(*) from activities where activity_id like 'R-%'") == [(0,)]

    at.button(key="upload_confirm").click()
    at.run()
    assert not at.exception and not at.error
    assert "2 rows stored, 0 quarantined" in unescape(at.success[0].value)
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert rows(db, "select activity_id from activities where activity_id like 'R-%' or activity_id = 'O-1' order by 1") == [
        ("R-1",), ("R-2",)
    ]
    assert rows(db, "select count(*) from uploads where file_name = 'retry.csv'") == [(1,)]
