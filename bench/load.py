"""Many people at once (`bench/load`): the real server (`wpc serve`) driven by many sessions.

Each session is a browser tab's worth of Streamlit session spoken over the websocket protocol
(`bench.stclient`), and a few real headless Chromium pages time what a person sees. Sessions
start together, as a workshop does when a link is shared, and follow one of two journeys:

- workshop: open the shared workshop link for a place, Next, Next, switch the place on the
  page to another, Next;
- overview: open an Overview link with a place and a period filter, go to Reach gaps and to
  Place coverage, choose another place in the sidebar.

Session i takes the i-th place (so sessions look at different places, and the same place as
a session of another level), and every page it gets must be about that place (the title
names it) and must show, word for word and figure for figure, what any other session got for
the same step and place: a session seeing another's state, or a wrong figure, counts as an
error, as do exceptions, error messages and runs that do not finish.

For each number of sessions: p50, p95 and max time to a finished rerun (every step) and to a
rendered page (Chromium), errors, and the ratios to one session in the same run; then the
same while `wpc ingest` loads a large participants file into the served database. Printed as
a table and written to bench/out/latest-load[-quick].json with a timestamped copy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.stclient import Run, Session, SessionError

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
FULL_LEVELS = (1, 5, 10, 20, 30, 50)
QUICK_LEVELS = (1, 5, 10)
PERIOD = "from=2025-04-01"  # the Overview link's filter: the demo year's second half and national's second year


# Where sessions go --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    preset: str
    name: str


@dataclass(frozen=True)
class Journey:
    kind: str  # "workshop" or "overview"
    first: Place
    second: Place  # the place the session switches to

    def key(self) -> tuple:
        return self.kind, self.first, self.second


def journeys(places: list[Place], sessions: int) -> list[Journey]:
    """Session i: the i-th place (round the list), then the next place of the same ICS; even
    sessions take the workshop link, odd ones the Overview link."""
    chosen = []
    for i in range(sessions):
        first = places[i % len(places)]
        same_ics = [p for p in places if p.preset == first.preset]
        second = same_ics[(same_ics.index(first) + 1) % len(same_ics)]
        chosen.append(Journey("workshop" if i % 2 == 0 else "overview", first, second))
    return chosen


async def walk(session: Session, journey: Journey) -> list[tuple[str, Place, Run]]:
    """The steps of one journey: (step name, the place the page must be about, the run)."""
    first, second = journey.first, journey.second
    link = f"preset={first.preset}&place={first.name}"
    steps = []
    if journey.kind == "workshop":
        steps.append(("workshop link", first, await session.open("workshop", link)))
        steps.append(("workshop next", first, await session.press("Next", key="workshop_next")))
        steps.append(("workshop next 2", first, await session.press("Next", key="workshop_next")))
        steps.append(("workshop place", second, await session.choose("Place", second.name, key="workshop_place")))
        steps.append(("workshop next 3", second, await session.press("Next", key="workshop_next")))
    else:
        steps.append(("overview link", first, await session.open("", f"{link}&{PERIOD}")))
        steps.append(("reach gaps", first, await session.open("reach-gaps")))
        steps.append(("place coverage", first, await session.open("place-coverage")))
        steps.append(("sidebar place", second, await session.choose("Place", second.name, key="place")))
    return steps


NOTICE = "New data was stored at"  # a page showing the figures from before an upload says so


def older_figures(run: Run) -> bool:
    return any(NOTICE in text for text in run.texts)


async def until_new_figures(probe: Session, place: Place, limit: float = 180) -> float | None:
    """Seconds from now until `probe`, a session that opened the place's Overview before the
    upload, shows the new figures (no notice) when it opens it again; None if not within `limit`.
    (A session never goes back to older figures, so only one that read them tells when the
    server moves on.)"""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if not older_figures(await probe.open("", f"preset={place.preset}&place={place.name}&{PERIOD}")):
            return time.perf_counter() - started
        await asyncio.sleep(1)
    return None


class Checker:
    """Every page about the place it should be, and the same words and figures as any other
    session's page for the same step and place."""

    def __init__(self):
        self.seen: dict[tuple, tuple] = {}

    def problems(self, journey: Journey, step: str, place: Place, run: Run, compare: bool) -> list[str]:
        found = list(run.errors)
        if place.name not in run.title:
            found.append(f"{step}: the title {run.title!r} does not name {place.name} "
                         f"(the sidebar's place: {run.chosen.get('place', '?')!r})")
        if run.chosen.get("place") != place.name:  # the session's own choice lost, whatever the title says
            found.append(f"{step}: the sidebar's place is {run.chosen.get('place')!r}, not {place.name}")
        if compare:
            key = (journey.key(), step)
            expected = self.seen.setdefault(key, run.fingerprint())
            if run.fingerprint() != expected:
                found.append(f"{step} ({place.name}): words or figures differ from another session's")
        return found


