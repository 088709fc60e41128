"""The national-scale benchmark behind `bench/run` (README: "Performance").

Builds a database covering every ICS in England with `wpc init` and the real ingest path,
then measures, each figure the median of several runs:

- ingest of 1 million participant rows from one CSV (`wpc ingest`, end to end);
- `wpc report` for one place and for a whole ICS: `build_report` in process, and the CLI;
- every page of app.py under AppTest, cold and warm cache, and each wpc call behind it;
- peak memory (RSS) of every process doing the work;
- the alternatives: a plain pandas implementation of the report's core (checked to give the
  same numbers as wpc) and the physical floor (one DuckDB scan of participants).

Each measurement runs in its own process so that its peak memory is its own. Results are
printed as a table and written as JSON to bench/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench.report import print_results

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Size:
    activities: int
    participants: int
    rows_per_file: int
    extra: int  # rows of the single file whose ingest is timed
    runs: int
    ingest_runs: int


FULL = Size(activities=50_000, participants=5_000_000, rows_per_file=1_000_000, extra=1_000_000, runs=5,
            ingest_runs=3)
QUICK = Size(activities=5_000, participants=300_000, rows_per_file=100_000, extra=100_000, runs=3, ingest_runs=2)

# Processes -----------------------------------------------------------------------------------


def run_process(command: list[str], env: dict | None = None) -> dict:
    """Run a command to the end: wall seconds, its own peak RSS (MB), exit code, stdout and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=ROOT,
                                   env={**os.environ, **(env or {})})
        _pid, status, usage = os.wait4(process.pid, 0)  # the child's own resource usage
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "code": process.returncode,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def wpc_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wpc", *args]


def worker(name: str, **kwargs) -> dict:
    """Run one measurement in a fresh Python process; returns its JSON result and peak memory."""
    result = run_process([sys.executable, "-m", "bench.national", "--worker", name, json.dumps(kwargs)],
                         env={"PYTHONPATH": str(ROOT)})
    if result["code"] != 0:
        raise RuntimeError(f"worker {name} failed:\n{result['stderr'][-4000:]}")
    payload = json.loads(result["stdout"].strip().splitlines()[-1])
    payload["peak_mb"] = result["peak_mb"]
    return payload


# Building the national database --------------------------------------------------------------


def build(work: Path, size: Size, seed: int, log) -> dict:
    """Presets for every ICS, `wpc init`, the generator, then every file through `wpc ingest`.

    The generator runs in its own process too, so this process stays small: a child's peak
    RSS as the kernel reports it is never less than its parent's at the time it started."""
    if work.exists():
        shutil.rmtree(work)
    (work / "data").mkdir(parents=True)
    db_path = work / "wpc.duckdb"
    presets = worker("presets", out_dir=str(work / "presets"))["paths"]
    log(f"  {len(presets)} preset files (one per ICB not already a built-in preset)")
    init = run_process(wpc_command("init", "--db", str(db_path), *[a for p in presets for a in ("--preset", p)]))
    if init["code"] != 0:
        raise RuntimeError(f"wpc init failed: {init['stderr']}")
    log(f"  wpc init: {init['seconds']:.1f} s")
    generated = worker("generate", db_path=str(db_path), out_dir=str(work / "data"), activity_count=size.activities,
                       participant_rows=size.participants, rows_per_file=size.rows_per_file,
                       extra_rows=size.extra, seed=seed)
    log(f"  generated {size.activities:,} activities and {generated['rows'] + size.extra:,} participant rows "
        f"in {generated['seconds']:.1f} s ({generated['peak_mb']:,.0f} MB)")
    loads = []
    for path in map(Path, [generated["activities"], *generated["participants"]]):
        # Synthetic people: rows without a ref that happen to repeat an earlier file's are different people.
        result = run_process(wpc_command("ingest", str(path), "--db", str(db_path), "--json", "--allow-repeats"))
        if result["code"] not in (0, 3):
            raise RuntimeError(f"wpc ingest {path.name} failed: {result['stderr']}")
        outcome = json.loads(result["stdout"])
        loads.append({"file": path.name, "seconds": result["seconds"], "peak_mb": result["peak_mb"],
                      "stored": outcome["stored"], "quarantined": outcome["quarantined"]})
        log(f"  ingest {path.name}: {outcome['stored']:,} stored, {outcome['quarantined']:,} quarantined, "
            f"{result['seconds']:.1f} s, {result['peak_mb']:,.0f} MB")
    counts = worker("describe", db_path=str(db_path))["counts"]
    return {"db_path": str(db_path), "extra_file": generated["extra"], "init_seconds": init["seconds"],
            "generate_seconds": generated["seconds"], "ingests": loads, "counts": counts,
            "database_mb": db_path.stat().st_size / 1024 / 1024}


