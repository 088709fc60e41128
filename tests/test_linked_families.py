"""Counts of the same people held by two families of counts (docs/disclosure.md, rule 2) are
protected together: hidden in both or neither, and protected by each family's own counts
wherever they are hidden."""

import datetime as dt

import numpy as np
import pytest

from tests.conftest import DEMO_END
from wpc import db
from wpc.measures import families, kept
from wpc.measures.audit import ranges
from wpc.measures.families import ICS, _Builder
from wpc.measures.prepare import resolved_scope
from wpc.measures.scope import Scope

THRESHOLD = 7


def _family(name: str, cells: dict[str, int], total: str) -> families.Family:
    """Cells, each one atom, and a total adding them up."""
    b = _Builder(name)
    atoms = {cell: b.atom(value, key=i + 1) for i, (cell, value) in enumerate(cells.items())}
    for cell, atom in atoms.items():
        b.add(cell, atom)
        b.add(total, atom)
    b.equation(total, list(cells))
    return b.build()


def _worked_out(family: families.Family, hidden: np.ndarray, cell: str) -> bool:
    found = ranges(family, hidden, wanted=np.array([c == cell for c in family.cells]))
    return found[family.index[cell]].width < THRESHOLD


def test_a_count_one_family_hides_is_hidden_and_protected_in_the_other():
    # "quality" hides its 3 and, as the complementary count, the linked 20; "area" has nothing
    # small, so on its own it shows the 20 and the 30 beside it, and 50 - 30 gives the 20 away
    area = _family("area", {"rows_no_home": 20, "returns": 30}, total="unknown_home")
    quality = _family("quality", {"home_area": 20, "invalid_postcodes": 3}, total="either")
    alone = families.protect_family(area, THRESHOLD)
    assert not alone.hidden.any()
    pairs = [(("area", "rows_no_home"), ("quality", "home_area"))]

    together = families.protect_linked({"area": area, "quality": quality}, THRESHOLD, pairs)

    assert together["quality"].hidden[quality.index["home_area"]]
    hidden = together["area"].hidden
    assert hidden[area.index["rows_no_home"]]
    assert not _worked_out(area, hidden, "rows_no_home")
    # hiding the linked count after the fact, and nothing beside it, leaves it worked out
    only_it = np.array([c == "rows_no_home" for c in area.cells])
    assert _worked_out(area, only_it, "rows_no_home")


def test_linked_protection_agrees_whichever_side_hides_first():
    area = _family("area", {"rows_no_home": 4, "returns": 30}, total="unknown_home")
    quality = _family("quality", {"home_area": 4, "unknown_age": 40}, total="either")
    pairs = [(("area", "rows_no_home"), ("quality", "home_area"))]
    together = families.protect_linked({"area": area, "quality": quality}, THRESHOLD, pairs)
    for kind, family in (("area", area), ("quality", quality)):
        hidden = together[kind].hidden
        assert hidden.sum() == 2  # the 4 and one complementary count (never the total while a child will do)
        for cell in np.array(family.cells)[hidden]:
            assert not _worked_out(family, hidden, cell)


@pytest.fixture(scope="module")
def demo_families(demo_db):
    """The three linked families of each preset's ICS, for the demo year and for its last
    quarter (a shorter period has more small counts)."""
    end = dt.date.fromisoformat(DEMO_END)
    out = {}
    kept.forget(demo_db)  # worked out here, with their atoms, not read from what another test kept
    with db.reading(demo_db) as con:
        for preset in ("sel", "mse", "hw"):
            for start in (end - dt.timedelta(days=364), dt.date(end.year, end.month - 2, 1)):
                resolved = resolved_scope(con, Scope(preset=preset, date_from=start, date_to=end,
                                                     today=end + dt.timedelta(days=1)))
                got = {kind: families.get(con, resolved, kind) for kind in families.LINKED}
                out[(preset, start)] = (got, resolved.preset.place_names)
    return out


def test_demo_linked_counts_are_hidden_in_both_families_or_neither(demo_families):
    checked = hidden_pairs = 0
    for (preset, start), (got, places) in demo_families.items():
        for (kind_a, cell_a), (kind_b, cell_b) in families.links(places):
            a, b = got[kind_a], got[kind_b]
            if not (a.has(cell_a) and b.has(cell_b)):
                continue
            i, j = a.family.index[cell_a], b.family.index[cell_b]
            # the same people: the same true count in both
            assert a.family.values[i] == b.family.values[j], (preset, start, cell_a, cell_b)
            assert a.hidden[i] == b.hidden[j], (preset, start, cell_a, cell_b)
            checked += 1
            hidden_pairs += bool(a.hidden[i])
            if a.hidden[i]:
                for protected, k in ((a, i), (b, j)):
                    cell = protected.family.cells[k]
                    assert not _worked_out(protected.family, protected.hidden, cell), (preset, start, cell)
    assert checked >= 20
    assert hidden_pairs >= 1  # the demo has linked counts hidden, so the check above ran


def test_participant_counts_and_data_quality_show_the_same_rows_with_no_home_area(demo_db):
    from wpc.measures.quality import quality
    from wpc.measures.reach import participants

    end = dt.date.fromisoformat(DEMO_END)
    with db.reading(demo_db) as con:
        for place in (None, "Lewisham", "Thurrock"):
            preset = "mse" if place == "Thurrock" else "sel"
            scope = Scope(preset=preset, place=place, date_from=dt.date(end.year, end.month - 2, 1), date_to=end,
                          today=end + dt.timedelta(days=1))
            counts = participants(con, scope)
            dq = quality(con, scope)
            home = next(row for row in dq["unknown_by_field"] if row["field"] == "home_area")
            assert counts["unknown_home_rows"] == home["unknown"], place
            assert counts["unknown_home_headcount"] == dq["participants_headcount_only"], place


def test_linked_families_are_built_together_once(demo_db):
    end = dt.date.fromisoformat(DEMO_END)
    with db.reading(demo_db) as con:
        resolved = resolved_scope(con, Scope(preset="hw", date_to=end, today=end + dt.timedelta(days=1)))
        quality = families.get(con, resolved, "quality")
        area = families.get(con, resolved, "area")
        assert families.get(con, resolved, "quality") is quality
        assert area.has(("unknown_home", ICS, "individual"))
