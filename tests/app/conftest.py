"""AppTest fixtures: the real app.py router, pointed at a test database through WPC_DB_PATH;
and the access tests' database, records and logged-in sessions."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.access_checks import (
    ACCESS, ADMIN, AUTH, LEAD, LEAD_ACTIVITIES, SECRET_ACTIVITIES, SECRET_INSIGHTS, SECRET_PEOPLE,
)
from tests.fixtures.ingest_files import settings_for, write
from wpc.config import ROOT
from wpc.ingest import load


@pytest.fixture
def app_at(monkeypatch):
    """Returns a factory: app_at(db_path, **query_params) -> an AppTest of app.py, not yet run."""

    def make(db_path, **query_params) -> AppTest:
        monkeypatch.setenv("WPC_DB_PATH", str(db_path))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query_params.items():
            at.query_params[key] = value
        return at

    return make


# ---------- the access tests' (tests/app/test_access_*.py)


@pytest.fixture(scope="module")
def access_db(demo_db, tmp_path_factory):
    """The demo database plus, through the real ingest, a Southwark activity (with participants
    and an insight) uploaded by the ICS team, and a Lambeth activity uploaded by the lead."""
    folder = tmp_path_factory.mktemp("access_db")
    path = folder / "wpc.duckdb"
    shutil.copy(demo_db, path)
    settings = settings_for(path)
    for name, text, who in (
        ("southwark-secret-listening.csv", SECRET_ACTIVITIES, ADMIN),
        ("southwark-secret-people.csv", SECRET_PEOPLE, ADMIN),
        ("southwark-secret-insights.csv", SECRET_INSIGHTS, ADMIN),
        ("lambeth-own-upload.csv", LEAD_ACTIVITIES, LEAD),
    ):
        prepared = load.prepare(write(folder / name, text), path, settings)
        assert prepared.quarantined == 0, prepared.problems
        load.commit(prepared, path, source="upload", uploaded_by=who)
    return path


@pytest.fixture(scope="module")
def southwark(access_db) -> dict:
    """What must never reach the Lambeth lead: Southwark's record-level data."""
    con = duckdb.connect(str(access_db), read_only=True)
    try:

        def column(sql):
            return {row[0] for row in con.execute(sql).fetchall()}

        return {
            "activity ids": column("select activity_id from activities where place = 'Southwark'"),
            "titles": column("select title from activities where place = 'Southwark'"),
            "insights": column("select summary from insights where place = 'Southwark'"),
            "lsoa codes": column(
                "select lsoa21cd from ref_lsoa where preset = 'sel' and place = 'Southwark'"
            ),
            "file names": column(
                f"select file_name from uploads where uploaded_by is distinct from '{LEAD}'"
            ),
        }
    finally:
        con.close()


@pytest.fixture
def access_file(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(ACCESS, encoding="utf-8")
    return path


@pytest.fixture
def session(monkeypatch, access_file):
    """session(db, user, **query_params) -> an AppTest of app.py with login configured and
    `user` logged in (None: nobody logged in; a dict: those claims), not yet run."""

    def make(db_path, user: str | dict | None, **params) -> AppTest:
        monkeypatch.setenv("WPC_DB_PATH", str(db_path))
        monkeypatch.setenv("WPC_ACCESS_PATH", str(access_file))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.secrets["auth"] = dict(AUTH)
        if user is None:
            at.user = {"is_logged_in": False}
        elif isinstance(user, dict):
            at.user = user
        else:
            at.user = {"is_logged_in": True, "email": user, "name": user.split("@")[0].title()}
        for key, value in params.items():
            at.query_params[key] = value
        return at

    return make
