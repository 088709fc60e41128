"""The database: connections, SQL files and short transactions.

DuckDB allows one writing process or many reading ones per file (and inside one process
a read-only and a read-write connection cannot be open at once), so wpc never holds a
connection longer than one piece of work: `reading()` opens a read-only connection and
`writing()` a read-write one inside a single transaction (all or nothing).

Concurrency: writers go first. Left to DuckDB's own lock, a writer waiting for a gap
between readers could wait for ever while app sessions keep reading, so every writer
first takes an exclusive lock on `<database>.lock` (flock: it works between processes and
between the threads of the Streamlit server alike) and writes there what it is doing.
Readers pass that gate only while no writer holds it, so new readers queue behind a
writer, the readers already in finish their short queries, and the writer gets in. An
upload holds the write connection only for its commit (well under a second for 200,000
rows; the file is checked before, on a read-only connection), so readers wait briefly and
see the database either before the upload or after it, never part of it. A reader that
has waited `wait_seconds` gets DatabaseBusy, whose message says what is writing; writers
queue behind each other the same way. Where `fcntl` does not exist (Windows) only DuckDB's
lock applies: the data stay safe, but writers are not put first.

A DuckLake store (`wpc.store`) has no file to lock and needs no gate: a reader's transaction
sees one snapshot of the lake, so it sees an upload whole or not at all, and never waits for a
writer; writers on any machine run at once, and every write moves on one row of `meta`
(`write_serial`) before it commits, so of two writers the second to commit fails with a
conflict (WriteConflict) instead of interleaving; an upload is then checked again and retried.
Every function here takes the store as a `wpc.store.Store` or, for the embedded file, its path.

SQL lives in `wpc/sql/<folder>/<name>.sql`, one statement per file, with values as
`$named` bound parameters; `query(con, "queries/name", place=...)` runs one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from wpc import store as stores
from wpc.store import Store

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

SCHEMA_VERSION = "1"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class DatabaseError(RuntimeError):
    """A database that is missing, busy, read-only or not built by wpc; the message says which."""


class DatabaseBusy(DatabaseError):
    """Another process holds the database (an upload or a rebuild is in progress)."""


class WriteConflict(DatabaseBusy):
    """Another writer committed to the lake while this write was open; nothing was written."""


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
                raise DatabaseError(explain(exc, path)) from exc
            if time.monotonic() >= deadline:
                using = "writing to it" if read_only else "using it"
                raise DatabaseBusy(_busy(path, f"another process is {using}")) from exc
        except duckdb.ConnectionException as exc:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(_busy(path, "another part of this program is writing to it")) from exc
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def explain(exc: BaseException, path: Path) -> str:
    """A DuckDB or file-system error as a message saying what is wrong and what to do."""
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "No space left on device" in text or "Disk quota exceeded" in text:
        return f"the disk holding the database {path} is full: free some space and try again"
    if "File too large" in text:
        return f"the database {path} cannot grow any larger (the system's file size limit)"
    if "Read-only file system" in text:
        return f"the database {path} is on a read-only file system: it can be read but not written"
    if "Permission denied" in text or "Operation not permitted" in text:
        return (
            f"the database {path} (or its folder) cannot be written by this user (permission denied): "
            "ask whoever runs wpc to make it writable"
        )
    return f"cannot use database {path}: {first}"


# The write gate ------------------------------------------------------------------------------

_writing_here = threading.local()  # the databases this thread holds the write gate of


def lock_file(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _busy(path: Path, fallback: str) -> str:
    doing = _what_is_writing(path) or fallback
    return f"the database {path} is busy: {doing}. Nothing is lost: try again in a moment"


def _what_is_writing(path: Path) -> str | None:
    try:
        return lock_file(path).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _flock(handle: int, mode: int, deadline: float, path: Path, what: str, pause: float = 0.05) -> None:
    """Take the lock `mode` on `handle`, trying again until `deadline`; then DatabaseBusy saying
    `what` (flock with LOCK_NB, because a blocking wait could not give up)."""
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(_busy(path, what)) from None
            time.sleep(pause)


@contextmanager
def _write_gate(path: Path, wait_seconds: float, doing: str) -> Iterator[None]:
    """Hold the exclusive write lock, saying in the lock file what is being written."""
    if fcntl is None:
        yield
        return
    try:
        handle = os.open(lock_file(path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise DatabaseError(explain(exc, path)) from exc
    try:
        _flock(handle, fcntl.LOCK_EX, time.monotonic() + wait_seconds, path,
               "another upload or rebuild is in progress")
        note = f"{doing} is in progress (process {os.getpid()}, since {datetime.now():%H:%M:%S})"
        os.ftruncate(handle, 0)
        os.pwrite(handle, note.encode("utf-8"), 0)
        held = getattr(_writing_here, "paths", frozenset())
        _writing_here.paths = held | {path.resolve()}
        try:
            yield
        finally:
            _writing_here.paths = held
            os.ftruncate(handle, 0)
    finally:
        os.close(handle)  # closing releases the lock (and so does the process ending, even killed)


@contextmanager
def holding_writes(path: Path | str, wait_seconds: float = 120.0, doing: str = "a copy") -> Iterator[None]:
    """Keep writers out of the database file (its write gate) while it is read elsewhere."""
    with _write_gate(Path(path), wait_seconds, doing):
        yield


def _wait_for_writers(path: Path, deadline: float) -> None:
    """Return once no writer holds the gate (new readers queue behind a waiting writer)."""
    if fcntl is None:
        return
    if path.resolve() in getattr(_writing_here, "paths", frozenset()):
        raise RuntimeError(f"reading {path} while this thread writes to it: use the write connection")
    try:
        handle = os.open(lock_file(path), os.O_RDONLY)
    except OSError:
        return  # never written through wpc, or not readable: there is no writer to wait for
    try:
        _flock(handle, fcntl.LOCK_SH, deadline, path, "an upload or rebuild is in progress")
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextmanager
def upload_queue(where: Store | Path | str, wait_seconds: float = 600.0) -> Iterator[None]:
    """Uploads from the command line one at a time: each checks its file and stores it while
    holding `<database>.queue`, so no upload's check is overtaken by another's commit. Readers
    never wait for this lock, only for the write gate. A lake has no queue: uploads on any
    machine run at once, and one overtaken by another's commit conflicts and is checked again."""
    store = stores.resolve(where)
    if fcntl is None or store.is_lake:
        yield
        return
    path = Path(store.path)
    try:
        handle = os.open(path.with_name(path.name + ".queue"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise DatabaseError(explain(exc, path)) from exc
    try:
        _flock(handle, fcntl.LOCK_EX, time.monotonic() + wait_seconds, path, "other uploads are queued", pause=0.1)
        yield
    finally:
        os.close(handle)


# Connections ---------------------------------------------------------------------------------


@contextmanager
def reading(where: Store | Path | str, wait_seconds: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to a database built by `wpc init`; waits (up to
    `wait_seconds`) for an upload or rebuild in progress to finish first. On a lake: one
    transaction, so every query in it sees the same snapshot."""
    store = stores.resolve(where)
    if store.is_lake:
        with _lake_reading(store) as con:
            yield con
        return
    path = Path(store.path)
    if not path.exists():
        raise DatabaseError(f"no database at {path}: build one with `wpc init --db {path}`")
    deadline = time.monotonic() + wait_seconds
    _wait_for_writers(path, deadline)
    con = _open(path, read_only=True, wait_seconds=max(deadline - time.monotonic(), 1.0))
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(
    where: Store | Path | str, wait_seconds: float = 120.0, doing: str = "a change to the database",
    create: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction: committed on success, else rolled back.
    `doing` says what is being written (readers that wait too long are told). `create`: a lake
    may be created (`wpc init`); a file always may."""
    store = stores.resolve(where)
    if store.is_lake:
        with _lake_writing(store, create) as con:
            yield con
        return
    path = Path(store.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_gate(path, wait_seconds, doing):
        con = _open(path, read_only=False, wait_seconds=wait_seconds)
        try:
            con.execute("begin transaction")
            try:
                yield con
            except BaseException:
                with suppress(duckdb.Error):  # a failed write may have aborted it already
                    con.execute("rollback")
                raise
            try:
                con.execute("commit")
            except duckdb.Error as exc:
                raise DatabaseError(explain(exc, path)) from exc
        finally:
            con.close()
            # protection kept for the data as it was (wpc.measures.kept) describes it no longer
            shutil.rmtree(kept_folder(path), ignore_errors=True)


@contextmanager
def _lake_reading(store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _lake_cursor(store)
    try:
        con.execute("begin transaction")
        yield con
    finally:
        with suppress(duckdb.Error):
            con.execute("rollback")
        con.close()


@contextmanager
def _lake_writing(store: Store, create: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _lake_cursor(store, create)
    try:
        con.execute("begin transaction")
        try:
            yield con
        except BaseException:
            with suppress(duckdb.Error):
                con.execute("rollback")
            raise
        try:
            claim_write(con)
            con.execute("commit")
        except duckdb.TransactionException as exc:
            if "conflict" in str(exc).lower():
                raise WriteConflict(
                    f"{store} was changed by another writer while this change was being made; nothing was "
                    "written: try again"
                ) from exc
            raise DatabaseError(f"cannot write to {store}: {str(exc).strip().splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot write to {store}: {str(exc).strip().splitlines()[0]}") from exc
    finally:
        con.close()


def _lake_cursor(store: Store, create: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return stores.lake_cursor(store, create)
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot use {store}: {str(exc).strip().splitlines()[0]}") from exc


def claim_write(con: duckdb.DuckDBPyConnection) -> None:
    """Move on `write_serial` in meta: on a lake, two writes at once both change this one row, so
    the second to commit conflicts and is refused whole (first committer wins). The file needs
    no such row: its writers take turns at the write gate."""
    if table_exists(con, "meta"):
        execute(con, "ingest/claim_write")


def kept_folder(path: Path | str) -> Path:
    """Where protected families are kept beside a database file (wpc.measures.kept)."""
    path = Path(path)
    return path.with_name(path.name + ".kept")


def version(where: Store | Path | str) -> tuple | int:
    """Changes whenever the store is written: the database file's (and its write-ahead log's)
    modification time and size, or a lake's snapshot id. The one key every cache of database
    reads is kept under (wpc.ui.cache for pages, wpc.measures.shared for scope tables)."""
    store = stores.resolve(where)
    if store.is_lake:
        con = _lake_cursor(store)
        try:
            return stores.snapshot_id(con)
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot read {store}: {str(exc).strip().splitlines()[0]}") from exc
        finally:
            con.close()
    path = Path(store.path)
    stamps = []
    for part in (path, path.with_name(path.name + ".wal")):
        try:
            stat = part.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def state_of(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What identifies the store a connection sees, as it is now (None: an in-memory database):
    the file's path and version, or the lake's catalog and the snapshot the connection reads."""
    rows = con.execute(
        "select path, type from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    if not rows or not rows[0][0]:
        return None
    where, kind = rows[0]
    if kind == "ducklake":
        return where, stores.snapshot_id(con)
    path = Path(where).resolve()
    return str(path), version(path)


# Set only by the kill and concurrency tests: a write writes `facts` to this file, inside its
# open transaction, then waits to be killed (proving a kill mid-write leaves nothing behind),
# or until the file `<marker>.go` appears (another writer having committed meanwhile).
PAUSE_ENV = "WPC_TEST_PAUSE_IN_TRANSACTION"


def pause_if_testing(facts: dict) -> None:
    marker = os.environ.get(PAUSE_ENV)
    if not marker:
        return
    partial = Path(marker + ".partial")
    partial.write_text(json.dumps(facts, default=str))
    os.replace(partial, marker)
    go = Path(marker + ".go")
    deadline = time.monotonic() + 600
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = con.execute("select value from meta where key = $key", {"key": key}).fetchall()
    return rows[0][0] if rows else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    execute(con, "ingest/set_meta", key=key, value=value)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store (not this connection's temporary tables) has the table."""
    rows = con.execute(
        "select count(*) from information_schema.tables where table_name = $name "
        "and table_catalog = current_database()",
        {"name": name},
    ).fetchall()
    return bool(rows[0][0])


def duplicate_keys(con: duckdb.DuckDBPyConnection, upload_id: int | None = None) -> pd.DataFrame:
    """Keys stored more than once (the store keeps no key constraints: a DuckLake has none, so
    ingest checks its keys itself): among the keys an upload touched, or in every table."""
    return query(con, "ingest/duplicate_keys", upload_id=upload_id)
