"""AppTest fixtures: the real app.py router, pointed at a test database through WPC_DB_PATH."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from wpc.config import ROOT


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