async def session_task(base: str, journey: Journey, start: asyncio.Event, checker: Checker, compare: bool,
                       until: asyncio.Event | None = None) -> dict:
    """One session: connect, wait for the others, walk the journey (again and again while
    `until` is not set, for the upload); its runs and problems."""
    runs, problems = [], []
    try:
        session = await Session(base).__aenter__()
        await start.wait()
        while True:
            try:
                for step, place, run in await walk(session, journey):
                    runs.append({"step": step, "place": place.name, "seconds": run.seconds,
                                 "sidebar": run.chosen.get("place"), "older_figures": older_figures(run)})
                    problems += checker.problems(journey, step, place, run, compare)
            finally:
                await session.__aexit__()
            if until is None or until.is_set():
                break
            session = await Session(base).__aenter__()  # the link opened again, in a new tab
    except (SessionError, OSError, asyncio.TimeoutError, Exception) as exc:  # noqa: B014 - reported, not raised
        problems.append(f"{journey.kind} {journey.first.name}: {type(exc).__name__}: {exc}")
    return {"journey": journey.kind, "place": journey.first.name, "runs": runs, "problems": problems}


# Real pages -----------------------------------------------------------------------------------


async def browser_pages(browser, base: str, places: list[Place], start: asyncio.Event,
                        until: asyncio.Event | None = None) -> list[dict]:
    """One Chromium page per place given: the workshop link, then the Overview link; time from
    the address typed to the page drawn (script idle, the title naming the place)."""
    from tests.e2e.conftest import IDLE, POLL_MS

    async def one(place: Place) -> list[dict]:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(300_000)
        page = await context.new_page()
        timings = []
        await start.wait()
        try:
            while True:
                for path, extra in (("workshop", ""), ("", f"&{PERIOD}")):
                    started = time.perf_counter()
                    await page.goto(f"{base}/{path}?preset={place.preset}&place={place.name}{extra}")
                    await page.wait_for_function(IDLE, polling=POLL_MS, timeout=300_000)
                    heading = await page.locator("h1").first.inner_text(timeout=300_000)
                    seconds = time.perf_counter() - started
                    problem = None
                    if place.name not in heading:
                        # the sidebar's place selector too, to tell a wrong title from a lost choice
                        sidebar = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
                        chosen = " ".join((await sidebar.nth(1).inner_text()).split())
                        problem = f"title {heading!r} does not name {place.name} (the sidebar: {chosen!r})"
                    if await page.get_by_test_id("stException").count():
                        problem = "an exception is shown"
                    timings.append({"page": path or "overview", "place": place.name, "seconds": seconds,
                                    "problem": problem})
                if until is None or until.is_set():
                    break
        except Exception as exc:  # noqa: BLE001 - reported as the page's problem
            timings.append({"page": "?", "place": place.name, "seconds": None, "problem": f"{type(exc).__name__}: {exc}"})
        finally:
            await context.close()
        return timings

    results = await asyncio.gather(*(one(p) for p in places))
    return [t for r in results for t in r]


# One level -------------------------------------------------------------------------------------


def spread(values: list[float]) -> dict:
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values) + 0.5) - 1))]
    return {"n": len(values), "p50": statistics.median(values), "p95": p95, "max": values[-1]}


def shown_places(places: list[Place], levels: tuple, pages: int) -> list[Place]:
    """The places the Chromium pages open at these levels."""
    return list(dict.fromkeys(places[(sessions + i) % len(places)] for sessions in levels for i in range(pages)))


