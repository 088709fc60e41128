"""Many sessions at once on the real server: five sessions of `bench/load`'s protocol client
(Streamlit's websocket messages) start together on the demo data, two places between them, and
each must finish every step without an error, on a page about its own place, with the same
words and figures as the other sessions on the same place. No timing is asserted: a session
that hangs fails on the client's time limit."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bench.load import Checker, Place, journeys, session_task
from tests.e2e.conftest import ARTIFACTS, running_app

pytestmark = pytest.mark.e2e

SESSIONS = 5
# two places of one ICS: sessions 0, 2 and 4 open Lewisham's workshop link together, 1 and 3
# Greenwich's Overview link, and each switches to the other place on the way
PLACES = [Place("sel", "Lewisham"), Place("sel", "Greenwich")]


async def _all_at_once(base: str) -> tuple[list[dict], Checker]:
    start, checker = asyncio.Event(), Checker()
    tasks = [asyncio.create_task(session_task(base, journey, start, checker, compare=True))
             for journey in journeys(PLACES, SESSIONS)]
    await asyncio.sleep(0.2)
    start.set()
    return await asyncio.wait_for(asyncio.gather(*tasks), timeout=900), checker


def test_five_sessions_at_once_each_see_their_own_place(demo_db):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the server's log goes there
    with running_app(demo_db) as base:
        # on a thread of its own: Playwright's sync API (the browser tests before this one in the same
        # worker) keeps an event loop running on the main thread
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            results, checker = pool.submit(asyncio.run, _all_at_once(base)).result()
    assert [p for r in results for p in r["problems"]] == []
    steps = {"workshop": 5, "overview": 4}
    assert [len(r["runs"]) for r in results] == [steps[r["journey"]] for r in results]
    assert {r["place"] for r in results} == {"Lewisham", "Greenwich"}
    # the client reads the sidebar's place on every page (workshop pages included), as the check relies on
    assert all(run["sidebar"] == run["place"] for r in results for run in r["runs"])
    # every step of both journeys was compared between sessions (3 workshop, 2 overview sessions)
    assert len(checker.seen) == 5 + 4
