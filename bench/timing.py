"""Time spent in each SQL file of wpc (wpc/sql/...) while a piece of work runs: the profile
that says which statements a report's time goes to."""

from __future__ import annotations

import time
from collections import defaultdict

import wpc.db


def per_statement(work) -> list[dict]:
    """Run `work()` once with wpc.db.query/execute timed; the statements, slowest first."""
    spent: dict[str, list[float]] = defaultdict(list)
    originals = wpc.db.query, wpc.db.execute

    def timed(original):
        def run(con, name, **params):
            started = time.perf_counter()
            try:
                return original(con, name, **params)
            finally:
                spent[name].append(time.perf_counter() - started)
        return run

    wpc.db.query, wpc.db.execute = timed(originals[0]), timed(originals[1])
    try:
        started = time.perf_counter()
        work()
        total = time.perf_counter() - started
    finally:
        wpc.db.query, wpc.db.execute = originals
    rows = [{"statement": name, "calls": len(times), "seconds": sum(times)} for name, times in spent.items()]
    rows.sort(key=lambda r: -r["seconds"])
    sql = sum(r["seconds"] for r in rows)
    return rows + [{"statement": "(python, connection and the rest)", "calls": 0, "seconds": total - sql}]