def worker_describe(db_path: str) -> dict:
    """What the database holds, and the heaviest scopes: the ICS with the most LSOAs and its
    place with the most LSOAs."""
    import duckdb

    con = duckdb.connect(db_path, read_only=True)
    try:
        counts = dict(zip(("lsoas", "lsoas_in_an_ics", "presets", "activities", "participants"), con.execute(
            "select (select count(*) from ref_lsoa), (select count(preset) from ref_lsoa), "
            "(select count(*) from ref_preset), (select count(*) from activities), "
            "(select count(*) from participants)").fetchall()[0]))
        preset = con.execute("select preset from ref_lsoa where preset is not null group by preset "
                             "order by count(*) desc, preset limit 1").fetchall()[0][0]
        place = con.execute("select place from ref_lsoa where preset = $p group by place "
                            "order by count(*) desc, place limit 1", {"p": preset}).fetchall()[0][0]
    finally:
        con.close()
    return {"counts": counts, "preset": preset, "place": place}


# Measurements -------------------------------------------------------------------------------


def measure_ingest(build_info: dict, work: Path, runs: int, log) -> dict:
    db_path = Path(build_info["db_path"])
    copy = work / "ingest-copy.duckdb"
    results = []
    for i in range(runs):
        for suffix in ("", ".salt"):
            shutil.copy(str(db_path) + suffix, str(copy) + suffix)
        result = run_process(wpc_command("ingest", build_info["extra_file"], "--db", str(copy), "--json",
                                          "--allow-repeats"))
        if result["code"] not in (0, 3):
            raise RuntimeError(f"wpc ingest failed: {result['stderr']}")
        outcome = json.loads(result["stdout"])
        results.append({"seconds": result["seconds"], "peak_mb": result["peak_mb"],
                        "stored": outcome["stored"], "quarantined": outcome["quarantined"]})
        log(f"  run {i + 1}: {result['seconds']:.1f} s, {result['peak_mb']:,.0f} MB, "
            f"{outcome['stored']:,} stored, {outcome['quarantined']:,} quarantined")
    for suffix in ("", ".salt", ".wal"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    return {"runs": results, "seconds": statistics.median(r["seconds"] for r in results),
            "peak_mb": max(r["peak_mb"] for r in results), "rows": results[0]["stored"] + results[0]["quarantined"]}


def measure_cli_report(db_path: Path, preset: str, place: str | None, runs: int) -> dict:
    """`wpc report` as a new process, three ways: `afresh` with nothing kept beside the database
    (the first report after an upload); made from the ICS's protection and the scope's tables
    kept by an earlier report; and `read`, the same report kept whole by the one before."""
    from wpc.measures import kept

    args = ["report", "--db", str(db_path), "--preset", preset, "--json", "--today", "2026-04-01"]
    if place:
        args += ["--place", place]
    afresh, results, read = [], [], []
    for _ in range(runs):
        kept.forget(db_path)
        afresh.append(run_process(wpc_command(*args)))
        kept.forget_reports(db_path)
        results.append(run_process(wpc_command(*args)))
        read.append(run_process(wpc_command(*args)))
    for r in afresh + results + read:
        if r["code"] != 0:
            raise RuntimeError(f"wpc report failed: {r['stderr']}")
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "afresh_seconds": statistics.median(r["seconds"] for r in afresh),
            "read_seconds": statistics.median(r["seconds"] for r in read),
            "peak_mb": max(r["peak_mb"] for r in afresh + results + read)}


