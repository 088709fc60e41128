"""What the access tests (tests/app/test_access_*.py) share: who logs in, the Southwark records
that must never reach a Lambeth lead, the views a leak is looked for in, and the helpers that
collect everything a run shows or hands out and find those records in it. Their fixtures are in
tests/app/conftest.py."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from unittest import mock

from google.protobuf.json_format import MessageToDict
from streamlit.elements.widgets import button
from streamlit.testing.v1 import AppTest

from wpc.config import ROOT

LEAD = "lead@lambeth.gov.uk"
ADMIN = "admin@selondonics.nhs.uk"
ACCESS = f"""
[users."{LEAD}"]
sel = ["Lambeth"]

[users."{ADMIN}"]
"*" = ["*"]
"""
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-" + "x" * 32,
    "client_id": "wpc",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
# Pages that show only public reference data (census, IMD, boundaries): their neighbourhood
# names and codes are open data for the whole ICS, not engagement records.
PUBLIC_REFERENCE_PAGES = {"app_pages/population.py", "app_pages/about.py"}

SECRET_ACTIVITIES = (
    "activity_id,title,start_date,place,organisation,method,you_said,we_did,feedback_due\n"
    "SWK-SECRET-1,Zebra crossing listening circle,2025-06-01,Southwark,Peckham Voices,listening event,"
    "Quokka ferry timetable,Nothing yet,2025-07-01\n"
)
SECRET_PEOPLE = (
    "activity_id,participant_ref,age,sex\n"
    "SWK-SECRET-1,SP-1,34,female\nSWK-SECRET-1,SP-2,71,male\nSWK-SECRET-1,SP-3,19,female\n"
)
SECRET_INSIGHTS = (
    "insight_id,place,date,themes,summary,quote\n"
    "INS-SECRET-1,Southwark,2025-06-02,Quokka theme,Narwhal lanterns on the estate,"
    "The narwhal mural makes me feel at home\n"
)
LEAD_ACTIVITIES = (
    "activity_id,title,start_date,place,method\n"
    "LAM-OWN-1,Lambeth own coffee morning,2025-06-03,Lambeth,listening event\n"
)


def registered_pages() -> list[str]:
    """Every page app.py registers with st.navigation."""
    return re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))


PAGES = registered_pages()


# ---------- everything a run shows, and everything its download buttons would hand out


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def file_text(data: bytes) -> str:
    """The text inside a downloaded file: CSV as is; XLSX/PPTX/DOCX (zip) member by member; PDF
    through pdftotext (poppler)."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist())
    if data.startswith(b"%PDF"):
        return subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    return data.decode("utf-8", "ignore")


def unescape(text: str) -> str:
    """Markdown escapes undone (widgets.escape_markdown writes 'DEMO\\-SEL\\-0002')."""
    return re.sub(r"\\(.)", r"\1", text)


PACKS = (".pptx", ".pdf", ".html")  # the workshop's place and assurance packs


class Downloads:
    """Records the bytes of every download button drawn (however a page or widget draws it).
    A file made on demand is made here, except a chart's PNG (an image: its words are in the
    chart's spec, which the page's text holds) and, unless `packs`, the workshop's packs (the
    same packs for every screen of a scope: built once, by the test that reads them); those
    are recorded by name with no bytes."""

    def __init__(self, packs: bool = True):
        self.files: dict[str, bytes] = {}
        self.packs = packs
        self._original = button.marshall_file

    def __call__(self, coordinates, data, proto, mimetype, file_name=None, **kwargs):
        if callable(data) and (mimetype == "image/png" or (not self.packs and str(file_name).endswith(PACKS))):
            self.files[file_name or coordinates] = b""
            return self._original(coordinates, data, proto, mimetype, file_name, **kwargs)
        content = data() if callable(data) else data
        if hasattr(content, "read"):
            content = content.read()
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.files[file_name or coordinates] = content
        return self._original(coordinates, content, proto, mimetype, file_name, **kwargs)


def run_page(at: AppTest, page: str, packs: bool = True, **params) -> tuple[str, dict[str, bytes]]:
    """Open the app (a new session, on its default page), go to `page` with `params` in the URL,
    and return all text shown on either run, and the downloads offered (`packs`: the workshop's
    packs made too, see Downloads)."""
    downloads = Downloads(packs)
    texts = []
    with mock.patch.object(button, "marshall_file", downloads):
        at.run()
        assert not at.exception, at.exception
        texts.append(shown_text(at))
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        texts.append(shown_text(at))
    texts += [file_text(data) for data in downloads.files.values()]
    return "\n".join(texts), downloads.files


def shown_text(at: AppTest) -> str:
    """Every string in every element of the page and sidebar: tables cell by cell, charts'
    specs, metrics, markdown, HTML, widget labels and options."""
    parts = []
    for block in (at.main, at.sidebar):
        for node in block:
            if type(node).__name__ == "Dataframe":
                parts.append(node.value.to_csv(index=False))
            proto = getattr(node, "proto", None)
            if proto is not None:
                parts.extend(_strings(MessageToDict(proto)))
    return unescape("\n".join(parts))


def leaks(text: str, southwark: dict, page: str) -> dict[str, set[str]]:
    """Southwark's record-level data found in `text`."""
    found = {
        "activity ids": set(re.findall(r"(?:DEMO-SEL-\d{4}|SWK-SECRET-\d+)", text))
        & southwark["activity ids"],
        "titles": {t for t in southwark["titles"] if t in text},
        "insights": {s for s in southwark["insights"] if s in text},
        "file names": {f for f in southwark["file names"] if f in text},
        # (the organisation's name is a label of ICS-wide aggregates, like a place's: not looked for)
        "markers": {m for m in ("Zebra crossing", "Quokka", "Narwhal", "narwhal mural") if m in text},
    }
    if page not in PUBLIC_REFERENCE_PAGES:
        found["lsoa codes"] = set(re.findall(r"E0\d{7}", text)) & southwark["lsoa codes"]
        found["neighbourhood names"] = set(re.findall(r"Southwark \d{3}[A-Z]?", text))
    return {kind: values for kind, values in found.items() if values}


VIEWS = {
    # the whole ICS, opened by a link naming Southwark, a Southwark activity and insight search
    "whole ICS by a Southwark link": dict(
        place="Southwark", activity="SWK-SECRET-1", q="mural", theme="Quokka theme"
    ),
    # their own place, with a Southwark activity in the URL
    "Lambeth": dict(place="Lambeth", activity="SWK-SECRET-1", q="lanterns estate"),
}
