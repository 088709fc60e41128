"""Change over time (docs/methods.md section 18) as people read it: the Core20 share's change
from the baseline period to the latest in one sentence, and a table of the change of each share
of a dimension. Reach gaps, workshop mode, the place pack and `wpc report` write the same words
from the same measure (wpc.measures.change)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from wpc import measures, vocab
from wpc.measures import change as measure
from wpc.measures.scope import Scope
from wpc.views.format import day, pct
from wpc.views.parts import Table

CHANGE_COLUMNS = ("Baseline share", "Latest share")
POINT_COLUMNS = ("Change (points)", "95% CI from", "95% CI to")


@dataclass(frozen=True)
class Change:
    """The change of a scope's shares between two periods; `empty` when there is no baseline."""

    empty: bool
    sentence: str  # the Core20 share's change, or why there is none
    periods: str  # 'Baseline 1 Apr 2024 to 31 Mar 2025; latest 1 Apr 2025 to 31 Mar 2026.'
    table: Table | None  # every share of the dimension asked for
    items: tuple[dict, ...] = ()  # wpc.measures.change items, Core20 first


def period_words(start, end) -> str:
    return f"{day(start)} to {day(end)}"


def latest_words(scope: Scope) -> str:
    """The latest period in words, however much of it is chosen."""
    if scope.date_from and scope.date_to:
        return period_words(scope.date_from, scope.date_to)
    if scope.date_from:
        return f"from {day(scope.date_from)}"
    return f"up to {day(scope.date_to)}" if scope.date_to else "all activities"


def change_sentence(item: dict, scope_name: str) -> str:
    """One share's change in words (pure): 'Core20 share of participants in Thurrock rose from
    12.1% to 15.4%, a rise of 3.3 points (95% CI 1.0 to 5.6): improved.'"""
    what = ("Core20 share of participants" if item["measure"] == "core20_share"
            else f"share of participants in {item['name']}")
    old, new = item["baseline"], item["latest"]
    if item["difference"] is None:
        why = ("a count behind it is hidden (*) to protect privacy" if item["hidden"]
               else "one of the periods has too few participants with a known answer")
        return f"Whether the {what} in {scope_name} changed cannot be shown: {why}."
    size = 100 * item["difference"]
    if round(size, 1) == 0:
        moved, verb = "no change in the point estimate", "was"
    else:
        moved = f"a {'rise' if size > 0 else 'fall'} of {abs(size):.1f} points"
        verb = "rose" if size > 0 else "fell"
    what = what[0].upper() + what[1:]
    words = (f"{what} in {scope_name} {verb} from {pct(old['value'])} to {pct(new['value'])}"
             if verb != "was" else f"{what} in {scope_name} was {pct(old['value'])} and {pct(new['value'])}")
    interval = f"95% CI {100 * item['ci_low']:.1f} to {100 * item['ci_high']:.1f}"
    return f"{words}, {moved} ({interval}): {item['label']}."


def change_table(items: list[dict], name: str, title: str, threshold: int | None) -> Table:
    """The change of each share (pure): baseline and latest share, the change in points with its
    95% interval, and the label; '–' where a change is withheld."""
    def points(value):
        return None if value is None else round(100 * value, 1)
    frame = pd.DataFrame({
        "Category": [i["name"] for i in items],
        "Baseline participants": [i["baseline"]["x"] for i in items],
        "Baseline share": [i["baseline"]["value"] for i in items],
        "Latest participants": [i["latest"]["x"] for i in items],
        "Latest share": [i["latest"]["value"] for i in items],
        "Change (points)": [points(i["difference"]) for i in items],
        "95% CI from": [points(i["ci_low"]) for i in items],
        "95% CI to": [points(i["ci_high"]) for i in items],
        "Change": [i["label"] or ("hidden (*)" if i["hidden"] else "–") for i in items],
    })
    return Table(name, title, frame, CHANGE_COLUMNS, POINT_COLUMNS,
                 slide_columns=("Category", "Baseline share", "Latest share", "Change (points)", "Change"),
                 threshold=threshold)


def change(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Scope | None,
           dimension: str = "imd_quintile", disclosure: str = "suppress") -> Change:
    """The Core20 share's change and each share of `dimension`, from `baseline` to `scope`'s period."""
    if baseline is None:
        return Change(True, "No baseline period to compare with: choose a period with a start and an "
                      "end (it is then compared with the same length just before), or a baseline period.",
                      "", None)
    resolved = measures.resolve(con, scope)
    dimensions = ("imd_quintile",) if dimension == "imd_quintile" else ("imd_quintile", dimension)
    items = measure.change(con, scope, baseline, disclosure, dimensions)
    core20 = next(i for i in items if i["measure"] == "core20_share")
    shown = [i for i in items if i["dimension"] == dimension]
    periods = (f"Baseline {period_words(baseline.date_from, baseline.date_to)}; latest "
               f"{latest_words(scope)}.")
    label = vocab.DIMENSION_LABELS[dimension]
    return Change(False, change_sentence(core20, resolved.name), periods,
                  change_table(shown, f"change-{dimension.replace('_', '-')}", f"Change: {label}",
                               resolved.threshold),
                  tuple(items))