# Workers (each in its own process) ------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_presets(out_dir: str) -> dict:
    from bench.presets import write_presets

    return {"paths": [str(p) for p in write_presets(ROOT / "data" / "reference", Path(out_dir))]}


def worker_generate(db_path: str, out_dir: str, **sizes) -> dict:
    from bench.generate import generate

    started = time.perf_counter()
    done = generate(Path(db_path), Path(out_dir), **sizes)
    return {"seconds": time.perf_counter() - started, "rows": done.rows, "activities": str(done.activities),
            "participants": [str(p) for p in done.participants], "extra": str(done.extra) if done.extra else None}


def worker_report(db_path: str, preset: str, place: str | None, runs: int) -> dict:
    """build_report on a fresh read-only connection each time (as the CLI and pages open one),
    nothing remembered in memory: `afresh` with nothing kept beside the database either (the
    first report after an upload); made from the ICS's protection and the scope's tables kept by
    the report before (`seconds`); and `read`, the same report kept whole by the one before."""
    from bench.timing import per_statement
    from wpc import db
    from wpc.measures import Scope, build_report, families, kept

    scope = Scope(preset=preset, place=place, today=dt.date(2026, 4, 1))
    times: dict[str, list[float]] = {f"{how}{cpu}": [] for how in ("afresh", "kept", "read") for cpu in ("", "_cpu")}
    for run in range(runs + 1):
        for how in ("afresh", "kept", "read"):
            families.clear()  # as a new CLI process
            if how == "afresh":
                kept.forget(db_path)
            elif how == "kept":
                kept.forget_reports(db_path)
            started, cpu_started = time.perf_counter(), time.process_time()
            with db.reading(db_path) as con:
                report = build_report(con, scope)
            if run:  # the first round warms the file cache
                times[how].append(time.perf_counter() - started)
                times[f"{how}_cpu"].append(time.process_time() - cpu_started)
    statements = per_statement(lambda: _report_once(db_path, scope))
    return {"seconds": statistics.median(times["kept"]), "runs": times["kept"],
            "cpu_seconds": statistics.median(times["kept_cpu"]),
            "afresh_seconds": statistics.median(times["afresh"]), "afresh_runs": times["afresh"],
            "afresh_cpu_seconds": statistics.median(times["afresh_cpu"]),
            "read_seconds": statistics.median(times["read"]), "read_runs": times["read"],
            "read_cpu_seconds": statistics.median(times["read_cpu"]),
            "participants": report["participants"], "statements": statements, "worker_peak_mb": _peak_mb()}


def _report_once(db_path, scope) -> None:
    from wpc import db
    from wpc.measures import build_report, families, kept

    families.clear()
    kept.forget_reports(db_path)  # where the time of a report made goes
    with db.reading(db_path) as con:
        build_report(con, scope)


