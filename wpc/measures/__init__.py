"""The measures of docs/methods.md, computed once for every screen, export and `wpc report`.

Every function takes a DuckDB connection first, then a `Scope` and plain values, so pages
can call it through `wpc.ui.cache.call(fn, db_path, scope=..., ...)`. Counts come from SQL
(wpc/sql/intermediate, wpc/sql/measures); statistics from `stats`; every count of people
passes through `disclosure` (mode "suppress" by default, "publish", or "off").
"""

from wpc.measures.activity import co_design_share, cost, cycle, feedback, ladder, what_works
from wpc.measures.areas import area_rates, cold_spots, coverage, gradient
from wpc.measures.disclosure import Policy
from wpc.measures.fatigue import fatigue, fatigue_neighbourhoods, overlaps, repeat_participants
from wpc.measures.quality import quality
from wpc.measures.reach import core20, core20_places, participants, reach, reach_all, reach_trend
from wpc.measures.report import build_report
from wpc.measures.scope import ResolvedScope, Scope, ScopeError, resolve

__all__ = [
    "Policy", "ResolvedScope", "Scope", "ScopeError", "area_rates", "build_report", "co_design_share", "cold_spots",
    "core20", "core20_places", "cost", "coverage", "cycle", "fatigue", "fatigue_neighbourhoods", "feedback", "gradient",
    "ladder", "overlaps", "participants", "quality", "reach", "reach_all", "reach_trend",
    "repeat_participants", "resolve", "what_works",
]
