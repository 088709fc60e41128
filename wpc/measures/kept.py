"""What reports work out once, kept on disk beside the database file (docs/disclosure.md,
"Kept protection").

A place's counts are protected together with its whole ICS's (`wpc.measures.families`), and
building and protecting an ICS's families is most of a place report's time at national scale.
The answer depends only on the data, the ICS, the period, the activity filters and the preset
(never on `today`: the families count the period's people only), so it is kept under the
database file's version and that key, and a report in a new process (`wpc report`, a pack, a
restarted app) reads it instead of working it out again. A few tables of counts are kept the
same way (`save_table`): fatigue's neighbourhoods for an ICS, and a scope's homes and reach
counts (`wpc.measures.prepare.KEPT_ON_DISK`). So is a whole protected report (`save_report`:
`wpc report` for the same scope, day and mode on the same data prints what the first one
printed). People's rows are never kept, nor a report made with disclosure control off.

Files: `<database>.kept/<state>/<key>.<name>.npz` for a family, with its cell names (JSON),
true counts, record key sums, shown, hidden and perturbed counts, read without pickle; `.arrow`
for a table; `.json` for a report. The state is the database file's version and a digest of wpc's own code. Like the
database they come from, they hold counts of people before suppression, so:
- every write to the database deletes the whole folder (`wpc.db.writing`): an erased upload
  leaves nothing here;
- files are the owner's only (mode 0600);
- a process that keeps anything deletes every other state's folder, and deletes its own again
  if the database changed while it wrote;
- an unreadable file is a miss: it is worked out again, never guessed.
A lake (DuckLake) store keeps nothing here: it has no file beside which to keep it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.ipc  # noqa: F401 - pa.ipc

from wpc import db

ENABLED = True  # tests that count what is built turn it off
MAX_MB = 512  # at most this much is kept for one state of the database
_ARRAYS = ("values", "keys", "shown", "hidden", "perturbed")
_REPORT = "report"


@dataclass
class KeptCells:
    """What a kept family holds of its `audit.Family`: the cells and their true counts, record
    key sums and whether an output shows them (enough to look counts up and to list them)."""

    name: str
    cells: list
    values: np.ndarray
    keys: np.ndarray
    shown: np.ndarray
    index: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.cells)}


def forget(database: Path | str) -> None:
    """Delete everything kept for the database (every write to it does)."""
    shutil.rmtree(db.kept_folder(database), ignore_errors=True)


def forget_reports(database: Path | str) -> None:
    """Delete the reports kept for the database, keeping its protection and tables (the
    benchmark times a report made from those)."""
    for file in db.kept_folder(database).glob(f"*/{_file(Path(), '*', _REPORT, 'json')}"):
        file.unlink(missing_ok=True)


_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> its state


def state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """The state of the database a read-only connection sees (`wpc.db.state_of`), for keeping
    and reading; None when keeping is off or the connection may write (its data can change
    under it, and what it kept would be deleted at its commit anyway). Asked once per
    connection: a read-only connection's data cannot change."""
    if not ENABLED:
        return None
    if con not in _STATES:
        read_only = con.execute("select current_setting('access_mode')").fetchone()[0] == "read_only"
        _STATES[con] = db.state_of(con) if read_only else None
    return _STATES[con]


def key_of(scope, today: bool) -> str:
    """What kept results of a resolved scope are a function of besides the data: the scope, the
    preset (thresholds, places, groups) and, with `today`, the day (fatigue's window, overdue
    feedback). An ICS's families leave the day out: they count the period's people only
    (tests/test_kept_protection.py checks it)."""
    payload = {**scope.scope.as_dict(), "today": scope.today.isoformat() if today else None,
               "preset": scope.preset.model_dump(mode="json")}
    return hashlib.blake2b(json.dumps(payload, sort_keys=True).encode(), digest_size=16).hexdigest()


