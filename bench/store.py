"""The DuckLake store against the database file (docs/deploy.md, "Measured"): on the database
`bench/run` built, moved into a DuckLake with `wpc migrate` (a PostgreSQL catalog started here,
Parquet files in a local folder), measure

- the place report (`build_report` for the benchmark's place), file against lake, each run on a
  fresh connection in a server-like process (the lake attached once, as a server keeps it), and
  the first report of a new process (which pays the lake's attach);
- report throughput with one app server against two on the lake: `--clients` streams of
  requests, each a whole report for a place (no cache: a cache miss per request), served by one
  process with all the threads, then by two processes with half each, started together.

    python -m bench.store [--db PATH] [--runs N] [--requests N] [--clients N]
    python -m bench.store --pin-cost PYTHON [--db PATH] [--runs N]

`--pin-cost` instead measures what pinning DuckDB costs: the place report on the file under
this project's DuckDB and under another Python environment's (e.g. a scratch venv with the
newest DuckDB and wpc's other dependencies, wpc taken from this checkout by PYTHONPATH), in
alternate rounds so that other load on the machine falls on both alike; the file is copied
for the other DuckDB (a newer DuckDB may upgrade a file it writes to).

Without --db it uses the database of the last `bench/run` (national, else quick). The
PostgreSQL server is the one the tests use (tests/fixtures/lake.py), in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _scope_places(where) -> tuple[str, list[str], str]:
    """The benchmark's scopes: the ICS with the most LSOAs, its places, and its largest place."""
    from wpc import db

    with db.reading(where) as con:
        preset = con.execute("select preset from ref_lsoa where preset is not null group by preset "
                             "order by count(*) desc, preset limit 1").fetchall()[0][0]
        places = [p for (p,) in con.execute(
            "select place from ref_lsoa where preset = $p group by place order by count(*) desc, place",
            {"p": preset}).fetchall()]
    return preset, places, places[0]


def worker_reports(setting: str, db_path: str, preset: str, places: list[str], requests: int, threads: int,
                   start_at: float) -> dict:
    """A server: `threads` threads answer `requests` report requests in turn over `places`."""
    from wpc import db
    from wpc import store as stores
    from wpc.measures import Scope, build_report

    store = stores.parse(setting, db_path)
    with db.reading(store) as con:  # attach and warm up before the clock starts
        build_report(con, Scope.parse(preset, places[0], today="2026-04-01"))
    lock, taken, times = threading.Lock(), [0], []

    def serve() -> None:
        while True:
            with lock:
                if taken[0] >= requests:
                    return
                turn = taken[0]
                taken[0] += 1
            scope = Scope.parse(preset, places[turn % len(places)], today="2026-04-01")
            began = time.perf_counter()
            with db.reading(store) as con:
                build_report(con, scope)
            times.append(time.perf_counter() - began)

    while time.time() < start_at:
        time.sleep(0.005)
    began = time.perf_counter()
    workers = [threading.Thread(target=serve) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"seconds": time.perf_counter() - began, "requests": requests, "median_request": statistics.median(times)}


def worker_place(setting: str, db_path: str, preset: str, place: str, runs: int) -> dict:
    """The place report: the first in a new process, then `runs` more, each on a fresh connection."""
    from wpc import db
    from wpc import store as stores
    from wpc.measures import Scope, build_report

    store = stores.parse(setting, db_path)
    scope = Scope.parse(preset, place, today="2026-04-01")
    began = time.perf_counter()
    with db.reading(store) as con:
        first = build_report(con, scope)
    first_seconds = time.perf_counter() - began
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        with db.reading(store) as con:
            report = build_report(con, scope)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    assert report == first
    return {"first_seconds": first_seconds, "seconds": statistics.median(times), "runs": times,
            "cpu_seconds": statistics.median(cpu), "cpu_runs": cpu, "participants": report["participants"]["total"]}


