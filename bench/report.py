"""The benchmark's results as a readable table (bench/run prints it; the JSON has everything)."""

from __future__ import annotations

# the README's Performance targets, at national scale
TARGETS = {
    "place_report_seconds": 0.5,
    "place_report_single_user_seconds": 0.25,  # the goal for one person at a time
    "page_rerun_seconds": 1.0,
    "ingest_1m_seconds": 30.0,
    "peak_memory_mb": 2048.0,
    "pandas_ratio": 10.0,  # pandas time / wpc time, at least
    # wpc time / floor time, at most: 2x for the place report (the goal), 3x for the whole ICS
    "floor_ratio": {"place": 2.0, "ics": 3.0},
}


def _s(seconds) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "MISSED")


def _table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def print_results(results: dict) -> None:
    m, s, b = results["machine"], results["summary"], results["build"]
    scope = results["scope"]
    print()
    print(f"wpc national benchmark ({results['mode']}), {results['when']}")
    print(f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB; Python {m['python']}, DuckDB "
          f"{m['duckdb']}, pandas {m['pandas']}; load average {m['load_average_at_start'][0]:.1f} at start, "
          f"{m['load_average_at_end'][0]:.1f} at end")
    c = b["counts"]
    print(f"Data: {c['lsoas']:,} LSOAs ({c['lsoas_in_an_ics']:,} in {c['presets']} ICSs), {c['activities']:,} "
          f"activities, {c['participants']:,} participant rows; database {b['database_mb']:,.0f} MB")
    print(f"Scopes: place {scope['place']!r}; ICS {scope['preset']!r}. Medians of {results['runs']} runs.")
    print()

    rows = []
    if "ingest" in results:
        i = results["ingest"]
        judged = i["rows"] >= 1_000_000
        rows.append([f"ingest {i['rows']:,} rows (wpc ingest, one CSV)", _s(i["seconds"]),
                     f"{i['peak_mb']:,.0f} MB", "< 30 s" if judged else "(1M rows)",
                     _mark(i["seconds"] < TARGETS["ingest_1m_seconds"] if judged else None)])
    for label, name in (("place", f"place ({scope['place']})"), ("ics", "whole ICS")):
        r = results["report"][label]
        place = label == "place"
        single = TARGETS["place_report_single_user_seconds"]
        rows.append([f"report, {name}: build_report, the report kept, read (CPU {_s(r['in_process']['read_cpu_seconds'])})",
                     _s(r["in_process"]["read_seconds"]), "", f"< {single:g} s" if place else "",
                     _mark(r["in_process"]["read_seconds"] < single if place else None)])
        ok = r["in_process"]["seconds"] < TARGETS["place_report_seconds"] if place else None
        rows.append([f"report, {name}: build_report, protection kept (CPU {_s(r['in_process']['cpu_seconds'])})",
                     _s(r["in_process"]["seconds"]),
                     f"{r['in_process']['peak_mb']:,.0f} MB", f"< 0.5 s, < {single:g} s" if place else "",
                     _mark(ok and r["in_process"]["seconds"] < single) if place else ""])
        rows.append([f"report, {name}: build_report, afresh (CPU {_s(r['in_process']['afresh_cpu_seconds'])})",
                     _s(r["in_process"]["afresh_seconds"]), "", "", ""])
        rows.append([f"report, {name}: wpc report --json (CLI), protection kept", _s(r["cli"]["seconds"]),
                     f"{r['cli']['peak_mb']:,.0f} MB", "", ""])
        rows.append([f"report, {name}: wpc report --json (CLI), afresh", _s(r["cli"]["afresh_seconds"]), "", "", ""])
        rows.append([f"report, {name}: wpc report --json (CLI), the report kept", _s(r["cli"]["read_seconds"]),
                     "", "", ""])
    if "pages" in results:
        rows.append(["app: slowest page rerun, cold cache", _s(s["page_rerun_cold_seconds"]),
                     f"{results['pages']['peak_mb']:,.0f} MB", "< 1 s",
                     _mark(s["page_rerun_cold_seconds"] is not None and s["page_rerun_cold_seconds"] < 1)])
        rows.append(["app: slowest page rerun, warm cache", _s(s["page_rerun_warm_seconds"]), "", "< 1 s",
                     _mark(s["page_rerun_warm_seconds"] is not None and s["page_rerun_warm_seconds"] < 1)])
    rows.append(["peak memory of any wpc process", f"{s['peak_memory_mb']:,.0f} MB", "", "< 2 GB",
                 _mark(s["peak_memory_mb"] < TARGETS["peak_memory_mb"])])
    print(_table(["measure", "median", "peak RSS", "target", ""], rows))
    print()

    compare = results["compare"]
    pandas = "pandas_load_seconds" in compare
    print("wpc against the alternatives (run in turn in one process; CPU time in brackets):")
    rows = []
    for label, name in (("place", f"place ({scope['place']})"), ("ics", "whole ICS")):
        c = compare[label]
        rows.append([f"{name}: wpc build_report, protection kept", f"{_s(c['wpc_seconds'])} ({_s(c['wpc_cpu_seconds'])})",
                     ""])
        rows.append([f"{name}: wpc build_report, afresh",
                     f"{_s(c['wpc_afresh_seconds'])} ({_s(c['wpc_afresh_cpu_seconds'])})", ""])
        rows.append([f"{name}: wpc build_report, the report kept",
                     f"{_s(c['wpc_read_seconds'])} ({_s(c['wpc_read_cpu_seconds'])})", ""])
        rows.append([f"{name}: floor, one DuckDB scan", f"{_s(c['floor_seconds'])} ({_s(c['floor_cpu_seconds'])})",
                     f"{c['floor_cells']:,} cells"])
        if pandas:
            rows.append([f"{name}: pandas, tables in memory", _s(c["pandas_seconds"]),
                         "same numbers as wpc" if c["same_as_wpc"] else "DIFFERENT NUMBERS"])
    if pandas:
        rows.append(["pandas: read the tables into DataFrames", _s(compare["pandas_load_seconds"]),
                     f"peak {compare['peak_mb']:,.0f} MB"])
    print(_table(["", "median", ""], rows))
    print()
    ratios = []
    for label in ("place", "ics"):
        ratios.append([f"{label}: wpc (protection kept) / floor", f"{s[f'{label}_floor_ratio']:.1f}x",
                       f"{s[f'{label}_floor_cpu_ratio']:.1f}x", f"<= {TARGETS['floor_ratio'][label]:g}x",
                       _mark(s[f"{label}_floor_ratio"] <= TARGETS["floor_ratio"][label])])
        ratios.append([f"{label}: wpc (afresh) / floor", f"{s[f'{label}_afresh_floor_ratio']:.1f}x", "", "", ""])
        ratios.append([f"{label}: wpc (the report kept, read) / floor", f"{s[f'{label}_read_floor_ratio']:.2f}x", "",
                       f"<= {TARGETS['floor_ratio'][label]:g}x",
                       _mark(s[f"{label}_read_floor_ratio"] <= TARGETS["floor_ratio"][label])])
        if f"{label}_pandas_ratio" in s:
            ratios.append([f"{label}: pandas (tables in memory) / wpc", f"{s[f'{label}_pandas_ratio']:.1f}x", "",
                           ">= 10x", _mark(s[f"{label}_pandas_ratio"] >= TARGETS["pandas_ratio"])])
            ratios.append([f"{label}: pandas (read + compute) / wpc", f"{s[f'{label}_pandas_with_load_ratio']:.1f}x",
                           "", ">= 10x", _mark(s[f"{label}_pandas_with_load_ratio"] >= TARGETS["pandas_ratio"])])
    print(_table(["ratio", "wall", "CPU", "target", ""], ratios))
    for label in ("place", "ics"):
        for difference in compare[label].get("differences", []):
            print(f"  {label}: {difference}")

    page = results["measures_page"]
    print()
    print(f"A page of {len(page['measures'])} measures ({', '.join(page['measures'])}), one connection each:")
    print(_table(["scope", "tables built per measure", "kept: first visit", "kept: again"],
                 [[label, _s(page[label]["each_builds_seconds"]), _s(page[label]["kept_first_seconds"]),
                   _s(page[label]["kept_again_seconds"])] for label in ("place", "ics")]))

    if "pages" in results:
        print()
        page_rows = []
        for p in results["pages"]["pages"]:
            if "error" in p:
                page_rows.append([p["page"], p["scope"], "ERROR", p["error"][:60], "", ""])
                continue
            slowest = max(p["calls"], key=lambda c: c["alone_seconds"], default=None)
            page_rows.append([p["page"], p["scope"], _s(p["cold_seconds"]), _s(p["warm_seconds"]),
                              len(p["calls"]),
                              f"{slowest['function'].rsplit('.', 1)[-1]} {_s(slowest['alone_seconds'])}"
                              if slowest else ""])
        print(_table(["page", "scope", "rerun cold", "rerun warm", "wpc calls", "slowest call (alone)"],
                     page_rows))

    print()
    statements = results["report"]["place"]["in_process"]["statements"]
    print(f"Where a place report's time goes (one run, {len(statements) - 1} SQL files):")
    print(_table(["statement", "calls", "time"],
                 [[r["statement"], r["calls"] or "", _s(r["seconds"])] for r in statements[:8]]))
    print()
    print(f"Total benchmark time {results['total_seconds'] / 60:.1f} minutes.")
