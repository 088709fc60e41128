"""`wpc init` and `wpc serve` through the real command line (typer's CliRunner)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.fixtures.tiny_reference import write_tiny_reference
from wpc.cli import app
from wpc.config import ROOT

runner = CliRunner()


def test_init_builds_the_default_preset(tmp_path):
    db = tmp_path / "wpc.duckdb"
    result = runner.invoke(app, ["init", "--db", str(db), "--preset", "mse"])
    assert result.exit_code == 0, result.output
    assert "33,755 LSOAs in England" in result.output
    assert "preset mse: 720 LSOAs (default)" in result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select value from meta where key = 'default_preset'").fetchall() == [("mse",)]
    con.close()


def test_init_with_an_unknown_preset_exits_2_with_a_message(tmp_path):
    result = runner.invoke(app, ["init", "--db", str(tmp_path / "x.duckdb"), "--preset", "nowhere"])
    assert result.exit_code == 2
    assert "no preset 'nowhere'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.duckdb").exists()


def test_init_with_a_missing_data_file_names_it(tmp_path, monkeypatch):
    folder = write_tiny_reference(tmp_path / "data" / "reference")
    (folder / "lookup_lsoa21_msoa21_ward24_lad24_icb24_region24_england.csv.gz").unlink()
    monkeypatch.setenv("WPC_DATA_DIR", str(tmp_path / "data"))
    result = runner.invoke(app, ["init", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "reference data file missing" in result.output
    assert "lookup_lsoa21_msoa21_ward24_lad24_icb24_region24_england.csv.gz" in result.output


def test_serve_without_a_database_explains_how_to_build_one(tmp_path):
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "wpc init" in result.output


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_stopping_serve_stops_the_server_it_started(tiny_db, tmp_path, stop):
    """A service manager stops `wpc serve` with SIGTERM, a closed terminal with SIGHUP: the
    Streamlit server it runs must stop with it, not keep serving (and holding the port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WPC_")}
    serve = subprocess.Popen([sys.executable, "-m", "wpc", "serve", "--db", str(tiny_db), "--port", str(port)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    health = f"http://127.0.0.1:{port}/_stcore/health"
    servers: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while not _answers(health):
            assert serve.poll() is None and time.monotonic() < deadline, "wpc serve did not start"
            time.sleep(0.3)
        servers = _children(serve.pid)
        assert len(servers) == 1
        serve.send_signal(stop)
        serve.wait(timeout=60)
        assert not Path(f"/proc/{servers[0]}").exists()
        assert not _answers(health)
    finally:  # nothing left running, even when the test fails
        for pid in [*servers, *([serve.pid] if serve.poll() is None else [])]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        serve.wait()