def _digest(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


@cache
def code_digest() -> str:
    """wpc's own code (every module and SQL file): what another version of wpc kept, perhaps
    protected by rules since changed, is never read."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=12)
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.sql")]):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _state_folder(state: tuple | None) -> Path | None:
    """Where the families of the database as it is now, by this version of wpc, are kept; None
    for a lake or in memory."""
    if state is None:
        return None
    where, version = state
    if not isinstance(version, tuple) or not Path(where).is_file():
        return None
    return db.kept_folder(where) / _digest((version, code_digest()))


def _file(folder: Path, key: str, name: str, suffix: str = "npz") -> Path:
    return folder / f"{key}.{_digest(name)}.{suffix}"


def _cell(value):
    """A cell name back from JSON: names are tuples of text, whole numbers and None."""
    return tuple(value) if isinstance(value, list) else value


def load(state: tuple | None, key: str, names) -> dict | None:
    """{name: (KeptCells, hidden, perturbed)} for every family of `names` kept for the database's
    state and `key`; None unless all of them are kept and readable."""
    folder = _state_folder(state)
    if folder is None:
        return None
    found = {}
    for name in names:
        try:
            with np.load(_file(folder, key, name), allow_pickle=False) as data:
                cells = [_cell(c) for c in json.loads(str(data["cells"]))]
                arrays = {a: data[a] for a in _ARRAYS}
        except (OSError, ValueError, KeyError):
            return None
        if any(len(arrays[a]) != len(cells) for a in _ARRAYS):
            return None
        kept = KeptCells(name=name, cells=cells, values=arrays["values"].astype(np.int64),
                         keys=arrays["keys"].astype(np.int64), shown=arrays["shown"].astype(bool))
        found[name] = (kept, arrays["hidden"].astype(bool), arrays["perturbed"].astype(np.int64))
    return found


@contextmanager
def _writing(state: tuple | None) -> Iterator[Path | None]:
    """The state's folder to write into (None: nothing is kept for this database). Other states'
    folders are deleted first; this one is deleted after if the database changed meanwhile."""
    folder = _state_folder(state)
    if folder is None:
        yield None
        return
    for other in folder.parent.glob("*"):
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)  # another state's: the data has changed since
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if db.version(state[0]) != state[1]:  # written to meanwhile: what was kept describes old data
        shutil.rmtree(folder, ignore_errors=True)
        return
    _trim(folder)


def _trim(folder: Path) -> None:
    """Delete the least recently written files beyond MAX_MB (people exploring many periods and
    filters between two uploads would otherwise fill the disk)."""
    files = sorted((f.stat().st_mtime_ns, f.stat().st_size, f) for f in folder.iterdir() if f.is_file())
    size = sum(s for _t, s, _f in files)
    for _time, file_size, file in files:
        if size <= MAX_MB * 1024 * 1024:
            break
        file.unlink(missing_ok=True)
        size -= file_size


def _write(folder: Path, target: Path, write) -> None:
    """Write a file whole or not at all (`write` takes an open binary file)."""
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def save(state: tuple | None, key: str, families: dict) -> None:
    """Keep protected families {name: ProtectedFamily} for the database's state and `key`.
    Families whose cell names are not plain (text, whole numbers, None) are not kept."""
    try:
        with _writing(state) as folder:
            if folder is not None:
                _save_families(folder, key, families)
    except OSError:
        pass  # a read-only or full disk: nothing is kept, and the next report works it out again


def _save_families(folder: Path, key: str, families: dict) -> None:
    for name, protected in families.items():
        f = protected.family
        try:
            cells = json.dumps(list(f.cells))
        except TypeError:
            continue
        if [_cell(c) for c in json.loads(cells)] != list(f.cells):
            continue
        _write(folder, _file(folder, key, name), lambda out: np.savez(
            out, cells=np.array(cells), values=f.values, keys=f.keys, shown=f.shown,
            hidden=protected.hidden, perturbed=protected.perturbed))


def load_table(state: tuple | None, key: str, name: str) -> pa.Table | None:
    """A table kept by `save_table` for the database's state and `key` (None: none readable)."""
    folder = _state_folder(state)
    if folder is None:
        return None
    try:
        with pa.memory_map(str(_file(folder, key, name, "arrow"))) as source:
            return pa.ipc.open_file(source).read_all()
    except (OSError, ValueError, pa.ArrowException):
        return None


def save_table(state: tuple | None, key: str, name: str, table: pa.Table) -> None:
    """Keep a table of counts (never of people's rows): fatigue's neighbourhoods for an ICS, a
    scope's homes and reach counts (wpc.measures.prepare)."""
    def write(out) -> None:  # zstd: a quarter of the size, read in a few milliseconds more
        with pa.ipc.new_file(out, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
            writer.write_table(table)

    try:
        with _writing(state) as folder:
            if folder is not None:
                _write(folder, _file(folder, key, name, "arrow"), write)
    except OSError:
        pass  # as for families: nothing is kept


def report_key(scope, disclosure: str, baseline=None) -> str:
    """What a report of a resolved scope is a function of besides the data: the scope and its
    day (`key_of`), the disclosure mode, and the baseline it is compared with, if any."""
    parts = [key_of(scope, today=True), disclosure, None if baseline is None else key_of(baseline, today=True)]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=16).hexdigest()


def load_report(state: tuple | None, key: str) -> dict | None:
    """A report kept by `save_report` for the database's state and `key` (None: none readable)."""
    folder = _state_folder(state)
    if folder is None:
        return None
    try:
        found = json.loads(_file(folder, key, _REPORT, "json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def save_report(state: tuple | None, key: str, report: dict) -> None:
    """Keep a protected report (`wpc.measures.report.build_report`'s JSON-ready dict) as JSON,
    which gives back exactly the same dict."""
    text = json.dumps(report, ensure_ascii=False, allow_nan=False).encode("utf-8")
    try:
        with _writing(state) as folder:
            if folder is not None:
                _write(folder, _file(folder, key, _REPORT, "json"), lambda out: out.write(text))
    except OSError:
        pass  # as for families: nothing is kept
