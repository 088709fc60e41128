"""Page reruns and the wpc calls behind them, measured with Streamlit's AppTest.

The pages are found in app.py (every `st.Page("app_pages/...")`), so pages added later are
measured too. Each page is run through the real router (app.py: frame, sidebar, page) for a
place and for the whole ICS: cold (every st.cache_data cache cleared first, as after an
upload, so nothing is cached) and warm (a rerun with the caches full, as when someone comes
back to a view). Every
`wpc.ui.cache.call` a page makes is recorded with its time, and each distinct call is then
timed on its own, on a fresh read-only connection, as a cache miss would run it.
"""

from __future__ import annotations

import ast
import os
import statistics
import time
from pathlib import Path

from wpc import db
from wpc.config import ROOT


def discover_pages(app_path: Path = ROOT / "app.py") -> list[dict]:
    """Every st.Page of the router whose page is a script path, in the order app.py lists them."""
    tree = ast.parse(app_path.read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            keywords = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            pages.append({"path": node.args[0].value, "title": keywords.get("title", node.args[0].value),
                          "line": node.lineno})
    return [{k: p[k] for k in ("path", "title")} for p in sorted(pages, key=lambda p: p["line"])]


class CallRecorder:
    """Wraps wpc.ui.cache.call to time every call a page makes through the cache."""

    def __init__(self) -> None:
        from wpc.ui import cache

        self.cache = cache
        self.original = cache.call
        self.calls: list[dict] = []

    def __enter__(self):
        def timed(function, db_path, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(function, db_path, **kwargs)
            finally:
                self.calls.append({"function": f"{function.__module__}.{function.__name__}",
                                   "callable": function, "kwargs": kwargs,
                                   "seconds": time.perf_counter() - started})

        self.cache.call = timed
        return self

    def __exit__(self, *exc) -> None:
        self.cache.call = self.original

    def take(self) -> list[dict]:
        calls, self.calls = self.calls, []
        return calls


def _clear_caches(db_path: Path) -> None:
    """As after an upload that changed everything: every cached result, the measures' scope
    tables kept between connections (wpc.measures.shared) and disclosure control's kept answers
    (wpc.measures.families, and on disk: wpc.measures.kept)."""
    import streamlit as st

    from wpc.measures import families, kept
    from wpc.ui import cache

    st.cache_data.clear()
    cache.clear()
    families.clear()
    kept.forget(db_path)  # as after an upload, which deletes what was kept beside the database


def _run(at) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return seconds


def measure_pages(db_path: Path, preset: str, place: str | None, runs: int) -> list[dict]:
    """For each page: median cold and warm rerun (seconds) and its wpc calls."""
    from streamlit.testing.v1 import AppTest

    os.environ["WPC_DB_PATH"] = str(db_path)
    results = []
    with CallRecorder() as recorder:
        for page in discover_pages():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            at.query_params["preset"] = preset
            if place:
                at.query_params["place"] = place
            entry = {"page": page["title"], "path": page["path"], "scope": place or "whole ICS"}
            try:
                _run(at)  # the default page, once: imports and first connections
                at.switch_page(page["path"])
                _run(at)
                recorder.take()
                cold, warm, cold_calls, warm_calls = [], [], [], []
                for _ in range(runs):
                    _clear_caches(db_path)
                    cold.append(_run(at))
                    cold_calls.append(recorder.take())
                for _ in range(runs):
                    warm.append(_run(at))
                    warm_calls.append(recorder.take())
            except Exception as exc:  # noqa: BLE001 - a page that fails is reported, not hidden
                entry["error"] = f"{type(exc).__name__}: {exc}"
                results.append(entry)
                continue
            entry["cold_seconds"] = statistics.median(cold)
            entry["warm_seconds"] = statistics.median(warm)
            entry["calls"] = _calls(db_path, cold_calls, warm_calls, runs)
            results.append(entry)
    return results


def _calls(db_path: Path, cold_runs: list[list[dict]], warm_runs: list[list[dict]], runs: int) -> list[dict]:
    """Each distinct call: median time inside a cold and a warm rerun, and on its own."""
    out = []
    for index, call in enumerate(cold_runs[0]):
        cold = [run[index]["seconds"] for run in cold_runs if len(run) > index]
        warm = [run[index]["seconds"] for run in warm_runs if len(run) > index]
        alone = []
        for _ in range(runs):
            started = time.perf_counter()
            with db.reading(db_path) as con:
                call["callable"](con, **call["kwargs"])
            alone.append(time.perf_counter() - started)
        out.append({
            "function": call["function"],
            "arguments": ", ".join(f"{k}={_short(v)}" for k, v in call["kwargs"].items()),
            "cold_seconds": statistics.median(cold),
            "warm_seconds": statistics.median(warm) if warm else None,
            "alone_seconds": statistics.median(alone),
        })
    return out


def _short(value) -> str:
    text = repr(value)
    if type(value).__name__ == "Scope":
        given = {k: v for k, v in vars(value).items() if v is not None}
        text = "Scope(" + ", ".join(f"{k}={v!r}" for k, v in given.items()) + ")"
    return text if len(text) <= 80 else text[:77] + "..."
