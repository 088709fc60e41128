"""How a scope is named for people: the place (or ICS), the period in words and every active
filter, in page titles, sentences and download file names, so a number is never read without
what it covers (docs/dashboard.md, "The scope always in view")."""

from __future__ import annotations

import datetime as dt
import re

from wpc import vocab
from wpc.measures.scope import FILTERS, Scope
from wpc.presets import Preset
from wpc.views.format import day

FILTER_LABELS = {
    "programme": "Programme",
    "clinical_area": "Clinical area",
    "method": "Method",
    "organisation": "Organisation",
    "target_group": "Target group",
}
ALL_DATES = "all dates"


def capital(text: str) -> str:
    """'focus group' -> 'Focus group' (only the first letter changes: 'NHS app' stays)."""
    text = str(text)
    return text[:1].upper() + text[1:]


def filter_value(name: str, value: str, preset: Preset) -> str:
    """A filter's value as people read it: clinical area and target group codes by their labels,
    method names with a capital."""
    if name == "clinical_area":
        return vocab.CLINICAL_AREAS.get(value, value)
    if name == "target_group":
        return preset.group_label(value)
    if name == "method":
        return capital(value)
    return value


def period(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """'1 Apr 2025 to 30 Sep 2025', 'from 1 Apr 2025', 'up to 30 Sep 2025' or 'all dates'."""
    if date_from and date_to:
        return f"{day(date_from)} to {day(date_to)}"
    if date_from:
        return f"from {day(date_from)}"
    if date_to:
        return f"up to {day(date_to)}"
    return ALL_DATES


def in_period(scope: Scope) -> str:
    """The period to end a sentence with: 'in the period 1 Apr 2025 to 30 Sep 2025', 'in the period
    from 1 Apr 2025', 'in the period up to 30 Sep 2025' or 'across all dates'."""
    if scope.date_from or scope.date_to:
        return f"in the period {period(scope.date_from, scope.date_to)}"
    return f"across {ALL_DATES}"


def filters(scope: Scope, preset: Preset) -> list[str]:
    """Every active activity filter: ['Programme: Mental health', 'Method: Survey']."""
    return [f"{FILTER_LABELS[name]}: {filter_value(name, getattr(scope, name), preset)}"
            for name in FILTERS if getattr(scope, name)]


def place_name(scope: Scope, preset: Preset) -> str:
    """'Lewisham (South East London)' or 'South East London (all places)'."""
    return f"{scope.place} ({preset.name})" if scope.place else f"{preset.name} (all places)"


def scope_line(scope: Scope, preset: Preset, period_applies: bool = True, filters_apply: bool = True) -> str:
    """'Lewisham (South East London) · 1 Apr 2025 to 30 Sep 2025 · Programme: Mental health'.
    What a page does not use is left out, and said to be left out when it is set."""
    parts = [place_name(scope, preset)]
    if period_applies:
        parts.append(capital(period(scope.date_from, scope.date_to)))
    if filters_apply:
        parts += filters(scope, preset)
    ignored = []
    if not period_applies and (scope.date_from or scope.date_to):
        ignored.append("period")
    if not filters_apply and filters(scope, preset):
        ignored.append("activity filters")
    line = " · ".join(parts)
    if ignored:
        verb = "does" if ignored == ["period"] else "do"
        line += f" (the sidebar's {' and '.join(ignored)} {verb} not apply here)"
    return line


def slug(text: str) -> str:
    """'South East London' -> 'south-east-london'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def file_stem(kind: str, scope: Scope, preset: Preset, period_applies: bool = True,
              filters_apply: bool = True) -> str:
    """'wpc-pack-lewisham-2025-04-01-to-2025-09-30-mental-health' for a download of `kind`:
    the place (or ICS), the period ('all-dates' when none) and every active filter's value."""
    parts = ["wpc", kind, scope.place or preset.name]
    if period_applies:
        if scope.date_from or scope.date_to:
            parts.append(f"{scope.date_from.isoformat() if scope.date_from else 'start'}-to-"
                         f"{scope.date_to.isoformat() if scope.date_to else 'now'}")
        else:
            parts.append("all-dates")
    if filters_apply:
        parts += [filter_value(name, getattr(scope, name), preset)
                  for name in FILTERS if getattr(scope, name)]
    return "-".join(filter(None, (slug(part) for part in parts)))
