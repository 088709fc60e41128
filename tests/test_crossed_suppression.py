"""Complementary suppression in the what-works family, where the same people are broken down
three crossing ways (method, organisation, partner type) for each place and the ICS: a small
count is protected by the counts the solver finds it can trade people with, not by hiding
ever larger counts beside it (docs/disclosure.md, rule 2)."""

import datetime as dt

from tests.conftest import DEMO_END
from wpc import db
from wpc.measures import families, kept
from wpc.measures.audit import ranges
from wpc.measures.families import ICS, _Builder
from wpc.measures.prepare import resolved_scope
from wpc.measures.scope import Scope

THRESHOLD = 7
BREAKDOWNS = ("method", "organisation", "organisation_type")
TYPE_OF = {"Council": "local_authority", "Healthwatch": "healthwatch", "Forum": "vcse"}
# (place, method, organisation): (Core20 participants, other participants)
GROUPS = {
    ("P", "survey", "Council"): (600, 10_000),
    ("P", "survey", "Healthwatch"): (500, 9_000),
    ("P", "drop-in", "Council"): (2, 40),  # the small count
    ("P", "workshop", "Council"): (15, 60),
    ("P", "workshop", "Healthwatch"): (30, 100),
    ("P", "interview", "Forum"): (12, 50),
    ("Q", "survey", "Council"): (400, 8_000),
    ("Q", "survey", "Forum"): (300, 4_000),
    ("Q", "drop-in", "Council"): (20, 60),
    ("Q", "workshop", "Council"): (25, 90),
    ("Q", "interview", "Forum"): (14, 70),
}


def crossed_family() -> families.Family:
    """What works as build_activities makes it: each group's Core20 and other participants
    are atoms; each place and the ICS show participants and Core20 by method, organisation and
    partner type, and the participants of all its activities; the ICS is the sum of its places."""
    b = _Builder("activities")
    places = ("P", "Q")
    for (place, method, organisation), (core20, other) in GROUPS.items():
        names = {"method": method, "organisation": organisation, "organisation_type": TYPE_OF[organisation]}
        for part, value in (("core20", core20), ("other", other)):
            a = b.atom(value, key=1)
            for scope in (place, ICS):
                b.add(("activities_total", scope), a)
                for breakdown in BREAKDOWNS:
                    b.add(("what_works", breakdown, scope, names[breakdown], "participants"), a)
                    if part == "core20":
                        b.add(("what_works", breakdown, scope, names[breakdown], "core20"), a)
    for breakdown in BREAKDOWNS:
        names = {c[3] for c in b.cell_atoms if c[0] == "what_works" and c[1] == breakdown}
        for name in names:
            for part in ("participants", "core20"):
                b.equation(("what_works", breakdown, ICS, name, part),
                           [("what_works", breakdown, p, name, part) for p in places])
        for scope in (*places, ICS):
            b.equation(("activities_total", scope),
                       [("what_works", breakdown, scope, n, "participants") for n in sorted(names)])
    return b.build()


def test_a_small_count_is_protected_without_hiding_the_big_counts_beside_it():
    family = crossed_family()
    protected = families.protect_family(family, THRESHOLD)
    hidden = protected.hidden
    assert hidden[family.index[("what_works", "method", "P", "drop-in", "core20")]]
    # every hidden count still ranges over at least the threshold for a reader who knows
    # every shown count exactly (whole numbers)
    found = ranges(family, hidden, whole=True)
    assert found and all(r.width >= THRESHOLD for r in found.values())
    # the big counts stay shown: no count of 300 or more people is hidden
    big_hidden = [c for c, h, v in zip(family.cells, hidden, family.values) if h and v >= 300]
    assert big_hidden == []
    for scope in ("P", "Q", ICS):
        for part in ("participants", "core20"):
            assert not hidden[family.index[("what_works", "method", scope, "survey", part)]]


def test_demo_what_works_shows_its_largest_method_and_hides_nothing_a_reader_can_work_out(demo_db):
    end = dt.date.fromisoformat(DEMO_END)
    families.clear()
    kept.forget(demo_db)  # worked out here, with their atoms, not read from what another test kept
    with db.reading(demo_db) as con:
        for preset in ("sel", "mse", "hw"):
            resolved = resolved_scope(con, Scope(preset=preset, date_from=end - dt.timedelta(days=364),
                                                 date_to=end, today=end + dt.timedelta(days=1)))
            protected = families.get(con, resolved, "activities")
            family, hidden = protected.family, protected.hidden
            shown_hidden = hidden & family.shown
            found = ranges(family, hidden, wanted=shown_hidden, whole=True)
            assert all(r.width >= THRESHOLD for r in found.values()), preset
            methods = {c: family.values[i] for c, i in family.index.items()
                       if c[:3] == ("what_works", "method", ICS) and c[4] == "participants"}
            largest = max(methods, key=methods.get)
            for part in ("participants", "core20"):
                cell = (*largest[:4], part)
                assert not hidden[family.index[cell]], (preset, cell, int(family.values[family.index[cell]]))
