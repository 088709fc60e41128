"""`wpc serve` binds to 127.0.0.1 unless login is configured; `wpc access` checks the access
config and says what one person may see."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from wpc import access, cli

COMPLETE = """
[auth]
redirect_uri = "https://wpc.example.nhs.uk/oauth2callback"
cookie_secret = "a-long-random-string"
client_id = "wpc"
client_secret = "not-a-real-secret"
server_metadata_url = "https://login.example.org/.well-known/openid-configuration"
"""


@pytest.fixture
def secrets(tmp_path, monkeypatch):
    """The secrets file `wpc serve` reads (none yet), and the streamlit command it would run."""
    path = tmp_path / ".streamlit" / "secrets.toml"
    monkeypatch.setattr(access, "secrets_files", lambda app_dir: [path])
    started = []
    monkeypatch.setattr(cli, "_run_until_stopped", lambda command, env: started.append(command) or 0)
    return path, started


def serve(db, *args):
    return CliRunner().invoke(cli.app, ["serve", "--db", str(db), *args])


def test_without_login_serve_refuses_any_address_but_loopback(reference_db, secrets):
    _path, started = secrets
    for address in ("0.0.0.0", "192.168.1.20", "::"):
        result = serve(reference_db, "--address", address)
        assert result.exit_code == 2
        assert f"refusing to serve on {address}: no login is configured" in result.output
    assert started == []
    result = serve(reference_db)
    assert result.exit_code == 0
    assert "Serving wpc on http://127.0.0.1:8501 (single-user mode" in result.output
    assert started[0][started[0].index("--server.address") + 1] == "127.0.0.1"


def test_with_login_serve_may_listen_on_the_network(reference_db, secrets, tmp_path, monkeypatch):
    path, started = secrets
    path.parent.mkdir()
    path.write_text(COMPLETE)
    monkeypatch.setenv("WPC_ACCESS_PATH", str(tmp_path / "access.toml"))
    result = serve(reference_db, "--address", "0.0.0.0", "--port", "8600")
    assert result.exit_code == 0
    assert "Serving wpc on http://0.0.0.0:8600 (login required" in result.output
    assert started[0][started[0].index("--server.address") + 1] == "0.0.0.0"
    # no access config yet: served, with a warning that nobody will see data
    assert "warning: there is no access config at" in result.output


def test_incomplete_or_broken_login_is_refused_even_on_loopback(reference_db, secrets):
    path, started = secrets
    path.parent.mkdir()
    path.write_text(COMPLETE.replace('cookie_secret = "a-long-random-string"\n', ""))
    result = serve(reference_db)
    assert result.exit_code == 2 and "incomplete: missing [auth] cookie_secret" in result.output
    path.write_text("[auth\n")
    result = serve(reference_db)
    assert result.exit_code == 2 and "is not valid TOML" in result.output
    assert started == []


def test_access_checks_the_config_and_describes_a_person(reference_db, tmp_path):
    config = tmp_path / "access.toml"
    config.write_text('[users."lead@lambeth.gov.uk"]\nsel = ["Lambeth"]\n[domains."nhs.net"]\nmse = ["*"]\n')
    run = CliRunner().invoke
    result = run(
        cli.app, ["access", "Lead@Lambeth.gov.uk", "--db", str(reference_db), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "lead@lambeth.gov.uk may see: sel: Lambeth",
        "  ICS-wide totals of those ICSs too (with small numbers hidden); their own uploads only.",
        f"{config}: 1 people and 1 domains; no problems.",
    ]
    result = run(cli.app, ["access", "x@nhs.net", "--db", str(reference_db), "--config", str(config)])
    assert result.output.splitlines()[0] == "x@nhs.net may see: mse: the whole ICS"
    config.write_text('[users."lead@lambeth.gov.uk"]\nsel = ["Lambth"]\n')
    result = run(cli.app, ["access", "--db", str(reference_db), "--config", str(config)])
    assert result.exit_code == 2
    assert "problem: [users.\"lead@lambeth.gov.uk\"] sel: 'Lambth' is not a place of sel" in result.output
    assert "has 1 problem(s): the app shows no data to anyone until they are fixed" in result.output
    result = run(cli.app, ["access", "--db", str(reference_db), "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "there is no access config at" in result.output
