"""`wpc report`: every measure of docs/methods.md for one scope, as one dict (section 13).

`build_report` composes the measure functions into one dict (JSON-ready: shares as fractions,
None for what cannot be computed or is withheld, "*" for suppressed counts); the text people
read is written from it by wpc.views.report. A protected report is kept beside the database
(wpc.measures.kept): the same report asked for again on the same data and day is read, not
worked out again.
"""

from __future__ import annotations

import duckdb

from wpc.measures.activity import cost, cycle, feedback, ics_wide, ladder, partners, what_works
from wpc.measures.areas import LEVELS, area_rates, cold_spots, coverage, gradient
from wpc.measures.change import change
from wpc.measures.fatigue import fatigue
from wpc.measures.geography import geography
from wpc.measures.plans import plans_report
from wpc.measures.plain import plain, records
from wpc.measures import kept
from wpc.measures.prepare import STEPS, begin, resolved_scope
from wpc.measures.quality import quality
from wpc.measures.reach import core20_from, participants, reach_all
from wpc.measures.scope import Scope
from wpc.measures.targets import targets


def build_report(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress",
                 baseline: Scope | None = None) -> dict:
    """The full report for `scope` (the keys of docs/methods.md section 13); `change` compares it
    with `baseline` (section 18), null when there is none."""
    if disclosure == "off":  # counts before protection are never kept on disk
        return _work_out(con, scope, disclosure, baseline)
    state = kept.state(con)
    key = kept.report_key(resolved_scope(con, scope), disclosure,
                          None if baseline is None else resolved_scope(con, baseline))
    found = kept.load_report(state, key)
    if found is not None:
        return found
    report = _work_out(con, scope, disclosure, baseline)
    kept.save_report(state, key, report)
    return report


def _work_out(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str, baseline: Scope | None) -> dict:
    resolved, policy = begin(con, scope, disclosure, *STEPS)
    covered = coverage(con, scope, disclosure)
    reached = reach_all(con, scope, disclosure)
    s = resolved.scope
    return plain({
        "scope": {
            "preset": s.preset,
            "ics": resolved.preset.name,
            "place": s.place,
            "name": resolved.name,
            **s.choices(),
            "today": resolved.today,
            "lsoas": covered["lsoas"],
            "residents": covered["residents"],
        },
        "disclosure": policy.as_dict(),
        "participants": participants(con, scope, disclosure),
        "core20": core20_from(reached),
        "reach": records(reached),
        "coverage": {k: covered[k] for k in (
            "core20_lsoas", "core20_lsoas_reached", "share", "participants_living_here",
            "rate_per_1000", "rate_ci_low", "rate_ci_high")},
        "cold_spots": records(cold_spots(con, scope, disclosure)),
        "rates": {level: records(area_rates(con, scope, level, disclosure)) for level in LEVELS},
        "gradient": gradient(con, scope, disclosure),
        "fatigue": fatigue(con, scope, disclosure),
        "ladder": records(ladder(con, scope, disclosure)),
        "cycle": records(cycle(con, scope, disclosure)),
        "feedback": feedback(con, scope, disclosure),
        "cost": cost(con, scope, disclosure),
        "what_works": what_works(con, scope, disclosure),
        "quality": quality(con, scope, disclosure),
        "ics_wide": ics_wide(con, scope, disclosure),
        "geography": geography(con, scope, disclosure),
        "partners": records(partners(con, scope, disclosure)),
        "plans": plans_report(con, scope, disclosure),
        "change": None if baseline is None else change(con, scope, baseline, disclosure),
        "targets": targets(con, scope, disclosure),
    })