async def level(base: str, places: list[Place], sessions: int, browser, pages: int, checker: Checker,
                compare: bool = True, upload=None) -> dict:
    """`sessions` protocol sessions and `pages` Chromium pages started together."""
    start, until = asyncio.Event(), (asyncio.Event() if upload else None)
    load_before = os.getloadavg()[0]
    tasks = [asyncio.create_task(session_task(base, j, start, checker, compare, until))
             for j in journeys(places, sessions)]
    page_task = None
    if browser is not None and pages:
        shown = shown_places(places, (sessions,), pages)
        page_task = asyncio.create_task(browser_pages(browser, base, shown, start, until))
    probe = None
    if upload:  # a session that reads the figures from before the upload
        probe = await Session(base).__aenter__()
        await probe.open("", f"preset={places[0].preset}&place={places[0].name}&{PERIOD}")  # as journeys do
    await asyncio.sleep(0.5)  # let every session connect before they start together
    started = time.perf_counter()
    start.set()
    upload_result = None
    if upload:
        upload_result = await asyncio.to_thread(upload)
        try:  # the sessions keep walking until pages show the new figures
            upload_result["new_figures_after_seconds"] = await until_new_figures(probe, places[0])
        finally:
            await probe.__aexit__()
        until.set()
    results = await asyncio.gather(*tasks)
    rendered = await page_task if page_task else []
    runs = [r for s in results for r in s["runs"]]
    problems = [p for s in results for p in s["problems"]] + \
        [f"page {t['page']} {t['place']}: {t['problem']}" for t in rendered if t["problem"]]
    return {
        "sessions": sessions, "browser_pages": pages, "wall_seconds": time.perf_counter() - started,
        "load_average": [load_before, os.getloadavg()[0]],
        "rerun": spread([r["seconds"] for r in runs]),
        "first_open": spread([r["seconds"] for r in runs if r["step"] in ("workshop link", "overview link")]),
        "rendered": spread([t["seconds"] for t in rendered]),
        "errors": len(problems), "problems": problems[:20], "upload": upload_result,
        "older_figures_runs": sum(r["older_figures"] for r in runs),
        "by_step": {step: spread([r["seconds"] for r in runs if r["step"] == step])
                    for step in dict.fromkeys(r["step"] for r in runs)},
    }


# The server and the data -------------------------------------------------------------------------


