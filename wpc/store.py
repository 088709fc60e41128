"""Where wpc keeps its data: the embedded DuckDB file (the default) or a DuckLake.

The embedded file serves one machine: DuckDB lets one process write it or many read it. A
DuckLake serves several: its catalog is a PostgreSQL database and its data are Parquet files in
a shared folder, and any number of DuckDB clients on any machines read and write it with
snapshot isolation. wpc runs the same SQL on both; what differs is kept here and in `wpc.db`:

- how a connection is made: a file opened per piece of work, or one DuckDB per process with the
  lake attached (attaching costs a quarter of a second) and a cursor per piece of work;
- how readers and writers meet: the write gate (`wpc.db`) for the file; for a lake, snapshots
  (a reader sees the store as it was when its transaction began) and first-committer-wins
  between writers (every write updates one row of `meta`, so of two writers at once the second
  to commit fails with a conflict, and an upload is then checked again and retried);
- the store's version, which caches are keyed on: the file's modification time, or the lake's
  snapshot id;
- the salt check (see `check_salt`).

`WPC_STORE` (or `--store`) chooses: empty or `duckdb` for the file named by `--db`/`WPC_DB_PATH`,
or `ducklake:postgres:<PostgreSQL connection string>`, where the connection string may carry
`data_path=<folder>` (wpc's own key: the lake's Parquet folder, needed when the lake is first
built; later it overrides the folder the catalog recorded, for a server that mounts it elsewhere).

The ducklake and postgres extensions come from their PyPI wheels, loaded from the installed
package's files: DuckDB's `INSTALL` would download them, and wpc runs without the internet.
"""

from __future__ import annotations

import hmac
import importlib.metadata
import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