def worker_compare(db_path: str, scopes: dict, runs: int, load_runs: int, with_pandas: bool) -> dict:
    """wpc's build_report, the physical floor and the pandas baseline, run in turn (so that other
    work on the machine slows all three alike), with wall and CPU time; and the check that pandas
    gives the same numbers as wpc."""
    from bench.baseline import core_of_report, differences, floor_query, load_tables, pandas_report
    from wpc import db
    from wpc.measures import Scope, build_report, families, kept

    def timed(work) -> tuple[float, float, object]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        return time.perf_counter() - wall, time.process_time() - cpu, result

    def wpc_report(preset, place, disclosure="suppress", how="kept"):
        families.clear()  # as a new CLI process: nothing remembered in memory
        if how == "afresh":
            kept.forget(db_path)  # nor beside the database: the first report after an upload
        elif how == "kept":
            kept.forget_reports(db_path)  # made from the protection and tables kept
        with db.reading(db_path) as con:
            return build_report(con, Scope(preset=preset, place=place, today=dt.date(2026, 4, 1)), disclosure)

    def floor(preset, place):
        with db.reading(db_path) as con:
            return floor_query(con, preset, place)

    out: dict = {}
    tables = None
    if with_pandas:
        loads = []
        for _ in range(load_runs):
            tables = None
            wall, cpu, tables = timed(lambda: _load(db_path, load_tables))
            loads.append(wall)
        out["pandas_load_seconds"] = statistics.median(loads)
    for label, (preset, place) in scopes.items():
        wpc_report(preset, place)  # once first, as every figure here is of a warm file cache
        floor(preset, place)
        times: dict[str, list] = {"wpc": [], "wpc_cpu": [], "wpc_afresh": [], "wpc_afresh_cpu": [],
                                  "wpc_read": [], "wpc_read_cpu": [], "floor": [], "floor_cpu": [], "pandas": []}
        for _ in range(runs):
            for name, how in (("wpc_afresh", "afresh"), ("wpc", "kept"), ("wpc_read", "read")):
                wall, cpu, _r = timed(lambda p=preset, w=place, h=how: wpc_report(p, w, how=h))
                times[name].append(wall)
                times[f"{name}_cpu"].append(cpu)
            wall, cpu, cells = timed(lambda p=preset, w=place: floor(p, w))
            times["floor"].append(wall)
            times["floor_cpu"].append(cpu)
            if tables is not None:
                wall, _cpu, ours = timed(lambda p=preset, w=place: pandas_report(tables, p, w))
                times["pandas"].append(wall)
        entry = {f"{k}_seconds": statistics.median(v) for k, v in times.items() if v}
        entry["runs"] = times
        entry["floor_cells"] = cells
        if tables is not None:
            found = differences(ours, core_of_report(wpc_report(preset, place, "off")))
            entry.update(same_as_wpc=not found, differences=found, reach_rows=len(ours["reach"]),
                         lsoas=len(ours["lsoa_rates"]))
        out[label] = entry
    out["worker_peak_mb"] = _peak_mb()
    return out


def _load(db_path, load_tables):
    from wpc import db

    with db.reading(db_path) as con:
        return load_tables(con)


# The measures a dashboard page of several panels asks for, one call (and connection) each.
PAGE_OF_MEASURES = (("participants", {}), ("core20", {}), ("reach_all", {}), ("coverage", {}),
                    ("cold_spots", {}), ("area_rates", {"level": "msoa"}), ("gradient", {}),
                    ("fatigue", {}), ("ladder", {}), ("feedback", {}))


def worker_measures_page(db_path: str, scopes: dict, runs: int) -> dict:
    """A page of ten measures, each on its own short connection as wpc.ui.cache runs a cache
    miss: with the scope tables built on every connection, and kept between them
    (wpc.measures.shared, as the app does): the first visit to a scope, and later ones."""
    from wpc import db, measures
    from wpc.measures import Scope, families, kept, shared

    def page(scope) -> float:
        started = time.perf_counter()
        for name, kwargs in PAGE_OF_MEASURES:
            with db.reading(db_path) as con:
                getattr(measures, name)(con, scope, **kwargs)
        return time.perf_counter() - started

    out = {}
    for label, (preset, place) in scopes.items():
        scope = Scope(preset=preset, place=place, today=dt.date(2026, 4, 1))
        page(scope)
        times: dict[str, list[float]] = {"each_builds": [], "kept_first": [], "kept_again": []}
        for _ in range(runs):
            shared.disable()
            families.clear()  # the first visit after a change to the data solves disclosure control afresh
            kept.forget(db_path)  # (which deleted what was kept beside the database)
            times["each_builds"].append(page(scope))
            shared.enable()
            families.clear()
            kept.forget(db_path)
            times["kept_first"].append(page(scope))
            times["kept_again"].append(page(scope))
        shared.disable()
        out[label] = {f"{k}_seconds": statistics.median(v) for k, v in times.items()}
    out["measures"] = [name for name, _ in PAGE_OF_MEASURES]
    out["worker_peak_mb"] = _peak_mb()
    return out