class Server:
    """`wpc serve` on a free port, its output in bench/out/; `record` attaches py-spy to it."""

    def __init__(self, db_path: Path, log_name: str):
        # started and awaited as the browser tests start the app
        from tests.e2e.conftest import free_port, wait_until_healthy

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.recorder: subprocess.Popen | None = None
        command = [sys.executable, "-m", "wpc", "serve", "--db", str(db_path), "--port", str(self.port)]
        self.log = open(OUT / log_name, "w")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until_healthy(self.base, self.process, 180, f"wpc serve did not start; see {self.log.name}")

    def record(self, profile: Path) -> None:
        """py-spy attached to the running server (and the Streamlit process it started) from now
        on, so that the profile holds the warm levels only, not the first visits' cache misses."""
        self.recorder = subprocess.Popen(
            [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(self.process.pid),
             "--subprocesses", "--nonblocking", "--rate", "100", "--format", "speedscope",
             "--output", str(profile)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        time.sleep(2)  # py-spy finds the processes before the sessions start

    def stop(self) -> None:
        """Stop py-spy first with Ctrl+C, so that it writes its profile, then the server and
        everything it started (its own process group)."""
        if self.recorder is not None:
            self.recorder.send_signal(signal.SIGINT)
            try:
                self.recorder.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.recorder.kill()
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        for stop_signal in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, stop_signal)
            except ProcessLookupError:
                break
            time.sleep(2)
        self.log.close()


def demo_database(log) -> Path:
    """The three presets' demo database, built once into bench/out/work-load-demo and reused."""
    work = OUT / "work-load-demo"
    path = work / "wpc.duckdb"
    if not (work / "built").exists():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        log("Building the demo database (wpc init --demo, once; later runs reuse it)")
        subprocess.run([sys.executable, "-m", "wpc", "init", "--db", str(path), "--preset", "sel", "--preset", "mse",
                        "--preset", "hw", "--demo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        (work / "built").write_text("ok")
    return path


def national_database() -> Path | None:
    manifest = OUT / "work-national" / "build.json"
    if not manifest.exists():
        return None
    return Path(json.loads(manifest.read_text())["build"]["db_path"])


def places_of(db_path: Path, largest_ics_only: bool) -> list[Place]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("select preset, place, count(*) from ref_lsoa where preset is not null "
                           "group by all order by preset, place").fetchall()
    finally:
        con.close()
    if largest_ics_only:
        sizes: dict[str, int] = {}
        for preset, _place, count in rows:
            sizes[preset] = sizes.get(preset, 0) + count
        biggest = max(sizes, key=lambda p: (sizes[p], p))
        rows = [r for r in rows if r[0] == biggest]
    return [Place(preset, place) for preset, place, _count in rows]


def upload_files(db_path: Path, label: str, rows: int, log) -> tuple[Path, Path]:
    """An activities file and a `rows`-row participants file for the database's presets (the
    national generator), written once per size into bench/out/work-load-upload-<rows>."""
    from bench import generate

    folder = OUT / f"work-load-upload-{label}-{rows}"
    if not (folder / "participants-01.csv").exists():
        log(f"Writing a {rows:,}-row participants file for the upload")
        generate.generate(db_path, folder, activity_count=max(200, rows // 100), participant_rows=rows,
                          rows_per_file=rows, seed=7)
    return folder / "activities.csv", folder / "participants-01.csv"


def ingest(db_path: Path, path: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wpc", "ingest", str(path), "--db", str(db_path), "--json",
                             "--allow-repeats"], cwd=ROOT, capture_output=True, text=True)
    outcome = json.loads(result.stdout) if result.returncode in (0, 3) and result.stdout.strip() else {}
    return {"file": path.name, "seconds": time.perf_counter() - started, "code": result.returncode,
            "stored": outcome.get("stored"), "error": None if outcome else result.stderr[-2000:]}


# A whole data set ------------------------------------------------------------------------------


async def measure(label: str, source: Path, largest_ics_only: bool, levels: tuple, upload_rows: int,
                  upload_sessions: int, pages: int, log, profile: Path | None = None) -> dict:
    """Every level on one database (a copy, so the upload leaves the source as it was)."""
    copy = OUT / f"work-load-serving-{label}.duckdb"
    shutil.copy(source, copy)
    for suffix in (".salt",):  # the disclosure salt travels with the database
        if source.with_name(source.name + suffix).exists():
            shutil.copy(source.with_name(source.name + suffix), copy.with_name(copy.name + suffix))
    places = places_of(copy, largest_ics_only)
    files = upload_files(copy, label, upload_rows, log) if upload_rows else None
    server = Server(copy, f"load-server-{label}.log")
    log(f"{label}: wpc serve at {server.base}; {len(places)} places")
    result: dict = {"label": label, "places": len(places), "levels": []}
    checker = Checker()
    try:
        from playwright.async_api import async_playwright

        from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) if pages else None
            # The first visit of every journey (caches empty), one session at a time at first,
            # then the rest together, so that the levels compare warm with warm.
            first = await level(server.base, places, 1, browser, pages, checker)
            result["first_visit"] = first
            log(f"  first visit, caches empty: rerun p50 {first['rerun']['p50']:.2f} s, "
                f"max {first['rerun']['max']:.2f} s, errors {first['errors']}")
            distinct = {j.key(): j for j in journeys(places, max(levels))}
            for shown in shown_places(places, levels, pages):  # the Chromium pages' places warmed too
                second = journeys(places, places.index(shown) + 1)[-1].second
                for kind in ("workshop", "overview"):
                    journey = Journey(kind, shown, second)
                    distinct.setdefault(journey.key(), journey)
            warm = await asyncio.gather(*(session_task(server.base, j, _set(), checker, True)
                                          for j in distinct.values()))
            warm_problems = [p for w in warm for p in w["problems"]]
            result["warm_up"] = {"journeys": len(distinct), "errors": len(warm_problems),
                                 "problems": warm_problems[:20]}
            if profile:
                server.record(profile)
            for sessions in levels:
                figures = await level(server.base, places, sessions, browser, pages, checker)
                result["levels"].append(figures)
                log(f"  {sessions:>3} sessions: rerun p50 {figures['rerun']['p50']:.2f} s, p95 "
                    f"{figures['rerun']['p95']:.2f} s; rendered p95 {_num(figures['rendered']['p95'])}; "
                    f"errors {figures['errors']} (load {figures['load_average'][0]:.1f})")
            if files:
                activities, participants = files
                ingest(copy, activities)  # the upload's activities first, as a place lead would
                log(f"  {upload_sessions} sessions while {upload_rows:,} participant rows are ingested")
                figures = await level(server.base, places, upload_sessions, browser, pages, checker,
                                      compare=False, upload=lambda: ingest(copy, participants))
                result["during_upload"] = figures
                log(f"    upload {figures['upload']['seconds']:.1f} s ({figures['upload']['stored']} stored); "
                    f"rerun p50 {figures['rerun']['p50']:.2f} s, p95 {figures['rerun']['p95']:.2f} s, "
                    f"errors {figures['errors']}; new figures shown {_num(figures['upload']['new_figures_after_seconds'])} s "
                    f"after it, {figures['older_figures_runs']} of {figures['rerun']['n']} runs showed the figures from before it")
            if browser:
                await browser.close()
    finally:
        server.stop()
    one = result["levels"][0]
    for figures in result["levels"] + ([result["during_upload"]] if "during_upload" in result else []):
        figures["ratio_to_one"] = {what: _ratio(figures[what]["p95"], one[what]["p95"])
                                   for what in ("rerun", "rendered")}
        figures["ratio_to_one_p50"] = {what: _ratio(figures[what]["p50"], one[what]["p50"])
                                       for what in ("rerun", "rendered")}
    return result


def _set() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def _ratio(a, b):
    return a / b if a is not None and b else None


def _num(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: dict) -> None:
    print()
    print(f"Load benchmark ({results['mode']}), {results['machine']['cpus']} cores, load average at start "
          f"{results['machine']['load_average_at_start'][0]:.1f}")
    head = ("data", "sessions", "runs", "rerun p50", "p95", "max", "p95/one", "page p50", "p95", "p95/one",
            "errors", "load")
    print(" | ".join(head))
    for data in results["data"]:
        rows = [(str(f["sessions"]), f) for f in data["levels"]]
        if "during_upload" in data:
            rows.append((f"{data['during_upload']['sessions']} + upload", data["during_upload"]))
        for name, f in rows:
            print(" | ".join([
                data["label"], name, str(f["rerun"]["n"]), _num(f["rerun"]["p50"]), _num(f["rerun"]["p95"]),
                _num(f["rerun"]["max"]), _num(f["ratio_to_one"]["rerun"], 1) + "x",
                _num(f["rendered"]["p50"]), _num(f["rendered"]["p95"]),
                _num(f["ratio_to_one"]["rendered"], 1) + "x", str(f["errors"]), f"{f['load_average'][0]:.1f}"]))
        for f in [f for _n, f in rows if f["problems"]][:3]:
            print(f"  problems with {f['sessions']} sessions: {f['problems'][:3]}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="demo data only, 1, 5 and 10 sessions, a 100,000-row upload (under 3 minutes)")
    parser.add_argument("--sessions", help="comma-separated session counts (default 1,5,10,20,30,50; quick 1,5,10)")
    parser.add_argument("--pages", type=int, help="real Chromium pages beside the sessions (default 2; quick 1)")
    parser.add_argument("--upload-rows", type=int, help="rows of the upload (default 1,000,000; quick 100,000; 0: none)")
    parser.add_argument("--skip", action="append", default=[], choices=["demo", "national"])
    parser.add_argument("--profile", action="store_true",
                        help="record the warm levels' server with py-spy (bench/out/load-profile-*.json)")
    args = parser.parse_args(argv)
    levels = tuple(int(n) for n in args.sessions.split(",")) if args.sessions else \
        (QUICK_LEVELS if args.quick else FULL_LEVELS)
    pages = args.pages if args.pages is not None else (1 if args.quick else 2)
    upload_rows = args.upload_rows if args.upload_rows is not None else (100_000 if args.quick else 1_000_000)
    mode = "quick" if args.quick else "full"
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    OUT.mkdir(parents=True, exist_ok=True)
    results = {"when": dt.datetime.now().isoformat(timespec="seconds"), "mode": mode, "levels": levels,
               "browser_pages": pages, "upload_rows": upload_rows, "machine": _machine(), "data": []}
    sources = []
    if "demo" not in args.skip:
        sources.append(("demo", demo_database(log), False, 10 if args.quick else 30))
    if not args.quick and "national" not in args.skip:
        national = national_database()
        if national is None:
            log("No national database: run bench/run first (it builds bench/out/work-national); national skipped")
        else:
            sources.append(("national", national, True, 30))
    for label, source, largest_only, upload_sessions in sources:
        profile = OUT / f"load-profile-{label}.json" if args.profile else None
        results["data"].append(asyncio.run(measure(label, source, largest_only, levels, upload_rows, upload_sessions,
                                                   pages, log, profile)))
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["total_seconds"] = time.perf_counter() - started
    print_table(results)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "load-quick" if args.quick else "load"
    for path in (OUT / f"results-{name}-{stamp}.json", OUT / f"latest-{name}.json"):
        path.write_text(json.dumps(results, indent=1, default=str))
    log(f"Results written to {OUT / f'latest-{name}.json'}")
    errors = sum(f["errors"] for d in results["data"] for f in d["levels"] + [d.get("during_upload") or {"errors": 0}])
    return 1 if errors else 0


def _machine() -> dict:
    from bench.national import machine

    return machine()


if __name__ == "__main__":
    sys.exit(main())
