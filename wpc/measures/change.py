"""Change over time (docs/methods.md section 18): each headline share in a baseline period
against the latest period, the difference with Newcombe's 95% interval and a plain label, and
the chi-squared test for trend across quarters.

Both periods' shares are reach tables protected as the counts of their own period
(docs/disclosure.md rule 7), and every difference is computed from those protected counts, so
it is the difference of the two shares shown. A difference built from a hidden count is hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pandas as pd

from wpc import vocab
from wpc.measures import stats
from wpc.measures.disclosure import SUPPRESSED
from wpc.measures.prepare import begin
from wpc.measures.reach import reach_by_dimension, share_of
from wpc.measures.scope import Scope, ScopeError

IMPROVED, WORSENED, NO_CLEAR_CHANGE, ROSE, FELL = "improved", "worsened", "no clear change", "rose", "fell"
CORE20 = ("imd_quintile", "1")


def default_baseline(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before `date_from`..`date_to` (both ends counted). A
    period of whole calendar months is matched by as many whole months (Jul-Sep 2026 gives Apr-Jun
    2026; Apr 2025-Mar 2026 gives Apr 2024-Mar 2025); any other by as many days."""
    baseline_to = date_from - dt.timedelta(days=1)
    if date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        start = date_from.year * 12 + date_from.month - 1 - months
        return dt.date(start // 12, start % 12 + 1, 1), baseline_to
    return baseline_to - (date_to - date_from), baseline_to


def baseline_scope(scope: Scope, compare_from: dt.date | None = None,
                   compare_to: dt.date | None = None) -> Scope | None:
    """The baseline period's scope: the latest `scope` with the dates `compare_from`..`compare_to`,
    else, when the scope's period has both ends, the same length just before it; None when
    neither can be had. One end of the baseline without the other is refused."""
    if (compare_from is None) != (compare_to is None):
        raise ScopeError("give both ends of the baseline period (--compare-from and --compare-to), "
                         "or neither")
    if compare_from is None:
        if scope.date_from is None or scope.date_to is None:
            return None
        compare_from, compare_to = default_baseline(scope.date_from, scope.date_to)
    if compare_from > compare_to:
        raise ScopeError(f"the baseline period is reversed: {compare_from.isoformat()} is after "
                         f"{compare_to.isoformat()}")
    return replace(scope, date_from=compare_from, date_to=compare_to)


def better_direction(dimension: str, category: str, baseline_flag: str | None) -> int | None:
    """Which way a share should move (pure): +1 for the Core20 share and for PLUS groups (the
    people engagement sets out to reach: more is better); for any other category, towards its
    residents' share: +1 when the baseline was below it, -1 when above; None (no better way)
    when the baseline was within chance of it or there is no residents' share."""
    if (dimension, category) == CORE20 or dimension == "inclusion_group":
        return 1
    return {"under": 1, "over": -1}.get(baseline_flag)


def change_label(ci_low: float | None, ci_high: float | None, better: int | None) -> str | None:
    """The plain label of a change (pure): 'no clear change' when its 95% interval includes 0;
    otherwise 'improved' or 'worsened' when one way is better (`better_direction`), else 'rose' or
    'fell'. None when the change cannot be computed."""
    if ci_low is None or ci_high is None:
        return None
    if ci_low <= 0 <= ci_high:
        return NO_CLEAR_CHANGE
    direction = 1 if ci_low > 0 else -1
    if better is None:
        return ROSE if direction > 0 else FELL
    return IMPROVED if direction == better else WORSENED


def _side(row: dict, known, scope: Scope, show_denominator: bool) -> dict:
    """One period's share: value (as shown), x (participants in the category as shown), n (the
    number the share is of: shown only with disclosure control off, docs/disclosure.md), dates."""
    value = row["engaged_share"]
    return {
        "value": None if value is None or pd.isna(value) else float(value),
        "x": row["engaged"],
        "n": known if show_denominator else None,
        "from": scope.date_from,
        "to": scope.date_to,
    }


def _counted(side: dict, known) -> tuple[int, int] | None:
    """The protected counts (x, n) behind a share, None when either is hidden or there is no share."""
    if side["value"] is None or side["x"] == SUPPRESSED or known in (None, SUPPRESSED) or pd.isna(known):
        return None
    n = int(known)
    return (min(int(side["x"]), n), n) if n > 0 else None


def share_change(measure: str, row_baseline: dict, known_baseline, row_latest: dict, known_latest,
                 baseline: Scope, latest: Scope, policy) -> dict:
    """The change of one share from the baseline period to the latest (pure): difference =
    latest share - baseline share as shown, Newcombe's hybrid score 95% interval
    (stats.newcombe_difference) from the protected counts behind them, and the label.
    Withheld (None, with `hidden`) when a count behind either share is hidden."""
    show_denominator = not policy.on
    old = _side(row_baseline, known_baseline, baseline, show_denominator)
    new = _side(row_latest, known_latest, latest, show_denominator)
    dimension, category = row_latest["dimension"], row_latest["category"]
    better = better_direction(dimension, category, row_baseline.get("flag"))
    result = {"measure": measure, "dimension": dimension, "category": category, "name": row_latest["label"],
              "baseline": old, "latest": new, "difference": None, "ci_low": None, "ci_high": None,
              "label": None, "better": better, "hidden": False}
    before, after = _counted(old, known_baseline), _counted(new, known_latest)
    if before is None or after is None:
        hidden = any(v == SUPPRESSED for v in (old["x"], new["x"], known_baseline, known_latest))
        return {**result, "hidden": hidden}
    found = stats.newcombe_difference(*after, *before)
    # + 0.0 turns a rounded -0.0 into 0.0; the label reads the interval as it is shown
    low, high = policy.share(found.ci_low) + 0.0, policy.share(found.ci_high) + 0.0
    # the difference of the two shares as shown, so that the words add up (12.1% to 15.4%: 3.3 points)
    return {**result, "difference": policy.share(new["value"] - old["value"]) + 0.0, "ci_low": low,
            "ci_high": high, "label": change_label(low, high, better)}


def change(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Scope, disclosure: str = "suppress",
           dimensions=tuple(vocab.DIMENSIONS)) -> list[dict]:
    """Each headline share of `scope` (the latest period) against `baseline` (the same scope in
    the baseline period): first the Core20 share of participants (measure 'core20_share'), then
    every other category of `dimensions` ('reach_share'); see `share_change`."""
    _resolved, policy = begin(con, scope, disclosure)
    latest_tables = reach_by_dimension(con, scope, dimensions, disclosure)
    baseline_tables = reach_by_dimension(con, baseline, dimensions, disclosure)
    found = []
    for dimension in dimensions:
        latest, before = latest_tables[dimension], baseline_tables[dimension]
        old_rows = {row["category"]: row for row in before.to_dict("records")}
        for row in latest.to_dict("records"):
            category = row["category"]
            if category == vocab.UNKNOWN or category not in old_rows:
                continue
            measure = "core20_share" if (dimension, category) == CORE20 else "reach_share"
            found.append(share_change(measure, old_rows[category], share_of(before, category), row,
                                      share_of(latest, category), baseline, scope, policy))
    found.sort(key=lambda item: item["measure"] != "core20_share")
    return found


def quarter_trend(trend: pd.DataFrame) -> stats.Trend | None:
    """The chi-squared test for trend (stats.trend_test) across the quarters of a trend that
    have a share (`reach_trend` rows after `trend_rows`), from their protected counts, each
    quarter scored by its place in time (a quarter missing from the line keeps its place).
    None when fewer than three quarters have a share or a count behind one is hidden."""
    shown = trend[pd.to_numeric(trend["engaged_share"], errors="coerce").notna()]
    if len(shown) < 3:
        return None
    x, n, scores = [], [], []
    for row in shown.to_dict("records"):
        known = row.get("known")
        if row["engaged"] == SUPPRESSED or known in (None, SUPPRESSED) or pd.isna(known):
            return None
        n.append(int(known))
        x.append(min(int(row["engaged"]), int(known)))
        day = pd.Timestamp(row["quarter"])
        scores.append(day.year * 4 + (day.month - 1) // 3)
    return stats.trend_test(x, n, scores)
