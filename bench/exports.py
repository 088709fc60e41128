"""Time the place pack: gathering its numbers, drawing its charts with the one shared browser,
and writing PPTX and PDF, for one place and for every place (and the ICS) of each preset.

Usage: .venv/bin/python bench/exports.py [--db PATH] [--today 2025-10-01]

Without --db, builds a database from the shipped reference data with the three presets' demo
years (as `wpc init --demo` does) in a temporary folder. Reports the browser's start-up time,
the median time per chart once it is running, and per pack: build (measures), charts, PPTX,
PDF, and the total for PPTX and for PDF (charts drawn for each format, as `wpc export` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wpc import db, demo, reference  # noqa: E402
from wpc.config import load_settings  # noqa: E402
from wpc.export import charts, pack  # noqa: E402
from wpc.measures import Scope, resolve  # noqa: E402
from wpc.presets import builtin_presets  # noqa: E402


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def one_pack(db_path: Path, scope: Scope, renderer) -> dict:
    with db.reading(db_path) as con:
        built, build_s = timed(pack.build, con, scope)
    images, charts_s = timed(pack.chart_images, built, renderer)
    _, pptx_s = timed(pack.to_pptx, built, images)
    _, pdf_s = timed(pack.to_pdf, built, images)
    return {"build": build_s, "charts": charts_s, "pptx": pptx_s, "pdf": pdf_s,
            "total_pptx": build_s + charts_s + pptx_s, "total_pdf": build_s + charts_s + pdf_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--today", default="2025-10-01")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today)
    with tempfile.TemporaryDirectory() as folder:
        db_path = args.db
        if db_path is None:
            db_path = Path(folder) / "wpc.duckdb"
            settings = load_settings(db_path=db_path)
            reference.build(db_path, settings.reference_dir, builtin_presets(), "sel")
            for preset in ("sel", "mse", "hw"):
                demo.load_demo(settings, preset, db_path, end_date=today - dt.timedelta(days=1))
        renderer = charts.ChartRenderer()
        start = time.perf_counter()
        renderer._ensure_started()
        print(f"browser start: {time.perf_counter() - start:.2f} s")
        with db.reading(db_path) as con:
            lambeth = pack.build(con, Scope(preset="sel", place="Lambeth", today=today))
        figures = [pack.slide_figure(q.figure) for q in lambeth.questions]
        per_chart = {q.key: [] for q in lambeth.questions}
        for _ in range(5):
            for q, fig in zip(lambeth.questions, figures, strict=True):
                _, seconds = timed(renderer.png, fig, pack.CHART_WIDTH, pack.CHART_HEIGHT, 2)
                per_chart[q.key].append(seconds)
        print("chart, median of 5 with the running browser (s):",
              ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in per_chart.items()))
        for preset in ("sel", "mse", "hw"):
            with db.reading(db_path) as con:
                places = [None, *resolve(con, Scope(preset=preset)).preset.place_names]
            rows = {}
            for place in places:
                rows[place or f"{preset} (ICS)"] = one_pack(db_path, Scope(preset=preset, place=place, today=today),
                                                            renderer)
            for name, r in rows.items():
                print(f"{preset:4} {name:28} build {r['build']:.2f}  charts {r['charts']:.2f}  pptx {r['pptx']:.2f}  "
                      f"pdf {r['pdf']:.2f}  -> PPTX {r['total_pptx']:.2f} s, PDF {r['total_pdf']:.2f} s")
            print(f"{preset:4} all {len(rows)} packs: PPTX {sum(r['total_pptx'] for r in rows.values()):.1f} s, "
                  f"PDF {sum(r['total_pdf'] for r in rows.values()):.1f} s (charts drawn for each)")
        print(f"browsers started: {renderer.starts}, charts drawn: {renderer.renders}")
        renderer.close()


if __name__ == "__main__":
    main()
