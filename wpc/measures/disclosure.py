"""Disclosure control (docs/methods.md section 10), in one place: every count of people leaving the engine passes here.

Three modes:

- `suppress` (default, screens): a count from 1 to the preset's threshold (7) is shown as
  "*" and its share, ratio and interval are withheld. Where exactly one category of a table
  is suppressed, the next smallest non-zero category ("unknown" included) is suppressed
  too, so the small one cannot be worked out by subtraction from a total.
- `publish` (`--publish`, exports): as `suppress`, and every other count is rounded to the
  nearest 5; shares, intervals and rates are then computed from the rounded counts.
- `off` (`--no-suppress`, an analyst's local use only): nothing is hidden and the output
  says so in words.

Zero is shown as 0: it discloses nothing about a person. Counts of areas, activities and
money are not counts of people and are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SUPPRESSED = "*"
MODES = ("suppress", "publish", "off")


def round_to_5(counts) -> np.ndarray:
    """Nearest multiple of 5 (whole numbers never tie): 12 -> 10, 13 -> 15, 0 -> 0."""
    c = np.asarray(counts, dtype=float)
    return (np.floor(c / 5 + 0.5) * 5).astype(np.int64)


@dataclass(frozen=True)
class Protected:
    """Counts after disclosure control. `values` are what statistics are computed from
    (exact, or rounded in publish mode); `suppressed` marks cells shown as "*"."""

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
    def note(self) -> str:
        """The words every output carries about how its numbers were protected."""
        t = self.threshold
        hidden = (
            f"Counts of 1 to {t} people are shown as * with their shares and intervals withheld, "
            "and where one category of a table is hidden the next smallest is hidden too, "
            "so that none can be worked out by subtraction."
        )
        if self.mode == "suppress":
            return "Disclosure control is on. " + hidden
        if self.mode == "publish":
            return (
                "Disclosure control is on, in publication mode. " + hidden + " Every other count of "
                "people is rounded to the nearest 5, and shares and rates are computed from the "
                "rounded counts."
            )
        return (
            "DISCLOSURE CONTROL IS OFF: small counts of people are shown exactly as they are. "
            "This output is for local analysis only; do not share, publish or export it."
        )

    def as_dict(self) -> dict:
        return {"mode": self.mode, "threshold": self.threshold, "note": self.note}

    def protect(self, counts, complementary: bool = True) -> Protected:
        """Protect the counts of one table (the categories of one dimension, the LSOAs of one
        area...). `complementary=False` for counts that are not parts of a shown whole."""
        c = np.asarray(counts, dtype=np.int64).reshape(-1)
        if self.mode == "off":
            return Protected(values=c.copy(), suppressed=np.zeros(len(c), dtype=bool))
        hidden = (c >= 1) & (c <= self.threshold)
        if complementary and hidden.sum() == 1:
            candidates = np.flatnonzero(~hidden & (c > 0))
            if len(candidates):
                hidden[candidates[np.argmin(c[candidates])]] = True
        values = round_to_5(c) if self.mode == "publish" else c.copy()
        return Protected(values=values, suppressed=hidden)

    def protect_one(self, count: int) -> tuple[int, bool]:
        """A single count: (value for statistics, suppressed?)."""
        protected = self.protect([count], complementary=False)
        return int(protected.values[0]), bool(protected.suppressed[0])

    def show_one(self, count: int) -> int | str:
        """A single count as a reader sees it."""
        return self.protect([count], complementary=False).shown()[0]

    def total(self, count: int) -> int:
        """A denominator for shares: rounded in publish mode (shares from rounded counts)."""
        return int(round_to_5([count])[0]) if self.mode == "publish" else int(count)
