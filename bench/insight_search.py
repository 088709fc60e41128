"""Time the insight library's search: building the in-memory FTS5 index and answering queries.

Usage: .venv/bin/python bench/insight_search.py [--db PATH] [--preset sel] [--scale 50000]

Without --db, builds a database from the shipped reference data with the preset's demo year
(as `wpc init --demo` does) in a temporary folder. Reports, for the demo insights and for a
library scaled up to --scale insights (the demo rows repeated with new ids), the time to
build the index and the median and 95th-percentile time of each query (ranking and counting
every match, highlighting the 20 the page shows).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wpc import db, demo, reference  # noqa: E402
from wpc.config import load_settings  # noqa: E402
from wpc.insights.library import insight_rows  # noqa: E402
from wpc.insights.search import Filters, InsightIndex  # noqa: E402
from wpc.presets import builtin_presets  # noqa: E402

SHOWN = 20  # results the page highlights and shows (all are ranked and counted)
QUERIES = [
    ("appointment", None),
    ("waiting times", None),
    ('"waiting times"', None),
    ("bus hospital", None),
    ("midwife zebra (no insight has both)", None),
    ("", None),
    ("appointment", Filters(place="Lambeth", theme="getting an appointment")),
    ('NEAR( AND " *', None),
]


def timed(function, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def scaled(rows: pd.DataFrame, size: int) -> pd.DataFrame:
    copies = -(-size // len(rows))
    frame = pd.concat([rows] * copies, ignore_index=True).head(size).copy()
    frame["insight_id"] = [f"{i}-{n}" for n, i in enumerate(frame["insight_id"])]
    return frame


def report(label: str, rows: pd.DataFrame, repeat: int) -> None:
    start = time.perf_counter()
    index = InsightIndex(rows)
    build_ms = 1000 * (time.perf_counter() - start)
    print(f"\n{label}: {len(rows):,} insights, index built in {build_ms:,.1f} ms")
    print(f"{'query':45} {'results':>8} {'median ms':>10} {'p95 ms':>8}")
    for text, filters in QUERIES:
        query = text.split(" (")[0]
        results = index.search(query, filters, limit=SHOWN)
        median, p95 = timed(lambda q=query, f=filters: index.search(q, f, limit=SHOWN), repeat)
        shown = text + (" + place, theme" if filters else "")
        print(f"{shown:45} {results.total:>8,} {median:>10.2f} {p95:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--preset", default="sel")
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db
        if path is None:
            path = Path(folder) / "wpc.duckdb"
            reference.build(path, ROOT / "data" / "reference", builtin_presets(), args.preset)
            demo.load_demo(load_settings(db_path=path), args.preset, path)
        with db.reading(path) as con:
            rows = insight_rows(con, args.preset)
        report(f"Demo insights ({args.preset})", rows, args.repeat)
        report("Scaled library", scaled(rows, args.scale), max(10, args.repeat // 10))


if __name__ == "__main__":
    main()
