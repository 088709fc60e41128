"""About wpc and its data: the sources it stands on (vintages, licences), the definitions every
page uses with the preset's own settings, the methods in full (docs/methods.md, ready to sit
inside a page), and whether the database holds synthetic demo data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from wpc import presets, sources, status
from wpc.config import ROOT
from wpc.views.parts import Table

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


@dataclass(frozen=True)
class About:
    sources: Table
    attribution: str
    preset_name: str
    measures: str  # how wpc measures, with the preset's thresholds (Markdown)
    methods: str | None  # docs/methods.md, None where the file is not shipped
    methods_url: str
    demo: bool
    provenance: str


def build(con: duckdb.DuckDBPyConnection, preset: str) -> About:
    chosen = presets.registered_preset(con, preset)
    t = chosen.thresholds
    listed = pd.DataFrame([{"Source": s.name, "Publisher": s.publisher, "Vintage": s.vintage,
                            "Used for": s.used_for, "Licence": s.licence} for s in sources.SOURCES])
    return About(
        sources=Table("about-sources", "Data sources", listed), attribution=sources.ATTRIBUTION,
        preset_name=chosen.name, measures=MEASURES.format(name=chosen.name, t=t), methods=methods_markdown(),
        methods_url=METHODS_URL, demo=status.data_status(con)["demo"],
        provenance=sources.PROVENANCE_PATH.read_text(encoding="utf-8"),
    )


MEASURES = """
Every page, export and `wpc report` uses the same measures, computed once. The numbers below are
{name}'s settings.

- **Reach** on each dimension (deprivation, ethnic group, age, sex, disability, unpaid care, PLUS groups):
  the share of participants with a known answer in each category, with a 95% Wilson interval, against
  the census share of residents. A gap is flagged only when the interval lies wholly above or below the
  population share. Unknown answers are counted, never dropped.
- **Core20 reach**: reach on national IMD quintile 1. **Coverage**: Core20 neighbourhoods with at least
  one participant; **cold spots** are those with none, most deprived first.
- **Deprivation gradient**: the slope index of inequality of engagement per 1,000 residents across
  national IMD deciles (Low & Low 2004).
- **Fatigue**: participations per 1,000 residents of each neighbourhood (MSOA) in the last
  {t.fatigue_window_days} days, with its 95% interval (exact below 10 participations, Byar's from 10);
  **over-asked** when the interval lies wholly
  above {t.fatigue_multiple:g} times the ICS's median rate; and people at {t.fatigue_limit} or more
  activities.
- **Ladder of participation** (1 Coercion to 7 Co-production) and **engagement cycle** (5 stages):
  activities by rung and stage.
- **You said, we did**: feedback is due on the date given, else {t.feedback_window_days} days
  after the activity ends (or starts); closed on time, closed late, overdue or not yet due.
- **Insight library** search uses SQLite's full-text index with English stemming, in memory, offline.
- **Disclosure control**: any count of 1 to {t.suppression} people is shown as \\*, with its share
  and interval withheld, and other counts are hidden with it where it could otherwise be worked out;
  small changes (at most 5) are made to every other count of people to protect privacy, the same
  wherever it appears, so figures need not add up exactly (docs/disclosure.md).
"""
