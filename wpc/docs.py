"""Documentation the app shows in its pages: docs/methods.md, ready to sit inside a page."""

from __future__ import annotations

import re

from wpc.config import ROOT

METHODS_PATH = ROOT / "docs" / "methods.md"
METHODS_URL = "docs/methods.md"


def methods_markdown(levels: int = 2) -> str | None:
    """docs/methods.md without its title and with every heading `levels` deeper, so its
    sections nest under the page's own headings; None if the file is not there."""
    if not METHODS_PATH.exists():
        return None
    text = METHODS_PATH.read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(
        re.sub(r"^(#{1,6}) ", lambda m: "#" * min(6, len(m.group(1)) + levels) + " ", line) for line in lines
    )
