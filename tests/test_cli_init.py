"""`wpc init` and `wpc serve` through the real command line (typer's CliRunner)."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from tests.fixtures.tiny_reference import write_tiny_reference
from wpc.cli import app

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
