"""Disclosure control (docs/disclosure.md), in one place: every count of people leaving the
engine, and every statistic computed from counts, passes here.

Three modes:

- `suppress` (default, screens): a count from 1 to the preset's threshold (7) is shown as "*"
  and its share, ratio and interval are withheld; complementary counts are hidden with it
  until an exact solver finds that none of the hidden counts can be worked out from the
  counts shown beside it, across every hierarchy (`wpc.measures.audit`, on the families of
  counts of `wpc.measures.families`); every other count of people gets a small change keyed to
  the people it counts (`wpc.measures.cellkey`), so overlapping counts differ by noise, not by
  the people in one and not the other. Statistics are computed from the protected counts and
  shown to the precision a reader needs (`Policy.share`, `Policy.rate`, `Policy.index`, ...).
- `publish` (`--publish`, exports): as `suppress`, and every shown count is then rounded to
  the nearest 5; statistics come from the rounded counts.
- `off` (`--no-suppress`, an analyst's local use only): nothing is hidden or changed, the
  statistics keep full precision, and the output says so in words.

Zero is shown as 0: it discloses nothing about a person, and no other count is changed into
0. Counts of areas, activities and money are not counts of people and are shown as they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wpc.measures import cellkey

SUPPRESSED = "*"
MODES = ("suppress", "publish", "off")

# The precision statistics are shown to when disclosure control is on (docs/disclosure.md).
SHARE_DECIMALS = 3       # fractions: 0.1 of a percentage point
POINTS_DECIMALS = 1      # gaps in percentage points
RATIO_DECIMALS = 2
RATE_DECIMALS = 1        # per 1,000 residents
INDEX_FIGURES = 2        # SII, RII and the SII interval: significant figures
MONEY_DECIMALS = 0       # costs per participant: whole pounds


def round_to_5(counts) -> np.ndarray:
    """Nearest multiple of 5 (whole numbers never tie): 12 -> 10, 13 -> 15, 0 -> 0."""
    c = np.asarray(counts, dtype=float)
    return (np.floor(c / 5 + 0.5) * 5).astype(np.int64)


def significant(value: float | None, figures: int = INDEX_FIGURES) -> float | None:
    """`value` to `figures` significant figures (None and NaN stay None)."""
    if value is None or not math.isfinite(value):
        return None
    if value == 0:
        return 0.0
    digits = figures - 1 - math.floor(math.log10(abs(value)))
    return float(round(value, digits))


@dataclass(frozen=True)
class Protected:
    """Counts after disclosure control. `values` are what statistics are computed from
    (exact in `off` mode; perturbed, and rounded in publish mode, otherwise); `suppressed`
    marks counts shown as "*"."""

    values: np.ndarray
    suppressed: np.ndarray

    def shown(self) -> list:
        """What a reader sees: whole numbers, or "*"."""
        return [SUPPRESSED if hidden else int(v) for v, hidden in zip(self.values, self.suppressed)]


@dataclass(frozen=True)
class Policy:
    """How counts of people are protected: mode and threshold (the preset's `suppression`)."""

    mode: str = "suppress"
    threshold: int = 7

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"disclosure mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.threshold < 0:
            raise ValueError("the suppression threshold cannot be negative")

    @property
    def on(self) -> bool:
        return self.mode != "off"

    @property
    def note(self) -> str:
        """The words every output carries about how its numbers were protected."""
        if not self.on:
            return (
                "DISCLOSURE CONTROL IS OFF: small counts of people are shown exactly as they are. "
                "This output is for local analysis only; do not share, publish or export it."
            )
        t = self.threshold
        words = (
            f"Disclosure control is on{', in publication mode' if self.mode == 'publish' else ''}. "
            f"Counts of 1 to {t} people are shown as *, with their shares and intervals withheld, and "
            "other counts are hidden with them where the hidden ones could otherwise be worked out. "
            f"Small changes are made to protect privacy: every other count of people may differ from "
            f"the true count by up to {cellkey.MAX_CHANGE}, the same way wherever it appears, so "
            "figures need not add up exactly."
        )
        if self.mode == "publish":
            words += " Counts are then rounded to the nearest 5."
        return words + " Shares, rates and indices are worked out from the protected counts."

    @property
    def short_note(self) -> str:
        """One line for the foot of a table, slide or page."""
        if not self.on:
            return "DISCLOSURE CONTROL IS OFF: small counts shown exactly. For local analysis only; do not share."
        publish = self.mode == "publish"
        return (f"Disclosure control{' (publication mode)' if publish else ''}: counts of 1 to {self.threshold} "
                f"people shown as *; small changes (up to {cellkey.MAX_CHANGE}) made to other counts to protect "
                f"privacy{'; then rounded to the nearest 5' if publish else ''}.")

    def as_dict(self) -> dict:
        out = {"mode": self.mode, "threshold": self.threshold, "note": self.note}
        if self.on:
            out["perturbation"] = {"max_change": cellkey.MAX_CHANGE, "variance": cellkey.VARIANCE,
                                   "key_range": cellkey.KEY_RANGE}
        return out

    # ---------- counts

    def _finish(self, values: np.ndarray, hidden: np.ndarray) -> Protected:
        if self.mode == "publish":
            values = np.where(hidden, values, round_to_5(values))
        return Protected(values=np.asarray(values, dtype=np.int64), suppressed=np.asarray(hidden, dtype=bool))

    def cells(self, family: Callable[[], object] | object, ids: list, exact) -> Protected:
        """The protected counts `ids` of a family of counts (wpc.measures.families); `exact`
        are the same counts as the measure computed them, which must agree with the family's
        (they are the same people). `family` may be a callable, so that `off` mode builds none."""
        exact = np.asarray(exact, dtype=np.int64).reshape(-1)
        if not self.on:
            return Protected(values=exact.copy(), suppressed=np.zeros(len(exact), dtype=bool))
        protected = family() if callable(family) else family
        true, perturbed, hidden = protected.lookup(list(ids))
        if not np.array_equal(true, exact):
            wrong = [(i, int(t), int(e)) for i, t, e in zip(ids, true, exact) if t != e][:3]
            raise AssertionError(f"disclosure control and the measure count different people: {wrong}")
        return self._finish(perturbed, hidden)

    def protect(self, counts, complementary: bool = True, keys=None) -> Protected:
        """The counts of one table that no family of counts holds (areas below place, a plan's
        neighbourhoods, a PLUS group derived from an answer): counts of 1 to the threshold are
        hidden, with the smallest other count when only one would be (`complementary=False` for
        counts that are not parts of a shown whole); with `keys` (each count's sum of record
        keys) every other count gets its cell-key change, as in a family."""
        c = np.asarray(counts, dtype=np.int64).reshape(-1)
        if not self.on:
            return Protected(values=c.copy(), suppressed=np.zeros(len(c), dtype=bool))
        hidden = (c >= 1) & (c <= self.threshold)
        if complementary and hidden.sum() == 1:
            candidates = np.flatnonzero(~hidden & (c > 0))
            if len(candidates):
                hidden[candidates[np.argmin(c[candidates])]] = True
        values = c.copy() if keys is None else cellkey.perturb(c, np.asarray(keys, dtype=np.int64).reshape(-1),
                                                               self.threshold)
        return self._finish(values, hidden)

    def total(self, count: int) -> int:
        """A denominator for shares: rounded in publish mode (shares from rounded counts)."""
        return int(round_to_5([count])[0]) if self.mode == "publish" else int(count)

    def one(self, count: int, key: int) -> Protected:
        """A count of people that no other shown count adds up with (one table of one cell):
        hidden if 1 to the threshold, otherwise perturbed by its cell key."""
        c = np.array([int(count)], dtype=np.int64)
        if not self.on:
            return Protected(values=c, suppressed=np.zeros(1, dtype=bool))
        hidden = (c >= 1) & (c <= self.threshold)
        return self._finish(cellkey.perturb(c, [int(key)], self.threshold), hidden)

    def show_one(self, count: int, key: int) -> int | str:
        return self.one(count, key).shown()[0]

    # ---------- statistics, to the precision a reader needs

    def _round(self, value, decimals: int):
        if value is None:
            return None
        value = float(value)
        if not math.isfinite(value):
            return None
        return value if not self.on else round(value, decimals)

    def share(self, value):
        return self._round(value, SHARE_DECIMALS)

    def points(self, value):
        return self._round(value, POINTS_DECIMALS)

    def ratio(self, value):
        return self._round(value, RATIO_DECIMALS)

    def rate(self, value):
        return self._round(value, RATE_DECIMALS)

    def money(self, value):
        return self._round(value, MONEY_DECIMALS)

    def index(self, value):
        """SII, RII and the SII interval."""
        if value is None or not math.isfinite(float(value)):
            return None
        return float(value) if not self.on else significant(float(value), INDEX_FIGURES)