def _worker(name: str, python: str = sys.executable, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([python, "-m", "bench.store", "--worker", name, json.dumps(kwargs)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)


def pin_cost(db_path: Path, other_python: str, runs: int, rounds: int = 3) -> dict:
    import shutil

    version = lambda python: subprocess.run(  # noqa: E731
        [python, "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True, text=True).stdout.strip()
    ours, theirs = version(sys.executable), version(other_python)
    preset, _places, place = _scope_places(db_path)
    with tempfile.TemporaryDirectory(prefix="wpc-bench-pin-") as folder:
        copy = Path(folder) / "wpc.duckdb"
        shutil.copy(db_path, copy)
        seconds: dict[str, list[float]] = {ours: [], theirs: []}
        cpu: dict[str, list[float]] = {ours: [], theirs: []}
        firsts: dict[str, list[float]] = {ours: [], theirs: []}
        for _ in range(rounds):
            for python, path, name in ((sys.executable, db_path, ours), (other_python, copy, theirs)):
                r = _result(_worker("place", python=python, setting="", db_path=str(path), preset=preset,
                                    place=place, runs=runs))
                seconds[name] += r["runs"]
                cpu[name] += r["cpu_runs"]
                firsts[name].append(r["first_seconds"])
    result = {name: {"median_seconds": statistics.median(t), "cpu_seconds": statistics.median(cpu[name]),
                     "first_seconds": statistics.median(firsts[name]), "runs": len(t)} for name, t in seconds.items()}
    print(f"place report ({place}), medians of {rounds} x {runs} runs, alternating:")
    for name, r in result.items():
        print(f"  DuckDB {name}: {r['median_seconds'] * 1000:,.0f} ms, CPU {r['cpu_seconds'] * 1000:,.0f} ms "
              f"(first in a process {r['first_seconds'] * 1000:,.0f} ms)")
    print(f"  DuckDB {ours} / {theirs}: {result[ours]['median_seconds'] / result[theirs]['median_seconds']:.2f}x "
          f"wall, {result[ours]['cpu_seconds'] / result[theirs]['cpu_seconds']:.2f}x CPU")
    return {"place": place, "ours": ours, "theirs": theirs, **result}


def _result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError("a bench.store worker failed")
    return json.loads(out.strip().splitlines()[-1])


def throughput(setting: str, db_path: str, preset: str, places: list[str], requests: int, clients: int,
               servers: int) -> dict:
    start_at = time.time() + 3.0
    share = [requests // servers + (1 if i < requests % servers else 0) for i in range(servers)]
    processes = [_worker("reports", setting=setting, db_path=db_path, preset=preset, places=places,
                         requests=n, threads=max(clients // servers, 1), start_at=start_at) for n in share]
    results = [_result(p) for p in processes]
    wall = max(r["seconds"] for r in results)
    return {"servers": servers, "reports_per_second": requests / wall, "seconds": wall,
            "median_request": statistics.median(r["median_request"] for r in results),
            "load_average": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="the database file (default: the last bench/run's)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pin-cost", metavar="PYTHON", help="compare this Python's DuckDB on the place report")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, kwargs = args.worker
        result = {"place": worker_place, "reports": worker_reports}[name](**json.loads(kwargs))
        print(json.dumps(result))
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.fixtures.lake import PostgresServer

    db_path = Path(args.db) if args.db else next(
        p for p in (OUT / "work-national" / "wpc.duckdb", OUT / "work-quick" / "wpc.duckdb") if p.exists())
    print(f"Database file: {db_path} ({db_path.stat().st_size / 2**20:,.0f} MB); load average "
          f"{os.getloadavg()[0]:.1f}")
    if args.pin_cost:
        result = pin_cost(db_path, args.pin_cost, args.runs)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "latest-pin.json").write_text(json.dumps({**result, "load_average": os.getloadavg()}, indent=2))
        return 0
    server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="wpc-bench-lake-") as folder:
            lake = server.new_lake(Path(folder) / "data")
            env = {**os.environ, "WPC_SALT_PATH": str(Path(folder) / "lake.salt")}
            began = time.perf_counter()
            moved = subprocess.run([sys.executable, "-m", "wpc", "migrate", "--db", str(db_path), "--store",
                                    lake.setting], cwd=ROOT, env=env, capture_output=True, text=True)
            if moved.returncode != 0:
                raise RuntimeError(moved.stderr)
            migrate_seconds = time.perf_counter() - began
            lake_mb = sum(f.stat().st_size for f in Path(folder, "data").rglob("*") if f.is_file()) / 2**20
            print(f"wpc migrate into a DuckLake: {migrate_seconds:.1f} s; Parquet files {lake_mb:,.0f} MB")
            preset, places, place = _scope_places(db_path)
            results = {"database": str(db_path), "migrate_seconds": migrate_seconds, "lake_mb": lake_mb,
                       "preset": preset, "place": place, "load_average_at_start": os.getloadavg()}
            for name, setting in (("file", ""), ("lake", lake.setting)):
                results[f"place_{name}"] = _result(_worker("place", setting=setting, db_path=str(db_path),
                                                           preset=preset, place=place, runs=args.runs))
                r = results[f"place_{name}"]
                print(f"place report ({place}) on the {name}: {r['seconds'] * 1000:,.0f} ms median of {args.runs}, "
                      f"CPU {r['cpu_seconds'] * 1000:,.0f} ms (first in a new process {r['first_seconds'] * 1000:,.0f} "
                      f"ms); {r['participants']:,} participants")
            results["lake_over_file"] = results["place_lake"]["seconds"] / results["place_file"]["seconds"]
            results["lake_over_file_cpu"] = results["place_lake"]["cpu_seconds"] / results["place_file"]["cpu_seconds"]
            print(f"lake / file: {results['lake_over_file']:.2f}x wall, {results['lake_over_file_cpu']:.2f}x CPU")
            # In the order 1, 2, 2, 1 servers (and the file once), so that load that rises or falls
            # during the run falls on both alike; each figure the mean of its two rounds.
            rounds: dict[str, list[dict]] = {}
            for name, servers in (("file", 1), ("lake", 1), ("lake", 2), ("lake", 2), ("lake", 1)):
                t = throughput(lake.setting if name == "lake" else "", str(db_path), preset, places, args.requests,
                               args.clients, servers)
                rounds.setdefault(f"throughput_{name}_{servers}", []).append(t)
                print(f"{args.requests} place reports from {args.clients} clients, {servers} server(s) on the "
                      f"{name}: {t['reports_per_second']:.2f} reports/s (median request "
                      f"{t['median_request'] * 1000:,.0f} ms)")
            for key, runs in rounds.items():
                results[key] = {"reports_per_second": statistics.mean(r["reports_per_second"] for r in runs),
                                "rounds": runs}
            results["two_over_one"] = (results["throughput_lake_2"]["reports_per_second"]
                                       / results["throughput_lake_1"]["reports_per_second"])
            print(f"two servers / one server on the lake: {results['two_over_one']:.2f}x throughput "
                  f"({os.cpu_count()} cores)")
            results["load_average_at_end"] = os.getloadavg()
            from importlib import metadata

            results["duckdb"] = metadata.version("duckdb")
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / "latest-store.json").write_text(json.dumps(results, indent=2))
            from wpc import store as stores

            stores.release()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
