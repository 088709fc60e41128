"""The plain objects a view is made of: tables as people read them and headline figures.

Nothing here draws: pages (wpc.ui.widgets), workshop screens, packs (wpc.export.pack) and
`wpc report` render these as they need.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wpc.access import Access
from wpc.measures.scope import Scope
from wpc.presets import Preset
from wpc.views.format import listed

SLIDE_ROWS = 8  # rows of a table that fit beside a chart on a slide; the full table is in the CSV


@dataclass(frozen=True)
class Table:
    """A table as people read it: display column names, counts ('*' when hidden), shares as
    0-1 fractions listed in `percent_columns`, rates and gaps in `one_decimal_columns`.
    `threshold`: the suppression threshold, for the footnote when a count is hidden (None: the
    table holds no counts of people)."""

    name: str  # file name stem and widget key, e.g. "core20-by-place"
    title: str
    frame: pd.DataFrame
    percent_columns: tuple[str, ...] = ()
    one_decimal_columns: tuple[str, ...] = ()
    slide_columns: tuple[str, ...] | None = None  # the columns shown beside a chart (default: all)
    threshold: int | None = None

    def on_slide(self, rows: int = SLIDE_ROWS) -> pd.DataFrame:
        columns = list(self.slide_columns or self.frame.columns)
        return self.frame[columns].head(rows)

    @property
    def empty(self) -> bool:
        return self.frame.empty


@dataclass(frozen=True)
class Metric:
    """One headline figure: its label, its value as text and what it means."""

    label: str
    value: str
    help: str | None = None


# ---------- what a person may see of the records a view lists (wpc.access)


def limit(access: Access | None, scope: Scope, records, column: str = "place"):
    """The records (a DataFrame, or a list of dicts) of a resolved `scope` that `access` lets
    the person see; access None = every record (the command line, for whoever holds the
    database file). Aggregates are never limited: only lists of records are."""
    return records if access is None else access.limit(records, scope.preset, scope.place, column)


def records_name(access: Access | None, preset: Preset, place: str | None) -> str:
    """What the listed records cover, in words: the place or ICS, or the person's own places
    when the whole ICS is chosen but their access covers only some of it."""
    places = None if access is None else access.record_places(preset.id, place)
    if place or places is None:
        return place or preset.name
    names = [name for name in preset.place_names if name in places]
    return listed(names) if names else preset.name
