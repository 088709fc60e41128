"""A Streamlit session without a browser: the websocket protocol the frontend speaks, from
Streamlit's own `streamlit.proto` classes, for driving many sessions of the real server at once.

As the frontend does: open `/_stcore/stream` (subprotocol "streamlit"), send a `rerun_script`
BackMsg naming the page and the link's query string, read ForwardMsgs until `script_finished`.
The query string the app writes (`page_info_changed`) is sent back on the next rerun, widget
values are sent as `widget_states` (a selectbox by its label text, a button as a trigger), and
a page is opened by its `page_script_hash` from the `navigation` message, as the sidebar does.
A run the app replaces (`st.rerun`, `st.switch_page`: FINISHED_EARLY_FOR_RERUN) is followed to
the run that finishes.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus
ERROR_ALERT = 1  # Alert.Format.ERROR


@dataclass
class Run:
    """What one rerun sent back: its time to script_finished, and the text a person reads."""
    seconds: float
    status: str
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown, captions, metrics, alerts, in order
    errors: list[str] = field(default_factory=list)  # exceptions and error alerts
    chosen: dict[str, object] = field(default_factory=dict)  # widget key (else label) -> value it shows

    @property
    def title(self) -> str:
        return self.headings[0] if self.headings else ""

    def fingerprint(self) -> tuple:
        """The page's words and figures (not its widget ids or chart payloads), to compare runs."""
        return tuple(self.headings), tuple(self.texts)


class SessionError(RuntimeError):
    pass


class Session:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, base_url: str, timeout: float = 180.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.query_string = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.page_hash = ""
        self.values: dict[str, tuple[str, object]] = {}  # widget id -> (WidgetState field, value) shown
        self.ids: dict[str, tuple[str, str]] = {}  # widget id -> (kind, label)
        self._socket = None

    async def __aenter__(self) -> Session:
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._socket = await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                                open_timeout=self.timeout, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._socket.close()

    async def open(self, path: str = "", query_string: str = "") -> Run:
        """Open a link, e.g. `workshop` with `preset=sel&place=Lewisham` (a fresh tab's first run)."""
        self.query_string = query_string
        page_hash = self.pages.get(path, "")
        return await self._rerun(page_name="" if page_hash else path, page_hash=page_hash)

    async def choose(self, label: str, value: str, key: str | None = None) -> Run:
        """Choose `value` (as the list shows it) in the selectbox labelled `label` (or with widget
        key `key`, when two share a label), as a person does in the browser."""
        widget = self._find("selectbox", label, key)
        self.values[widget] = ("string_value", value)
        return await self._rerun(page_hash=self.page_hash)

    async def press(self, label: str, key: str | None = None) -> Run:
        widget = self._find("button", label, key)
        return await self._rerun(page_hash=self.page_hash, trigger=widget)

    def _find(self, kind: str, label: str, key: str | None) -> str:
        for widget, (seen_kind, seen_label) in self.ids.items():
            if seen_kind == kind and seen_label == label and (key is None or widget.endswith(f"-{key}")):
                return widget
        raise SessionError(f"no {kind} {label!r} on the page")

    def _back_msg(self, page_name: str, page_hash: str, trigger: str | None) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = page_hash
        state.page_name = page_name
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = f"{self.base_url}/{page_name}?{self.query_string}"
        # every widget's value, as the frontend sends them (a widget it leaves out falls back to a default)
        for widget, (kind, value) in self.values.items():
            entry = state.widget_states.widgets.add()
            entry.id = widget
            setattr(entry, kind, value)
        if trigger:
            entry = state.widget_states.widgets.add()
            entry.id = trigger
            entry.trigger_value = True
        return msg

    async def _rerun(self, page_name: str = "", page_hash: str = "", trigger: str | None = None) -> Run:
        started = time.perf_counter()
        await self._socket.send(self._back_msg(page_name, page_hash, trigger).SerializeToString())
        run = Run(seconds=0.0, status="")
        self.ids = {}
        deadline = started + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SessionError(f"no finished run within {self.timeout:.0f} s")
            try:
                data = await asyncio.wait_for(self._socket.recv(), left)
            except asyncio.TimeoutError:
                raise SessionError(f"no finished run within {self.timeout:.0f} s") from None
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                run = Run(seconds=0.0, status="")  # a run replacing an earlier one starts afresh
                self.ids = {}
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._read_element(msg.delta.new_element, run)
            elif kind == "script_finished":
                status = FINISHED.Name(msg.script_finished)
                if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun or st.switch_page: the next run is the one that counts
                run.seconds = time.perf_counter() - started
                run.status = status
                # the frontend sends only the widgets on the page it shows
                self.values = {widget: value for widget, value in self.values.items() if widget in self.ids}
                if msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    run.errors.append("the script did not compile")
                return run

    def _read_element(self, element, run: Run) -> None:
        kind = element.WhichOneof("type")
        if kind == "heading":
            run.headings.append(_plain(element.heading.body))
        elif kind == "markdown":
            run.texts.append(_plain(element.markdown.body))
        elif kind == "metric":
            run.texts.append(f"{_plain(element.metric.label)}: {element.metric.body}")
        elif kind == "alert":
            run.texts.append(_plain(element.alert.body))
            if element.alert.format == ERROR_ALERT:
                run.errors.append(f"error shown: {element.alert.body[:200]}")
        elif kind == "exception":
            run.errors.append(f"{element.exception.type}: {element.exception.message[:300]}")
        elif kind in ("selectbox", "button", "checkbox", "text_input"):
            widget = getattr(element, kind)
            self.ids[widget.id] = (kind, widget.label)
            shown = self._shown_value(kind, widget)
            if shown is not None:
                self.values[widget.id] = shown
                # what the page shows chosen (the sidebar's place): a wrong title or a wrong choice?
                key = widget.id.rsplit("-", 1)[-1]
                run.chosen[widget.label if key == "None" else key] = shown[1]

    def _shown_value(self, kind: str, widget) -> tuple[str, object] | None:
        """What the frontend holds for a widget: a value the app set, else what it held already
        (the same widget id), else the widget's default."""
        if kind == "button":
            return None
        field = "bool_value" if kind == "checkbox" else "string_value"
        if widget.set_value:
            return field, widget.raw_value if kind == "selectbox" else widget.value
        if widget.id in self.values:
            return self.values[widget.id]
        if kind == "selectbox":
            return (field, widget.options[widget.default]) if widget.HasField("default") and widget.options else None
        if kind == "text_input":
            return (field, widget.default) if widget.HasField("default") else None
        return field, widget.default

def _plain(text: str) -> str:
    """Markdown as words: no escapes, icons or emphasis marks (so a title compares with a name)."""
    text = re.sub(r":material/[a-z_]+:", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[\\*_`]", "", text)).strip()
