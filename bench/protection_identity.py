"""Checks that a change to disclosure protection (wpc/measures/audit.py, families.py) gives
exactly the same hidden cells and perturbed values as before, and times it.

    python -m bench.protection_identity save  DIR --db DEMO.duckdb   # before the change
    python -m bench.protection_identity check DIR --db DEMO.duckdb   # after: every array equal
    python -m bench.protection_identity trend --db DEMO.duckdb --preset sel   # reach_trend, cold

For each preset (sel, mse, hw), for the whole period and each quarter a reach trend protects
(`reach._quarter`), every family (the linked area / quality / activities, and each dimension
family) is protected afresh (new connection, `families.clear()`) and its cell names, hidden
cells and perturbed values are saved (np.savez). `wpc report --json` for each ICS and one place,
in suppress and publish mode, is saved too and compared byte for byte. Record keys are drawn
when the demo is loaded, so use one database file for `save` and `check`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

PRESETS = ("sel", "mse", "hw")
TODAY = dt.date(2026, 12, 7)  # fixed, so that every run measures the same periods


def _scopes(con, preset: str):
    """(label, resolved scope): the whole period, then each quarter the trend protects."""
    reach = importlib.import_module("wpc.measures.reach")  # the package exports a function of that name
    from wpc.measures.prepare import begin
    from wpc.measures.scope import Scope

    scope = Scope(preset=preset, today=TODAY)
    resolved, _policy = begin(con, scope, "suppress", *reach._TABLES)
    out = [("whole", resolved)]
    counts = reach._counts(con, by_quarter=True)
    for quarter in sorted(counts["quarter"].dropna().unique()):
        day = dt.date.fromisoformat(str(quarter)[:10])
        out.append((f"q{day.isoformat()}", reach._quarter(con, resolved, day)))
    return out


def protected_families(db_path: Path):
    """Yield (name, cells, hidden, perturbed) for every family of every preset and scope."""
    from wpc import db
    from wpc.measures import families, kept

    kept.ENABLED = False  # every family worked out here, none read from disk
    for preset in PRESETS:
        with db.reading(db_path) as con:
            labels = [label for label, _ in _scopes(con, preset)]
        for label in labels:
            families.clear()
            with db.reading(db_path) as con:  # fresh: nothing served from a connection's memo
                resolved = dict(_scopes(con, preset))[label]
                asks = [(kind, None) for kind in families.LINKED]
                asks += [("dimension", d) for d in sorted(set(families.DIMENSION_FAMILIES) - {"ethnicity_group"})]
                for kind, dimension in asks:
                    got = families.get(con, resolved, kind, dimension=dimension)
                    name = f"{preset}.{label}.{kind if dimension is None else dimension}"
                    yield name, [repr(c) for c in got.family.cells], got.hidden, got.perturbed


def reports(db_path: Path) -> dict[str, bytes]:
    from wpc import db
    from wpc.measures.prepare import resolved_scope
    from wpc.measures.scope import Scope

    out = {}
    for preset in PRESETS:
        with db.reading(db_path) as con:
            place = resolved_scope(con, Scope(preset=preset)).preset.place_names[0]
        for where in (None, place):
            for mode in ("suppress", "publish"):
                command = [sys.executable, "-m", "wpc.cli", "report", "--db", str(db_path), "--preset", preset,
                           "--json", "--today", TODAY.isoformat()]
                if where:
                    command += ["--place", where]
                if mode == "publish":
                    command.append("--publish")
                done = subprocess.run(command, capture_output=True, check=True)
                out[f"report.{preset}.{where or 'ICS'}.{mode}"] = done.stdout
    return out


def run(db_path: Path, out: Path, with_reports: bool) -> dict:
    """Everything, into `out`; returns the seconds each part took."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = []
    for name, cells, hidden, perturbed in protected_families(db_path):
        np.savez(out / f"{name}.npz", cells=np.array(cells), hidden=hidden, perturbed=perturbed)
        names.append(name)
    timing = {"families": time.perf_counter() - started, "count": len(names)}
    (out / "families.json").write_text(json.dumps(names))
    if with_reports:
        started = time.perf_counter()
        for name, text in reports(db_path).items():
            (out / f"{name}.json").write_bytes(text)
        timing["reports"] = time.perf_counter() - started
    return timing


def compare(before: Path, after: Path, with_reports: bool = True) -> list[str]:
    problems = []
    names = json.loads((before / "families.json").read_text())
    if names != json.loads((after / "families.json").read_text()):
        problems.append("the families differ in name or order")
    for name in names:
        a, b = np.load(before / f"{name}.npz"), np.load(after / f"{name}.npz")
        if not np.array_equal(a["cells"], b["cells"]) and sorted(a["cells"]) == sorted(b["cells"]):
            # the quality family's SQL gives its cells in no fixed order: compare cell by cell
            print(f"{name}: the same cells in another order")
            order = np.argsort(a["cells"]), np.argsort(b["cells"])
            a = {k: a[k][order[0]] for k in ("cells", "hidden", "perturbed")}
            b = {k: b[k][order[1]] for k in ("cells", "hidden", "perturbed")}
        for array in ("cells", "hidden", "perturbed"):
            if not np.array_equal(a[array], b[array]):
                problems.append(f"{name}: {array} differ")
    for path in sorted(before.glob("report.*.json")) if with_reports else []:
        other = after / path.name
        if not other.exists() or other.read_bytes() != path.read_bytes():
            problems.append(f"{path.name} differs")
    return problems


def trend(db_path: Path, preset: str) -> tuple[float, float]:
    """Seconds (wall clock, and this process's processor time) of one cold reach trend."""
    from wpc import db
    from wpc.measures.scope import Scope

    reach = importlib.import_module("wpc.measures.reach")  # the package exports a function of that name
    with db.reading(db_path) as con:
        started, processor = time.perf_counter(), time.process_time()
        reach.reach_trend(con, Scope(preset=preset, today=TODAY))
        return time.perf_counter() - started, time.process_time() - processor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("save", "check", "trend"))
    parser.add_argument("dir", nargs="?", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--preset", default="sel")
    parser.add_argument("--no-reports", action="store_true")
    args = parser.parse_args()
    if args.what == "trend":
        wall, processor = trend(args.db, args.preset)
        print(f"reach_trend {args.preset}: {wall:.2f} s ({processor:.2f} s of processor time)")
        return
    target = args.dir if args.what == "save" else args.dir.with_name(args.dir.name + "-check")
    timing = run(args.db, target, not args.no_reports)
    print(json.dumps(timing))
    if args.what == "check":
        problems = compare(args.dir, target, not args.no_reports)
        print("\n".join(problems) or f"identical: {timing['count']} families"
              + ("" if args.no_reports else " and every report"))
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
