"""Settings: where wpc finds its data and database, and its limits.

One frozen dataclass. Every field has a default and help text, and can be overridden
by a `WPC_<NAME>` environment variable (e.g. `WPC_DB_PATH=/srv/wpc.duckdb`).
Paths resolve from the repository, never from the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from wpc.store import Store
from wpc.store import parse as parse_store

ROOT = Path(__file__).resolve().parents[1]


def _setting(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(ROOT / "data", "Folder holding reference/ (shipped open data).")
    db_path: Path = _setting(
        ROOT / "data" / "wpc.duckdb", "The DuckDB database file built by `wpc init`."
    )
    store: str = _setting(
        "",
        "Where the data live: empty (or `duckdb`) for the database file `db_path`; "
        "`ducklake:postgres:<PostgreSQL connection string> data_path=<shared folder>` for a DuckLake "
        "that several servers share (docs/deploy.md).",
    )
    salt_path: Path | None = _setting(
        None,
        "File holding this installation's secret salt for hashing participant refs; "
        "kept outside the database. Default: the database path with `.salt` appended "
        "(for a DuckLake store: data/wpc-lake.salt, copied to every server).",
    )
    max_upload_mb: int = _setting(200, "Uploads larger than this many megabytes are refused.")
    default_preset: str = _setting("sel", "Preset used when none is named.")
    access_path: Path = _setting(
        ROOT / "data" / "access.toml",
        "The access config: which places each person (e-mail address) or e-mail domain may see. "
        "Read only when login is configured in .streamlit/secrets.toml; see 'Login and access'.",
    )

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def database(self) -> Store:
        """The store wpc works on: the embedded file, or a DuckLake (wpc.store)."""
        return parse_store(self.store, self.db_path)

    def salt_file(self, where: Store | Path | None = None) -> Path:
        if self.salt_path is not None:
            return self.salt_path
        if isinstance(where, Store) and where.is_lake:
            return self.data_dir / "wpc-lake.salt"
        db = Path(where.path if isinstance(where, Store) else where or self.db_path)
        return db.with_name(db.name + ".salt")


def load_settings(**overrides) -> Settings:
    """Settings from defaults, then WPC_* environment variables, then keyword overrides."""
    values = {}
    for f in fields(Settings):
        env = os.environ.get(f"WPC_{f.name.upper()}")
        if env is not None and env != "":
            values[f.name] = _coerce(f.type, env)
    values.update({k: v for k, v in overrides.items() if v is not None})
    for name in ("data_dir", "db_path", "salt_path", "access_path"):
        if values.get(name) is not None:
            values[name] = Path(values[name]).expanduser().resolve()
    return Settings(**values)


def _coerce(type_name, raw: str):
    if "int" in str(type_name):
        return int(raw)
    return raw


def setting_help() -> dict[str, str]:
    """Each setting's name and help text (documented in the README, checked by a test)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}