LAKE_PREFIX = "ducklake:postgres:"
LAKE_ALIAS = "wpc_lake"  # the name the lake is attached under in each process
# extension -> (Python module of the wheel, its PyPI name)
EXTENSIONS = {
    "postgres_scanner": ("duckdb_extension_postgres_scanner", "duckdb-extension-postgres-scanner"),
    "ducklake": ("duckdb_extension_ducklake", "duckdb-extension-ducklake"),
}
SALT_CHECK_KEY = "salt_check"
_OWN_KEY = re.compile(r"(?:^|\s)data_path\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


class StoreSettingError(ValueError):
    """A store setting that cannot be understood; the message says what is accepted."""


@dataclass(frozen=True)
class Store:
    """The embedded file (`path`) or a DuckLake (`catalog`: a libpq connection string for its
    PostgreSQL catalog; `data_path`: the folder of its Parquet files, if given)."""

    path: Path | None = None
    catalog: str | None = None
    data_path: str | None = None

    @property
    def is_lake(self) -> bool:
        return self.catalog is not None

    @property
    def setting(self) -> str:
        """The WPC_STORE value naming this store ('' for the embedded file)."""
        if not self.is_lake:
            return ""
        extra = f" data_path={_quote(self.data_path)}" if self.data_path else ""
        return f"{LAKE_PREFIX}{self.catalog}{extra}"

    def cli_options(self) -> list[str]:
        """The command-line options that name this store."""
        return ["--store", self.setting] if self.is_lake else ["--db", str(self.path)]

    def exists(self) -> bool:
        """Whether there is anything to open (a lake is checked when it is attached)."""
        return True if self.is_lake else Path(self.path).exists()

    def __str__(self) -> str:
        if not self.is_lake:
            return str(self.path)
        shown = _PASSWORD.sub(r"\1***", self.catalog)
        return f"the DuckLake with catalog '{shown}'"


def _quote(value: str) -> str:
    return value if value and not re.search(r"[\s']", value) else "'" + value.replace("'", "\\'") + "'"


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse(text: str | None, db_path: Path | str) -> Store:
    """The store a WPC_STORE / --store value names; empty or 'duckdb' is the file at `db_path`."""
    text = (text or "").strip()
    if text in ("", "duckdb"):
        return Store(path=Path(db_path))
    if text.startswith(LAKE_PREFIX):
        conninfo = text[len(LAKE_PREFIX):]
        found = _OWN_KEY.search(conninfo)
        data_path = _unquote(found.group(1)) if found else None
        catalog = _OWN_KEY.sub("", conninfo).strip()
        if not catalog:
            raise StoreSettingError(
                f"the store {text!r} names no PostgreSQL catalog: give a connection string such as "
                f"'{LAKE_PREFIX}dbname=wpc host=db.example user=wpc data_path=/srv/wpc-lake'"
            )
        return Store(catalog=catalog, data_path=data_path)
    raise StoreSettingError(
        f"unknown store {text!r}: use 'duckdb' (the database file, the default) or "
        f"'{LAKE_PREFIX}<PostgreSQL connection string> data_path=<shared folder>'"
    )


def resolve(where: Store | Path | str) -> Store:
    """A Store for what callers pass around: a Store, or the path of an embedded file."""
    return where if isinstance(where, Store) else Store(path=Path(where))


# Extensions from the wheels -------------------------------------------------------------------


def extension_file(name: str) -> Path:
    """The installed wheel's file of DuckDB extension `name` for this DuckDB, or a
    DatabaseError naming the package to install."""
    from wpc.db import DatabaseError

    module, package = EXTENSIONS[name]
    version = duckdb.__version__
    install = f"install it with `.venv/bin/pip install {package}=={version}` (or `pip install -e '.[lake]'`)"
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseError(
            f"a DuckLake store needs the Python package {package}=={version}, which holds DuckDB's {name} "
            f"extension (DuckDB cannot download it here): {install}"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "extensions"
    file = folder / f"v{version}" / f"{name}.duckdb_extension"
    if not file.is_file():
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            installed = "unknown"
        built_for = ", ".join(sorted(p.name.lstrip("v") for p in folder.glob("v*"))) or "no DuckDB version"
        raise DatabaseError(
            f"the installed {package} ({installed}) is built for DuckDB {built_for}, but this is DuckDB "
            f"{version}: {install}"
        )
    return file


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the postgres and ducklake extensions from their wheels (never INSTALL)."""
    from wpc.db import DatabaseError

    for name in EXTENSIONS:
        file = extension_file(name)
        try:
            con.execute(f"load '{_sql_text(str(file))}'")
        except duckdb.Error as exc:
            package = EXTENSIONS[name][1]
            raise DatabaseError(
                f"DuckDB {duckdb.__version__} could not load the {name} extension from {file} "
                f"({_first_line(exc)}): reinstall {package}=={duckdb.__version__}"
            ) from exc


def _sql_text(value: str) -> str:
    return value.replace("'", "''")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# One attached lake per process ------------------------------------------------------------------

_LAKES: dict[Store, duckdb.DuckDBPyConnection] = {}
_LAKES_LOCK = threading.Lock()


def _attach(store: Store, create: bool) -> duckdb.DuckDBPyConnection:
    from wpc.db import DatabaseError

    con = duckdb.connect()
    try:
        load_extensions(con)
        options = [f"create_if_not_exists {'true' if create else 'false'}"]
        if store.data_path:
            folder = store.data_path if "://" in store.data_path else str(Path(store.data_path).expanduser())
            if "://" not in folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
            # A server may mount the shared folder elsewhere than the one that built the lake.
            options += [f"data_path '{_sql_text(folder.rstrip('/') + '/')}'", "override_data_path true"]
        elif create:
            raise DatabaseError(
                f"a new DuckLake needs a folder for its data files: add data_path=<shared folder> to the "
                f"store setting ({store})"
            )
        try:
            con.execute(
                f"attach '{_sql_text(LAKE_PREFIX + store.catalog)}' as {LAKE_ALIAS} ({', '.join(options)})"
            )
        except duckdb.Error as exc:
            text = str(exc)
            if "does not exist" in text and "creating a new DuckLake is explicitly disabled" in text:
                raise DatabaseError(
                    f"there is no wpc store in {store} yet: build one with `wpc init --store '<the same "
                    "setting> data_path=<shared folder>'`"
                ) from exc
            if "Unable to connect to Postgres" in text or "connection to server" in text:
                detail = text.split("Unable to connect to Postgres", 1)[-1].strip()
                raise DatabaseError(
                    f"cannot reach the PostgreSQL catalog of {store}: {detail.splitlines()[0] if detail else text}"
                ) from exc
            raise DatabaseError(f"cannot attach {store}: {_first_line(exc)}") from exc
    except BaseException:
        con.close()
        raise
    return con


def lake_cursor(store: Store, create: bool = False) -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) to this process's DuckDB with the lake attached and in use:
    private temporary tables, its own transactions."""
    with _LAKES_LOCK:
        base = _LAKES.get(store)
        if base is None:
            base = _LAKES[store] = _attach(store, create)
    try:
        cursor = base.cursor()
        cursor.execute(f"use {LAKE_ALIAS}")
    except duckdb.Error:
        release(store)  # a broken instance (the catalog went away): attach afresh next time
        raise
    return cursor


def release(store: Store | None = None) -> None:
    """Detach the lake (or every lake) this process holds; the next use attaches again."""
    with _LAKES_LOCK:
        for key in [store] if store is not None else list(_LAKES):
            con = _LAKES.pop(key, None)
            if con is not None:
                try:
                    con.close()
                except duckdb.Error:
                    pass


def is_lake_connection(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchall()
    return bool(rows) and rows[0][0] == "ducklake"


def snapshot_id(con: duckdb.DuckDBPyConnection) -> int:
    """The lake snapshot this connection sees (inside a transaction: the transaction's)."""
    return int(con.execute(f"select id from ducklake_current_snapshot('{LAKE_ALIAS}')").fetchall()[0][0])


# The salt ---------------------------------------------------------------------------------------


def salt_check_value(salt: bytes) -> str:
    """A value that tells salts apart without revealing them (an HMAC of a fixed text)."""
    return hmac.digest(salt, b"wpc salt check", "sha256").hex()


def check_salt(con: duckdb.DuckDBPyConnection, salt: bytes, salt_file: Path) -> None:
    """On a lake, every server that takes uploads must hash refs with the same salt, or the same
    person would count as several. The store keeps a check value of the salt it was built with;
    a server whose salt file differs is refused (the embedded file has one salt beside it)."""
    from wpc import db

    if not is_lake_connection(con):
        return
    recorded = db.get_meta(con, SALT_CHECK_KEY)
    if recorded is None or hmac.compare_digest(recorded, salt_check_value(salt)):
        return
    from wpc.ingest.privacy import SaltError

    raise SaltError(
        f"the salt file {salt_file} is not the salt this store's participant refs were hashed with: copy "
        "the salt file from the machine that ran `wpc init` (every server that takes uploads needs the same "
        "one; see docs/deploy.md)"
    )


def record_salt(con: duckdb.DuckDBPyConnection, salt: bytes, salt_file: Path) -> None:
    """Keep the salt's check value in a lake (inside the caller's write transaction), or check it."""
    from wpc import db

    if not is_lake_connection(con):
        return
    if db.get_meta(con, SALT_CHECK_KEY) is None:
        db.set_meta(con, SALT_CHECK_KEY, salt_check_value(salt))
    else:
        check_salt(con, salt, salt_file)
