"""Take the README screenshot (docs/screenshot.png) from the real app, as a new user sees it.

Builds a database the way ./run.sh does (real reference data, the three presets and their
labelled synthetic demo year) in a temporary folder, serves the app on a free local port, opens
the Overview in Debian's headless Chromium and saves the picture.

    .venv/bin/python scripts/readme_screenshot.py [--out docs/screenshot.png] [--path /]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the app stopped before it was ready")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the app did not start within 60 seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--path", default="/", help="page and query, e.g. /reach-gaps?place=Lambeth")
    parser.add_argument("--height", type=int, default=1250)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "wpc.duckdb"
        wpc = [sys.executable, "-m", "wpc"]
        subprocess.run([*wpc, "init", "--db", str(db_path), "--preset", "sel", "--preset", "mse", "--preset", "hw",
                        "--demo"], check=True, cwd=ROOT)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "WPC_DB_PATH": str(db_path)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_health(base, process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": args.height})
                page.goto(base + args.path)
                page.wait_for_selector("[data-testid='stApp']")
                page.wait_for_selector(".main-svg", state="attached", timeout=60_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"Saved {args.out}")


if __name__ == "__main__":
    main()
