"""Time `wpc ingest` of a large participants file (README, Performance: 1 million rows in well under 30 s).

Usage: .venv/bin/python bench/ingest_participants.py [ROWS]   (default 1,000,000)

Builds a database from the shipped reference data in a temporary folder, uploads 500
activities, writes ROWS participant rows (real postcodes, mixed spellings, some unknowns)
and times a real `wpc ingest` process on them, end to end.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wpc import reference  # noqa: E402
from wpc.presets import builtin_presets  # noqa: E402


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db = folder / "wpc.duckdb"
        reference.build(db, ROOT / "data" / "reference", builtin_presets(), "sel")
        activities = pd.DataFrame(
            {
                "activity_id": [f"B-{i}" for i in range(500)],
                "title": "Bench",
                "start_date": "01/04/2025",
                "place": "Southwark",
            }
        )
        activities.to_csv(folder / "activities.csv", index=False)
        subprocess.run(
            [sys.executable, "-m", "wpc", "ingest", str(folder / "activities.csv"), "--db", str(db)],
            check=True,
            capture_output=True,
        )
        rng = np.random.default_rng(1)
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        keys = np.array(
            [
                k
                for (k,) in con.execute(
                    "select postcode_key from ref_postcode_lsoa join ref_lsoa using (lsoa21cd) where preset = 'sel'"
                ).fetchall()
            ]
        )
        con.close()
        postcodes = keys[rng.integers(len(keys), size=rows)]
        frame = pd.DataFrame(
            {
                "activity_id": np.char.add("B-", rng.integers(500, size=rows).astype(str)),
                "participant_ref": np.char.add("P", np.arange(rows).astype(str)),
                "postcode": [f"{k[:-3]} {k[-3:]}" for k in postcodes],
                "age": rng.integers(16, 95, size=rows).astype(str),
                "sex": rng.choice(["Female", "Male", "F", "M", "Prefer not to say"], size=rows),
                "ethnicity": rng.choice(
                    [
                        "White British",
                        "Indian",
                        "Black African",
                        "Any other White background",
                        "Not stated",
                        "Asian/Asian British: Bangladeshi",
                    ],
                    size=rows,
                ),
                "disability": rng.choice(["Yes, limited a lot", "No", ""], size=rows),
                "carer": rng.choice(["Yes", "No", ""], size=rows),
                "inclusion_groups": rng.choice(["", "", "", "carers", "homeless;carers"], size=rows),
            }
        )
        path = folder / "participants.csv"
        frame.to_csv(path, index=False)
        size = path.stat().st_size / 1024 / 1024
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "wpc", "ingest", str(path), "--db", str(db)],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        print(result.stdout.splitlines()[0])
        print(
            f"{rows:,} rows ({size:,.0f} MB) in {seconds:.1f} s: {rows / seconds:,.0f} rows/s "
            f"(exit {result.returncode})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
