"""The database: connections, SQL files and short transactions.

DuckDB allows one writing process or many reading ones per file, so wpc never holds a
connection longer than one piece of work: `reading()` opens a read-only connection and
`writing()` a read-write one inside a single transaction (all or nothing). Both wait a
little for a lock held by another process instead of failing at once.

SQL lives in `wpc/sql/<folder>/<name>.sql`, one statement per file, with values as
`$named` bound parameters; `query(con, "queries/name", place=...)` runs one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA_VERSION = "1"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class DatabaseError(RuntimeError):
    """A database that is missing, busy, read-only or not built by wpc; the message says which."""


class DatabaseBusy(DatabaseError):
    """Another process holds the database (an upload or a rebuild is in progress)."""


@cache
def load_sql(name: str) -> str:
    """The text of `wpc/sql/<name>.sql` (name like "queries/population_by_place")."""
    path = resources.files("wpc") / "sql" / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def bind(sql: str, params: dict) -> dict:
    """Only the parameters the statement names (DuckDB refuses extra ones); all must be given."""
    wanted = set(_PARAM.findall(_strip_comments(sql)))
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"SQL parameter(s) not given: {', '.join(sorted(missing))}")
    return {k: params[k] for k in wanted}


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run the named SQL file with bound parameters and return a DataFrame."""
    sql = load_sql(name)
    return con.execute(sql, bind(sql, params)).df()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run the named SQL file (a statement with no result) with bound parameters."""
    sql = load_sql(name)
    con.execute(sql, bind(sql, params))


def execute_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run a SQL file of several `;`-separated statements with no parameters (DDL)."""
    con.execute(load_sql(name))


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" not in message.lower() and "different configuration" not in message:
                raise DatabaseError(f"cannot open database {path}: {message}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"database {path} is busy: another process is writing to it "
                    "(an upload or a rebuild is in progress); try again shortly"
                ) from exc
        except duckdb.ConnectionException as exc:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(f"database {path} is busy: {exc}") from exc
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


@contextmanager
def reading(path: Path | str, wait_seconds: float = 10.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to a database built by `wpc init`."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"no database at {path}: build one with `wpc init --db {path}`")
    con = _open(path, read_only=True, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(path: Path | str, wait_seconds: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction: committed on success, else rolled back."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False, wait_seconds=wait_seconds)
    try:
        con.execute("begin transaction")
        try:
            yield con
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    finally:
        con.close()


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = con.execute("select value from meta where key = $key", {"key": key}).fetchall()
    return rows[0][0] if rows else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "insert or replace into meta (key, value) values ($key, $value)", {"key": key, "value": value}
    )


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "select count(*) from information_schema.tables where table_name = $name", {"name": name}
    ).fetchall()
    return bool(rows[0][0])
