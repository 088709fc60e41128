"""Charts as PNG images, drawn by plotly.js in one headless Chromium that stays open.

Kaleido 1.x drives a Chromium through the DevTools protocol. Starting a browser takes
about two seconds and drawing a chart a fraction of one, so a process keeps ONE browser
(`shared()`): a pack of six charts, or a page's "PNG" button pressed many times, reuses it.
The browser runs in its own thread with its own event loop; any thread may ask for an
image, and requests queue on the browser's tab.

No internet is used, ever:
- plotly.js comes from the installed plotly package and MathJax is switched off;
- maps load their base topology from static/topojson/ through a file:// URL (the same
  empty topology the app serves), never from the plotly CDN;
- the browser is given a proxy on a closed local port, so a request for any web address
  fails at once instead of leaving the machine (tests check every request is file:).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout

import plotly.graph_objects as go

from wpc.config import ROOT

TOPOJSON_URL = (ROOT / "static" / "topojson").as_uri() + "/"
# Nothing listens on port 9 (discard) here: any http(s) request fails straight away.
NO_INTERNET_PROXY = "http://127.0.0.1:9"
RENDER_TIMEOUT_SECONDS = 60
START_TIMEOUT_SECONDS = 60
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChartError(RuntimeError):
    """A chart could not be drawn (no browser, or the browser failed): the message says which."""


def browser_path() -> str:
    """The Chromium to draw with: $BROWSER_PATH if set, else the first on PATH (Debian's
    /usr/bin/chromium), never a browser downloaded by kaleido."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    raise ChartError(
        "chart images need Chromium, which was not found: install Debian's `chromium` package "
        "(scripts/setup.sh does) or set BROWSER_PATH to a Chromium or Chrome executable"
    )


class ChartRenderer:
    """One headless Chromium, opened on first use, turning plotly figures into PNG bytes."""

    def __init__(self, tabs: int = 1) -> None:
        self._tabs = tabs
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self.renders = 0  # images drawn by this browser (benchmarks and tests read it)
        self.starts = 0  # browsers started

    # ---------- lifecycle

    def _start(self) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="wpc-chart-browser", daemon=True)
        thread.start()

        async def open_browser():
            browser = kaleido.Kaleido(n=self._tabs, mathjax=False, path=browser_path(),
                                      proxy_server=NO_INTERNET_PROXY, timeout=RENDER_TIMEOUT_SECONDS)
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_SECONDS)
        except ChartError:
            loop.call_soon_threadsafe(loop.stop)
            raise
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ChartError(f"Chromium could not be started to draw charts: {exc}") from exc
        self._loop, self._thread = loop, thread
        self.starts += 1

    def _ensure_started(self) -> None:
        with self._lock:
            if self._loop is None:
                self._start()

    def close(self) -> None:
        """Close the browser (a later render opens a new one)."""
        with self._lock:
            loop, browser = self._loop, self._kaleido
            self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(20)
        except Exception:  # noqa: BLE001 - closing a browser that already died
            pass
        loop.call_soon_threadsafe(loop.stop)

    @property
    def running(self) -> bool:
        return self._loop is not None

    @property
    def browser(self):
        """The open kaleido browser (for tests that watch its network requests), or None."""
        return self._kaleido

    def call(self, coroutine_function, timeout: float = RENDER_TIMEOUT_SECONDS):
        """Run `coroutine_function(browser)` on the browser's event loop and return its result."""
        self._ensure_started()
        future = asyncio.run_coroutine_threadsafe(coroutine_function(self._kaleido), self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout as exc:
            future.cancel()
            raise ChartError(f"drawing a chart took longer than {timeout:.0f} s") from exc

    # ---------- drawing

    def png(self, fig: go.Figure, width: int = 1200, height: int | None = None, scale: float = 2) -> bytes:
        """The figure as PNG bytes, `width` x `height` CSS pixels (height: the figure's own,
        else 600) drawn at `scale` times (2 = sharp on slides and projectors)."""
        opts = {"format": "png", "width": width, "height": height or fig.layout.height or 600,
                "scale": scale}
        spec = fig.to_dict()

        async def draw(browser):
            return await browser.calc_fig(spec, opts=opts, topojson=TOPOJSON_URL)

        try:
            image = self.call(draw)
        except ChartError:
            raise
        except Exception as exc:
            # a browser that crashed is replaced once; a chart that cannot be drawn is reported
            if not self._alive():
                self.close()
                try:
                    image = self.call(draw)
                except Exception as again:
                    raise ChartError(f"the chart could not be drawn: {again}") from again
            else:
                raise ChartError(f"the chart could not be drawn: {exc}") from exc
        self.renders += 1
        return image

    def _alive(self) -> bool:
        try:
            self.call(lambda browser: _ping(browser), timeout=10)
            return True
        except Exception:  # noqa: BLE001
            return False


async def _ping(browser) -> bool:
    await browser.send_command("Browser.getVersion")
    return True


_shared: ChartRenderer | None = None
_shared_lock = threading.Lock()


def shared() -> ChartRenderer:
    """The process's one chart browser (opened on first use, closed when Python exits)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ChartRenderer()
            atexit.register(_shared.close)
        return _shared


def to_png_bytes(fig: go.Figure, width: int = 1200, height: int | None = None, scale: float = 2,
                 renderer: ChartRenderer | None = None) -> bytes:
    """The figure as PNG bytes, drawn by `renderer` (default: the shared browser)."""
    return (renderer or shared()).png(fig, width=width, height=height, scale=scale)
