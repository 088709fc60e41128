"""The scope of a measure (docs/methods.md section 1): an ICS, optionally one place, a period and activity filters.

`Scope` is plain, frozen and hashable, so pages can pass it through `cache.call`. It is
checked twice: `Scope.parse` reads what people type (dates in ISO or UK form, blanks as
"no filter") without a database; `resolve` checks it against the database (the preset is
registered, the place is one of its places, the filter values are known codes) and returns
a `ResolvedScope` carrying the preset's thresholds. Every problem is a `ScopeError` whose
message says what is wrong and what would be right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, fields
from functools import cached_property

import duckdb

from wpc import db, presets, vocab
from wpc.presets import Preset

FILTERS = ("programme", "clinical_area", "method", "organisation", "target_group")


class ScopeError(ValueError):
    """A scope that cannot be measured: unknown preset or place, malformed or reversed dates,
    an unknown filter value. The message is meant for the person who typed it."""


def parse_date(value: str | dt.date | None, what: str) -> dt.date | None:
    """ISO (2025-04-01) or UK (01/04/2025) date; None or blank -> None; anything else -> ScopeError."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ScopeError(f"{what} {text!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-04-01")


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class Scope:
    """What to measure. place None = the whole ICS; dates bound the activity start date
    (both inclusive); today None = the date the measure is made (overdue feedback, fatigue)."""

    preset: str
    place: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    programme: str | None = None
    clinical_area: str | None = None
    method: str | None = None
    organisation: str | None = None
    target_group: str | None = None
    today: dt.date | None = None

    @classmethod
    def parse(cls, preset: str, place: str | None = None, date_from=None, date_to=None,
              today=None, **filters: str | None) -> Scope:
        """A scope from what people type: dates as text, blanks meaning no filter."""
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        scope = cls(
            preset=str(preset).strip(),
            place=_blank_to_none(place),
            date_from=parse_date(date_from, "--from date"),
            date_to=parse_date(date_to, "--to date"),
            today=parse_date(today, "--today date"),
            **{name: _blank_to_none(filters.get(name)) for name in FILTERS},
        )
        scope.check_dates()
        return scope

    def check_dates(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ScopeError(
                f"the period is reversed: --from {self.date_from.isoformat()} is after "
                f"--to {self.date_to.isoformat()}"
            )

    def choices(self) -> dict:
        """preset, place, date_from, date_to and the activity filters, as given (None when not set)."""
        return {name: getattr(self, name) for name in ("preset", "place", "date_from", "date_to", *FILTERS)}

    def as_dict(self) -> dict:
        """JSON-ready: dates as ISO text."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ResolvedScope:
    """A scope checked against the database, with canonical names, the preset and 'today'."""

    scope: Scope
    preset: Preset
    today: dt.date

    @property
    def place(self) -> str | None:
        return self.scope.place

    @property
    def name(self) -> str:
        """What people call the scope: the place, else the ICS."""
        return self.scope.place or self.preset.name

    @property
    def threshold(self) -> int:
        return self.preset.thresholds.suppression

    @property
    def window_end(self) -> dt.date:
        """Fatigue looks back from the end of the period if one is given, else from today."""
        return self.scope.date_to or self.today

    @property
    def window_start(self) -> dt.date:
        """First day of the fatigue window: N days ending on window_end, both inclusive."""
        return self.window_end - dt.timedelta(days=self.preset.thresholds.fatigue_window_days - 1)

    @cached_property
    def key(self) -> str:
        """Identifies everything the prepared scope tables depend on (worked out once: every
        measure asks for it)."""
        payload = {**self.scope.as_dict(), "today": self.today.isoformat(),
                   "thresholds": self.preset.thresholds.model_dump()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    def sql_params(self) -> dict:
        """The bound parameters every scope SQL file may name."""
        thresholds = self.preset.thresholds
        return {
            **self.scope.choices(),
            "today": self.today,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "feedback_window_days": thresholds.feedback_window_days,
            "fatigue_limit": thresholds.fatigue_limit,
        }


def resolve(con: duckdb.DuckDBPyConnection, scope: Scope) -> ResolvedScope:
    """Check `scope` against the database and return it with canonical names.

    Place and filter values are matched case-insensitively and replaced by their canonical
    spelling (place name as in the preset; clinical area, method and target group as codes).
    """
    scope.check_dates()
    preset = presets.registered_preset(con, scope.preset)
    if preset is None:
        known = presets.registered(con)
        raise ScopeError(
            f"no preset {scope.preset!r} in this database: registered presets are "
            f"{', '.join(sorted(known)) or 'none'}"
        )
    changes: dict = {}
    if scope.place is not None:
        by_name = {name.casefold(): name for name in preset.place_names}
        canonical = by_name.get(scope.place.casefold())
        if canonical is None:
            raise ScopeError(
                f"{scope.place!r} is not a place of {preset.name} ({preset.id}): its places are "
                f"{', '.join(preset.place_names)}"
            )
        changes["place"] = canonical
    if scope.clinical_area is not None:
        changes["clinical_area"] = _code(scope.clinical_area, vocab.CLINICAL_AREAS, "clinical area")
    if scope.method is not None:
        changes["method"] = _code(scope.method, {m: m for m in vocab.METHODS}, "method")
    if scope.target_group is not None:
        groups = {code: preset.group_label(code)
                  for code in (presets.CORE20, *vocab.INCLUSION_GROUPS, *preset.plus_groups)}
        changes["target_group"] = _code(scope.target_group, groups, "target group")
    for name in ("programme", "organisation"):
        value = getattr(scope, name)
        if value is not None:
            changes[name] = value.strip()
    resolved = Scope(**{**{f.name: getattr(scope, f.name) for f in fields(Scope)}, **changes})
    return ResolvedScope(scope=resolved, preset=preset, today=scope.today or dt.date.today())


def filter_options(con: duckdb.DuckDBPyConnection, preset: str, place: str | None = None,
                   date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> dict[str, dict[str, bool]]:
    """{filter: {value: in scope}} for every value each activity filter takes in a preset's
    activities: in scope when an activity of `place` (None: any) starting in the period has it."""
    rows = db.query(con, "queries/activity_filter_options", preset=preset, place=place,
                    date_from=date_from, date_to=date_to)
    return {name: dict(zip(rows.loc[rows["filter"] == name, "value"],
                           rows.loc[rows["filter"] == name, "in_scope"].astype(bool)))
            for name in FILTERS}


def _code(value: str, known: dict[str, str], what: str) -> str:
    """The code for a code or label typed in any case; ScopeError listing the codes otherwise."""
    wanted = value.strip().casefold()
    for code, label in known.items():
        if wanted in (code.casefold(), label.casefold()):
            return code
    raise ScopeError(f"{value!r} is not a known {what}: use one of {', '.join(known)}")
