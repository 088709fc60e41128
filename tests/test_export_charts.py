"""Chart images: one headless Chromium draws many charts, and never uses the internet."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image

from wpc import db
from wpc.views import charts as figures
from wpc.views import core20, coverage
from wpc.export import charts
from wpc.measures import Scope

SCOPE = Scope(preset="sel", place="Lambeth", today=None)


@pytest.fixture(scope="module")
def lambeth(demo_db):
    with db.reading(demo_db) as con:
        return {"areas": coverage.map_rows(con, SCOPE),
                "places": core20.by_place(con, core20.whole_ics(SCOPE))}


async def _watch_requests(browser, seen: list[str]) -> None:
    async def record(message):
        seen.append(message["params"]["request"]["url"])

    for tab in browser.tabs.values():
        await tab.send_command("Network.enable")
        tab.subscribe("Network.requestWillBeSent", record)


def test_a_map_and_a_chart_are_drawn_by_one_browser_from_local_files_only(chart_renderer, lambeth):
    chart_renderer.png(figures.steps_bars(pd.DataFrame(
        {"rung": [1], "name": ["Coercion"], "activities": [1], "share": [1.0]}), "rung"), width=400)
    starts = chart_renderer.starts
    seen: list[str] = []
    chart_renderer.call(lambda browser: _watch_requests(browser, seen))
    map_png = chart_renderer.png(figures.lsoa_rate_map(lambeth["areas"], 7), width=900, height=600, scale=1)
    bars_png = chart_renderer.png(figures.share_intervals(lambeth["places"], label_column="area"), width=800,
                                  height=400, scale=2)
    assert chart_renderer.starts == starts  # no new browser for more charts
    assert Image.open(io.BytesIO(map_png)).size == (900, 600)
    assert Image.open(io.BytesIO(bars_png)).size == (1600, 800)
    # the map's pixels are not blank: it drew the LSOA polygons
    colours = Image.open(io.BytesIO(map_png)).convert("RGB").getcolors(maxcolors=100_000)
    assert len(colours) > 20
    assert any(url.endswith("/static/topojson/world_110m.json") for url in seen), seen
    assert seen and all(url.startswith(("file:", "blob:", "data:")) for url in seen), seen


def test_without_the_local_topology_a_map_fails_rather_than_fetch_it(chart_renderer, lambeth):
    spec = figures.lsoa_rate_map(lambeth["areas"], 7).to_dict()

    async def draw_with_plotly_default(browser):
        return await browser.calc_fig(spec, opts={"format": "png", "width": 300, "height": 200})

    with pytest.raises(Exception, match="topojson"):
        chart_renderer.call(draw_with_plotly_default)
    # the browser is still there for the next chart
    assert chart_renderer.png(figures.lsoa_rate_map(lambeth["areas"], 7), width=300, height=200, scale=1)


def test_a_missing_browser_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    renderer = charts.ChartRenderer()
    with pytest.raises(charts.ChartError, match="Chromium could not be started"):
        renderer.png(figures.steps_bars(pd.DataFrame(
            {"rung": [1], "name": ["Coercion"], "activities": [1], "share": [1.0]}), "rung"))
    assert not renderer.running