def worker_pages(db_path: str, preset: str, scopes: list, runs: int) -> dict:
    from bench.pages import measure_pages

    pages = []
    for place in scopes:
        pages += measure_pages(Path(db_path), preset, place, runs)
    return {"pages": pages, "worker_peak_mb": _peak_mb()}


WORKERS = {"describe": worker_describe, "presets": worker_presets, "generate": worker_generate,
           "report": worker_report, "compare": worker_compare, "measures_page": worker_measures_page,
           "pages": worker_pages}


# The run --------------------------------------------------------------------------------------


def machine() -> dict:
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    versions = {name: metadata.version(name) for name in ("duckdb", "pandas", "streamlit")}
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gb": round(memory / 1024 / 1024, 1),
            "python": platform.python_version(), **versions, "load_average_at_start": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (5,000 activities, 300,000 rows) to try the benchmark in minutes")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; quick 3)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the database an earlier run built with the same sizes (skip the build)")
    parser.add_argument("--skip", action="append", default=[], choices=["ingest", "pages", "pandas"],
                        help="leave out one measurement (may be repeated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](**json.loads(args.worker_args)), default=str))
        return 0

    size = QUICK if args.quick else FULL
    runs = args.runs or size.runs
    name = "quick" if args.quick else "national"
    work = OUT / f"work-{name}"
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "mode": name,
                     "size": size.__dict__, "runs": runs, "seed": args.seed, "machine": machine()}
    manifest = work / "build.json"
    wanted = {"size": size.__dict__, "seed": args.seed}
    if args.reuse and manifest.exists() and json.loads(manifest.read_text())["wanted"] == wanted:
        log(f"Reusing the database built earlier in {work}")
        results["build"] = json.loads(manifest.read_text())["build"]
        results["build"]["reused"] = True
    else:
        log(f"Building the {name} database in {work}")
        results["build"] = build(work, size, args.seed, log)
        manifest.write_text(json.dumps({"wanted": wanted, "build": results["build"]}, indent=1))
    db_path = Path(results["build"]["db_path"])
    described = worker("describe", db_path=str(db_path))
    preset, place = described["preset"], described["place"]
    results["scope"] = {"preset": preset, "place": place}
    scopes = {"place": (preset, place), "ics": (preset, None)}
    log(f"Scopes: place {place!r} and the whole ICS {preset!r} (the largest in England by LSOAs)")

    if "ingest" not in args.skip:
        log(f"Ingest of {size.extra:,} participant rows from one CSV ({size.ingest_runs} runs)")
        results["ingest"] = measure_ingest(results["build"], work, size.ingest_runs, log)
    log("wpc report: build_report in process and the CLI")
    results["report"] = {}
    for label, (p, where) in scopes.items():
        results["report"][label] = {
            "in_process": worker("report", db_path=str(db_path), preset=p, place=where, runs=runs),
            "cli": measure_cli_report(db_path, p, where, runs),
        }
        r = results["report"][label]
        log(f"  {label}: {r['in_process']['seconds']:.3f} s in process ({r['in_process']['afresh_seconds']:.3f} s "
            f"afresh, {r['in_process']['read_seconds']:.3f} s read), {r['cli']['seconds']:.2f} s CLI "
            f"({r['cli']['afresh_seconds']:.2f} s afresh, {r['cli']['read_seconds']:.2f} s read)")
    with_pandas = "pandas" not in args.skip
    log("wpc against the physical floor" + (" and the pandas baseline" if with_pandas else "")
        + ", run in turn")
    results["compare"] = worker("compare", db_path=str(db_path), scopes=scopes, runs=runs,
                                load_runs=max(1, min(3, runs)), with_pandas=with_pandas)
    log("A page of ten measures, one connection each: scope tables built each time, or kept")
    results["measures_page"] = worker("measures_page", db_path=str(db_path), scopes=scopes, runs=runs)
    if "pages" not in args.skip:
        log("App pages under AppTest (cold and warm cache)")
        results["pages"] = worker("pages", db_path=str(db_path), preset=preset, scopes=[place, None], runs=runs)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["total_seconds"] = time.perf_counter() - started
    # every child's peak RSS is at least this process's own at the time it started
    results["machine"]["benchmark_process_peak_mb"] = _peak_mb()
    results["summary"] = summarise(results)

    print_results(results)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for path in (OUT / f"results-{name}-{stamp}.json", OUT / f"latest-{name}.json"):
        path.write_text(json.dumps(results, indent=1, default=str))
    log(f"Results written to {OUT / f'latest-{name}.json'}")
    disagree = [label for label in scopes if not results["compare"][label].get("same_as_wpc", True)]
    if disagree:
        print(f"FAILED: the pandas baseline and wpc give different numbers for {', '.join(disagree)}")
    return 1 if disagree else 0


