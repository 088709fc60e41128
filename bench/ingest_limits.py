"""Time and peak memory of `wpc ingest` on the largest and the worst files it takes
(README: "Performance"; the targets are those of the upload limit):

- a participants CSV as large as the upload limit (200 MB by default), every row valid:
  under 90 s and under 1 GB of peak memory;
- a file of 1,000,000 short participant rows that all fail (an activity that does not exist
  and an age that is not a number): under 30 s and under 500 MB;
- the same files read by plain pandas (`read_csv`, every cell as text, nothing checked or
  stored), in the same run, as the yardstick of what holding a file in memory costs.

Usage: .venv/bin/python -m bench.ingest_limits [--mb 200] [--failing-rows 1000000] [--keep DIR]

Each measurement is a process of its own (`wpc ingest --rejects`, as a person would run it,
into a copy of a database built from the shipped reference data with 500 activities), whose
own peak resident memory is the kernel's high-water mark for it (VmHWM, read until it ends).
The machine's load average is printed with the figures: others' work slows a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"large": (90.0, 1024.0), "failing": (30.0, 500.0)}  # seconds, MB


def _high_water_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(command: list[str]) -> dict:
    """Run a command to its end: wall seconds, its own peak RSS (MB), exit code, output. The peak
    is the kernel's high-water mark of the process's own memory (VmHWM), read every 20 ms until
    it ends: the rusage a parent gets back counts the parent's own memory at the fork as well."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=ROOT)
        peak = 0.0
        while True:
            peak = max(peak, _high_water_mb(process.pid) or 0.0)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the machine's load moves this far less
            "peak_mb": peak,
            "code": process.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def build_database(folder: Path) -> Path:
    from wpc import reference
    from wpc.presets import builtin_presets

    db = folder / "base.duckdb"
    reference.build(db, ROOT / "data" / "reference", builtin_presets(), "sel")
    activities = folder / "activities.csv"
    pd.DataFrame(
        {"activity_id": [f"B-{i}" for i in range(500)], "title": "Bench", "start_date": "01/04/2025",
         "place": "Southwark"}
    ).to_csv(activities, index=False)
    done = run([sys.executable, "-m", "wpc", "ingest", str(activities), "--db", str(db)])
    assert done["code"] == 0, done["stderr"]
    return db


def postcodes(db: Path) -> np.ndarray:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = [k for (k,) in con.execute(
            "select postcode_key from ref_postcode_lsoa join ref_lsoa using (lsoa21cd) where preset = 'sel'"
        ).fetchall()]
    finally:
        con.close()
    return np.array([f"{k[:-3]} {k[-3:]}" for k in keys])


def write_large(path: Path, db: Path, megabytes: int, seed: int = 1) -> int:
    """Participant rows as forms give them (real postcodes, many spellings, some unknowns,
    60% with a ref), appended until the file reaches `megabytes`; returns the rows written."""
    rng = np.random.default_rng(seed)
    codes = postcodes(db)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        while path.stat().st_size < megabytes * 1024 * 1024 - 4096:
            n = 200_000
            refs = np.char.add("P", np.arange(rows, rows + n).astype(str))
            frame = pd.DataFrame(
                {
                    "activity_id": np.char.add("B-", rng.integers(500, size=n).astype(str)),
                    "participant_ref": np.where(rng.random(n) < 0.6, refs, ""),
                    "postcode": codes[rng.integers(len(codes), size=n)],
                    "age": rng.integers(16, 95, size=n).astype(str),
                    "sex": rng.choice(["Female", "Male", "F", "M", "Prefer not to say"], size=n),
                    "ethnicity": rng.choice(
                        ["White British", "Indian", "Black African", "Any other White background", "Not stated",
                         "Asian/Asian British: Bangladeshi"], size=n),
                    "disability": rng.choice(["Yes, limited a lot", "No", ""], size=n),
                    "carer": rng.choice(["Yes", "No", ""], size=n),
                    "religion": rng.choice(["Christian", "Muslim", "No religion", "Prefer not to say"], size=n),
                    "inclusion_groups": rng.choice(["", "", "", "carers", "homeless;carers"], size=n),
                }
            )
            out.write(frame.to_csv(index=False, header=rows == 0))
            out.flush()
            rows += n
    # Trim to the limit: whole lines only.
    data = path.read_bytes()[: megabytes * 1024 * 1024]
    data = data[: data.rfind(b"\n") + 1]
    path.write_bytes(data)
    return data.count(b"\n") - 1


def write_failing(path: Path, rows: int) -> None:
    """Short participant rows that all fail: an activity never uploaded and an age that is not one."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("activity_id,age\n")
        line = "NOPE,x\n"
        for start in range(0, rows, 100_000):
            out.write(line * min(100_000, rows - start))


PANDAS = (
    "import sys, pandas as pd; frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False); "
    "print(len(frame))"
)


def measure(name: str, path: Path, base: Path, folder: Path, rows: int) -> dict:
    db = folder / f"{name}.duckdb"
    shutil.copy(base, db)
    shutil.copy(base.with_name(base.name + ".salt"), db.with_name(db.name + ".salt"))
    load = os.getloadavg()[0]
    wpc = run([sys.executable, "-m", "wpc", "ingest", str(path), "--db", str(db), "--kind", "participants",
               "--rejects", str(folder / f"{name}-rejects.csv")])
    assert wpc["code"] in (0, 3), wpc["stderr"][-2000:]
    plain = run([sys.executable, "-c", PANDAS, str(path)])
    assert plain["code"] == 0, plain["stderr"][-2000:]
    return {"name": name, "rows": rows, "mb": path.stat().st_size / 1024 / 1024, "load": load,
            "wpc": wpc, "pandas": plain, "summary": wpc["stdout"].splitlines()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the large file (the upload limit)")
    parser.add_argument("--failing-rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the files in this folder (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="wpc-bench-ingest-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        base = build_database(folder)
        large, failing = folder / "participants-large.csv", folder / "participants-failing.csv"
        large_rows = write_large(large, base, args.mb)
        write_failing(failing, args.failing_rows)
        results = [measure("large", large, base, folder, large_rows),
                   measure("failing", failing, base, folder, args.failing_rows)]
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{os.cpu_count()} cores; load average before each run shown (others' work slows these figures)")
    print(f"{'file':<44} {'wpc ingest':>11} {'CPU':>8} {'peak RSS':>9} {'target':>17} "
          f"{'pandas read_csv':>16} {'peak RSS':>9}")
    for r in results:
        seconds, megabytes = TARGETS[r["name"]]
        met = r["wpc"]["seconds"] < seconds and r["wpc"]["peak_mb"] < megabytes
        label = f"{r['name']}: {r['rows']:,} rows, {r['mb']:,.0f} MB (load {r['load']:.1f})"
        print(f"{label:<44} {r['wpc']['seconds']:>9.1f} s {r['wpc']['cpu_seconds']:>6.1f} s "
              f"{r['wpc']['peak_mb']:>6,.0f} MB {f'< {seconds:.0f} s, < {megabytes:,.0f} MB':>17} "
              f"{r['pandas']['seconds']:>14.1f} s {r['pandas']['peak_mb']:>6,.0f} MB  "
              f"{'met' if met else 'missed (wall clock)'}")
        print(f"  {r['summary']}")


if __name__ == "__main__":
    main()
