"""`wpc report --json` on the demo data of every preset and place returns every contract key, on
the database file and on a DuckLake."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.fixtures.lake import store_options
from tests.test_cli_report import assert_contract
from wpc.cli import app
from wpc.presets import builtin_presets

SCOPES = [(p.id, None) for p in builtin_presets()] + [
    (p.id, place) for p in builtin_presets() for place in p.place_names]


@pytest.mark.parametrize("preset, place", SCOPES, ids=[f"{p}-{pl or 'ICS'}" for p, pl in SCOPES])
def test_report_json_on_the_demo_has_every_key(demo_store, preset, place):
    args = ["report", *store_options(demo_store), "--preset", preset, "--json", "--today", "2025-10-01"]
    if place:
        args += ["--place", place]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_contract(report)
    assert report["participants"]["total"] not in (0, "*")
    assert report["core20"]["engaged_share"] is not None
    assert len(report["ladder"]) >= 7 and len(report["cycle"]) >= 5