def summarise(results: dict) -> dict:
    """The figures the targets are judged on, with the ratios."""
    report = results["report"]
    summary = {"place_report_seconds": report["place"]["in_process"]["seconds"],
               "place_report_afresh_seconds": report["place"]["in_process"]["afresh_seconds"],
               "ics_report_seconds": report["ics"]["in_process"]["seconds"],
               "ics_report_afresh_seconds": report["ics"]["in_process"]["afresh_seconds"],
               "place_report_read_seconds": report["place"]["in_process"]["read_seconds"],
               "ics_report_read_seconds": report["ics"]["in_process"]["read_seconds"]}
    peaks = {"report": max(r["in_process"]["peak_mb"] for r in report.values()),
             "report_cli": max(r["cli"]["peak_mb"] for r in report.values())}
    if "ingest" in results:
        summary["ingest_seconds"] = results["ingest"]["seconds"]
        summary["ingest_rows"] = results["ingest"]["rows"]
        peaks["ingest"] = results["ingest"]["peak_mb"]
    if "pages" in results:
        pages = [p for p in results["pages"]["pages"] if "error" not in p]
        summary["page_rerun_cold_seconds"] = max(p["cold_seconds"] for p in pages) if pages else None
        summary["page_rerun_warm_seconds"] = max(p["warm_seconds"] for p in pages) if pages else None
        summary["page_errors"] = [f"{p['page']} ({p['scope']}): {p['error']}" for p in results["pages"]["pages"]
                                  if "error" in p]
        peaks["app"] = results["pages"]["peak_mb"]
    peaks["measures_page"] = results["measures_page"]["peak_mb"]
    summary["peak_mb"] = peaks
    summary["peak_memory_mb"] = max(peaks.values())
    compare = results["compare"]
    for label in ("place", "ics"):
        c = compare[label]
        summary[f"{label}_floor_ratio"] = c["wpc_seconds"] / c["floor_seconds"]
        summary[f"{label}_floor_cpu_ratio"] = c["wpc_cpu_seconds"] / c["floor_cpu_seconds"]
        summary[f"{label}_afresh_floor_ratio"] = c["wpc_afresh_seconds"] / c["floor_seconds"]
        summary[f"{label}_read_floor_ratio"] = c["wpc_read_seconds"] / c["floor_seconds"]
        if "pandas_seconds" in c:
            summary[f"{label}_pandas_ratio"] = c["pandas_seconds"] / c["wpc_seconds"]
            summary[f"{label}_pandas_with_load_ratio"] = (c["pandas_seconds"] + compare["pandas_load_seconds"]) \
                / c["wpc_seconds"]
            summary[f"{label}_pandas_same_numbers"] = c["same_as_wpc"]
    return summary


if __name__ == "__main__":
    sys.exit(main())
