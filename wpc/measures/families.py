"""The families of counts of people wpc shows, each protected once for an ICS, a period and
activity filters, so that every output showing any of a family's counts shows the same
protected numbers (docs/disclosure.md, "One mechanism").

A family holds every count that outputs can put side by side for the whole ICS and each of
its places, whatever page, pack or report shows them:

- `area`: participants by home neighbourhood (LSOA), neighbourhood (MSOA), place and ICS;
  by national IMD decile and quintile of each place and the ICS; the participant counts
  (total, living here, outside the ICS, home unknown, and the home unknown by where the count
  came from: individual rows, aggregated returns, headcounts).
- `dimension` (one per census dimension, ethnicity with its groups; inclusion groups): each
  category and 'unknown' for each place and the ICS.

A trend by quarter asks for the families of each quarter's own period.
- `activities`: what works by method, organisation and partner type, cost and where participants come from,
  for each place and the ICS (one activity's own count is a record of its own: see
  docs/disclosure.md).
- `quality`: unknown answers and postcode problems for each place and the ICS.

Each is built from the whole ICS's scope tables (on a cursor of the caller's connection, which
has its own temporary tables), protected by `audit.complete` (complementary suppression) and
`cellkey.perturb`, and kept for the connection, or for the process when scope tables are
shared (`wpc.measures.shared`), and on disk beside the database file for later processes
(`wpc.measures.kept`). Measures read their protected counts through `Policy.cells`.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse

from wpc import db, vocab
from wpc.measures import cellkey, kept, shared
from wpc.measures.audit import Family, complete
from wpc.measures.prepare import prepare, resolved_scope
from wpc.measures.scope import ResolvedScope

ICS = None  # the scope key of the whole ICS in cell names (a place is its name)
ELSEWHERE = "\x00ICS-wide"  # activities held for the ICS as a whole (no place of their own)
IMD_CATEGORIES = ("1", "2", "3", "4", "5", "unknown")
SOURCES = ("individual", "returns", "headcount")  # where an activity's participant count came from
DIMENSION_FAMILIES = {
    "ethnicity": ("ethnicity", "ethnicity_group"),
    "ethnicity_group": ("ethnicity", "ethnicity_group"),
    "age_band": ("age_band",),
    "sex": ("sex",),
    "disability": ("disability",),
    "carer": ("carer",),
    "inclusion_group": ("inclusion_group",),
}
# what works is shown by each of these (docs/methods.md section 8)
WHAT_WORKS_BREAKDOWNS = ("method", "organisation", "organisation_type")
# everyone a multi-valued dimension counts comes from a single-valued one's totals
EVERYONE_FROM = "sex"


@dataclass
class ProtectedFamily:
    """A family with its hidden cells and perturbed values (before any rounding)."""

    family: Family
    hidden: np.ndarray
    perturbed: np.ndarray

    def has(self, cell) -> bool:
        return cell in self.family.index

    def lookup(self, cells: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(true values, perturbed values, hidden) of `cells`; a cell the family does not
        hold counts nobody (0, shown as 0)."""
        index = self.family.index
        positions = [index.get(c, -1) for c in cells]
        true = np.array([self.family.values[p] if p >= 0 else 0 for p in positions], dtype=np.int64)
        perturbed = np.array([self.perturbed[p] if p >= 0 else 0 for p in positions], dtype=np.int64)
        hidden = np.array([bool(self.hidden[p]) if p >= 0 else False for p in positions])
        return true, perturbed, hidden


class _Builder:
    """Collects atoms and cells of one family."""

    def __init__(self, name: str):
        self.name = name
        self.atom_values: list[int] = []
        self.atom_keys: list[int] = []
        self.cell_atoms: dict = {}
        self.shown: dict = {}
        self.equations: list[tuple] = []
        self.link_rows: list[dict[int, float]] = []
        self.link_at_most: list[bool] = []

    def atom(self, value: int, key: int) -> int:
        self.atom_values.append(int(value))
        self.atom_keys.append(int(key))
        return len(self.atom_values) - 1

    def add(self, cell, atom: int, shown: bool = True) -> None:
        # called some 100,000 times for a national ICS: one dict lookup in the common case
        atoms = self.cell_atoms.get(cell)
        if atoms is None:
            self.cell_atoms[cell] = {atom}
            self.shown[cell] = shown
            return
        atoms.add(atom)
        if shown and not self.shown[cell]:
            self.shown[cell] = True

    def cell(self, cell, shown: bool = True) -> None:
        self.cell_atoms.setdefault(cell, set())
        self.shown[cell] = self.shown.get(cell, False) or shown

    def equation(self, parent, children) -> None:
        children = [c for c in children if c in self.cell_atoms]
        if parent in self.cell_atoms and children:
            self.equations.append((parent, tuple(children)))

    def build(self) -> Family:
        cells = list(self.cell_atoms)
        position = {c: i for i, c in enumerate(cells)}
        atom_sets = [self.cell_atoms[c] for c in cells]
        sizes = np.fromiter((len(atoms) for atoms in atom_sets), dtype=np.int64, count=len(cells))
        rows = np.repeat(np.arange(len(cells)), sizes)
        cols = np.fromiter(itertools.chain.from_iterable(atom_sets), dtype=np.int64, count=int(sizes.sum()))
        n_atoms = len(self.atom_values)
        membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cells), n_atoms))
        link_r, link_c, link_v = [], [], []
        for r, row in enumerate(self.link_rows):
            for a, v in row.items():
                link_r.append(r)
                link_c.append(a)
                link_v.append(v)
        links = sparse.csr_matrix((link_v, (link_r, link_c)), shape=(len(self.link_rows), n_atoms))
        equations = []
        for parent, children in self.equations:
            equations.append((position[parent], tuple(position[c] for c in children)))
        at_most = self.link_at_most + [False] * (len(self.link_rows) - len(self.link_at_most))
        return Family(
            name=self.name, cells=cells, membership=membership,
            atom_values=np.array(self.atom_values, dtype=np.int64),
            atom_keys=np.array(self.atom_keys, dtype=np.int64),
            links=links, shown=np.array([self.shown[c] for c in cells], dtype=bool), equations=equations,
            link_at_most=np.array(at_most, dtype=bool),
        )

    def link(self, coefficients: dict[int, float], at_most: bool = False) -> None:
        """A fact about the atoms a reader knows: sum of coefficient x atom is 0 (or at most 0)."""
        self.link_at_most += [False] * (len(self.link_rows) - len(self.link_at_most))
        self.link_rows.append(coefficients)
        self.link_at_most.append(at_most)


def _scopes_of(place: str, places: list[str]) -> list:
    """The scopes whose counts include people counted in `place`: the place and the ICS."""
    return [place, ICS] if place in places else [ICS]


def _pseudo(place: str, places: list[str]):
    """The scope key of a place's own part in an ICS total (ICS-wide activities included)."""
    return place if place in places else ELSEWHERE


# ---------- the families


def build_area(cur: duckdb.DuckDBPyConnection, resolved: ResolvedScope) -> Family:
    places = list(resolved.preset.place_names)
    lsoas = cur.execute(
        "select lsoa21cd, msoa21cd, place, imd_decile, imd_quintile from int_scope_lsoas order by lsoa21cd"
    ).df()
    atoms = db.query(cur, "families/area_atoms")
    b = _Builder("area")
    scopes = [*places, ICS]
    for s in scopes:  # the counts every scope shows, even when they are 0
        for c in ("known", "total", "out", "unknown_home", "pop"):
            b.cell((c, s))
        for source in SOURCES:
            b.cell(("unknown_home", s, source))
        for q in IMD_CATEGORIES:
            b.cell(("quintile", s, q, None))
        for d in range(1, 11):
            b.cell(("decile", s, d))
    meta = {}  # LSOA -> its row (a dict: a DataFrame lookup per LSOA took most of this build)
    for row in lsoas.itertuples():
        meta[row.lsoa21cd] = row
        b.cell(("lsoa", row.lsoa21cd))
        b.cell(("msoa", row.msoa21cd))

    residents = atoms[atoms["home"] == "resident"]
    by_lsoa = residents.groupby("lsoa21cd")[["participants", "key_sum"]].sum()
    for code, participants, key_sum in by_lsoa.itertuples():
        a = b.atom(participants, key_sum)
        m = meta[code]
        b.add(("lsoa", code), a)
        b.add(("msoa", m.msoa21cd), a)
        for s in _scopes_of(m.place, places):
            q = str(m.imd_quintile)
            for cell in (("known", s), ("decile", s, int(m.imd_decile)), ("quintile", s, q, None),
                         ("pop", s), ("total", s), ("imd_known", s, None)):
                b.add(cell, a, shown=cell[0] != "imd_known")
    others = atoms[atoms["home"] != "resident"].fillna({"returned_quintile": "unknown", "source": ""})
    others = others.groupby(["home", "place", "returned_quintile", "source"], as_index=False)[
        ["participants", "key_sum"]].sum()
    for row in others.itertuples():
        a = b.atom(row.participants, row.key_sum)
        own = _pseudo(row.place, places)
        for s in _scopes_of(row.place, places):
            b.add(("total", s), a)
            if row.home == "out":
                b.add(("out", s), a)
                continue
            b.add(("unknown_home", s), a)
            b.add(("unknown_home", s, row.source), a)
            q = row.returned_quintile
            b.add(("quintile", s, q, None), a)
            b.add(("pop", s), a)
            if q != "unknown":
                b.add(("imd_known", s, None), a, shown=False)
            if q != "unknown":
                b.add(("returned_quintile", s, q), a, shown=False)
        if row.home != "out":
            q = row.returned_quintile
            b.add(("part", own, "unknown_home"), a, shown=False)
            b.add(("part", own, "unknown_home", row.source), a, shown=False)
            b.add(("part", own, "quintile", q), a, shown=False)
        else:
            b.add(("part", own, "out"), a, shown=False)

    # the additive structure, for choosing complementary cells
    for msoa, group in lsoas.groupby("msoa21cd"):
        b.equation(("msoa", msoa), [("lsoa", c) for c in group["lsoa21cd"]])
    for place, group in lsoas.groupby("place"):
        b.equation(("known", place), [("msoa", m) for m in group["msoa21cd"].unique()])
        for d, in_decile in group.groupby("imd_decile"):
            b.equation(("decile", place, int(d)), [("lsoa", c) for c in in_decile["lsoa21cd"]])
    b.equation(("known", ICS), [("known", p) for p in places])
    for d in range(1, 11):
        b.equation(("decile", ICS, d), [("decile", p, d) for p in places])
    for s in scopes:
        for q in range(1, 6):
            b.equation(("quintile", s, str(q), None),
                       [("decile", s, 2 * q - 1), ("decile", s, 2 * q), ("returned_quintile", s, str(q))])
        b.equation(("pop", s), [("quintile", s, q, None) for q in IMD_CATEGORIES])
        b.equation(("unknown_home", s), [("returned_quintile", s, str(q)) for q in range(1, 6)]
                   + [("quintile", s, "unknown", None)])
        b.equation(("total", s), [("known", s), ("out", s), ("unknown_home", s)])
        b.equation(("unknown_home", s), [("unknown_home", s, source) for source in SOURCES])
    for q in IMD_CATEGORIES:
        b.equation(("quintile", ICS, q, None), [("quintile", p, q, None) for p in places]
                   + [("part", ELSEWHERE, "quintile", q)])
    for c in ("out", "unknown_home"):
        b.equation((c, ICS), [(c, p) for p in places] + [("part", ELSEWHERE, c)])
    for source in SOURCES:
        b.equation(("unknown_home", ICS, source), [("unknown_home", p, source) for p in places]
                   + [("part", ELSEWHERE, "unknown_home", source)])
    return b.build()


def build_dimension(cur: duckdb.DuckDBPyConnection, resolved: ResolvedScope, dimension: str) -> Family:
    """One census dimension's family (ethnicity with its groups), or the inclusion groups'."""
    places = list(resolved.preset.place_names)
    dimensions = list(DIMENSION_FAMILIES[dimension])
    multi = dimensions == ["inclusion_group"]
    asked = dimensions + [EVERYONE_FROM] if multi else dimensions
    atoms = db.query(cur, "families/dimension_atoms", dimensions=asked)
    atoms = atoms.groupby(["place", "dimension", "category", "source"], as_index=False)[
        ["participants", "key_sum"]].sum()
    name = "+".join(dimensions)
    b = _Builder(name)
    scopes = [*places, ICS]
    group_of = {code: group for code, (_label, group) in vocab.ETHNICITY.items()}
    if multi:
        individual = db.query(cur, "families/inclusion_atoms")
        individual["combination"] = [tuple(c) if c is not None else () for c in individual["combination"]]
        individual = individual.groupby(["place", "combination"], as_index=False)[["participants", "key_sum"]].sum()
        atoms = atoms[atoms["source"] != "individual"]  # returns and headcounts: per-group counts only

    def count_in(a: int, place: str, dim: str, category: str) -> None:
        for s in _scopes_of(place, places):
            b.add((dim, s, category, None), a)
            b.add(("pop", dim, s, None), a)
            if category != vocab.UNKNOWN:
                b.add(("known", dim, s, None), a, shown=False)
        b.add(("part", dim, _pseudo(place, places), category), a, shown=False)

    for d in dimensions:
        for s in scopes:
            b.cell(("pop", d, s, None))
    if multi:
        for row in individual.itertuples():
            a = b.atom(row.participants, row.key_sum)
            groups = list(row.combination)
            for s in _scopes_of(row.place, places):
                b.add(("pop", "inclusion_group", s, None), a)
                for g in groups or [vocab.UNKNOWN]:
                    b.add(("inclusion_group", s, g, None), a)
            own = _pseudo(row.place, places)
            for g in groups or [vocab.UNKNOWN]:
                b.add(("part", "inclusion_group", own, g), a, shown=False)
    for row in atoms.itertuples():
        a = b.atom(row.participants, row.key_sum)
        if multi and row.dimension == EVERYONE_FROM:
            # the people of returns and headcounts, counted once each (their groups overlap)
            for s in _scopes_of(row.place, places):
                b.add(("pop", "inclusion_group", s, None), a)
            continue
        if multi:
            for s in _scopes_of(row.place, places):
                b.add(("inclusion_group", s, row.category, None), a)
            b.add(("part", "inclusion_group", _pseudo(row.place, places), row.category), a, shown=False)
            continue
        count_in(a, row.place, row.dimension, row.category)
        if row.dimension == "ethnicity" and row.source != "returns" and "ethnicity_group" in dimensions:
            # the same people, counted in their ethnic group
            count_in(a, row.place, "ethnicity_group", group_of.get(row.category, row.category))

    for d in dimensions:
        categories = {c[2] for c in b.cell_atoms if c[0] == d}
        for s in scopes:
            b.equation(("pop", d, s, None), [(d, s, c, None) for c in sorted(categories)])
        for c in categories:
            b.equation((d, ICS, c, None), [(d, p, c, None) for p in places] + [("part", d, ELSEWHERE, c)])
    if "ethnicity_group" in dimensions:
        for s in scopes:
            for g in {group_of[e] for e in group_of}:
                b.equation(("ethnicity_group", s, g, None),
                           [("ethnicity", s, e, None) for e, grp in group_of.items() if grp == g])
    return b.build()


def build_activities(cur: duckdb.DuckDBPyConnection, resolved: ResolvedScope) -> Family:
    """Atoms: the participants of each group of activities that every count here treats alike
    (place, method, organisation, partner type, costed or not, source) who live in a Core20 area, live in
    another area of known deprivation, or whose home is unknown. One activity's own count is
    not in this family: the activity log lists each activity as a record of its own
    (docs/disclosure.md, "Lists of activities")."""
    places = list(resolved.preset.place_names)
    atoms = db.query(cur, "families/activity_atoms")
    atoms["part"] = np.where(atoms["category"] == "1", "core20",
                             np.where(atoms["category"] == vocab.UNKNOWN, "unknown", "known"))
    group_by = ["place", *WHAT_WORKS_BREAKDOWNS, "costed", "source"]
    grouped = atoms.groupby([*group_by, "part"], as_index=False)[["participants", "key_sum"]].sum()
    b = _Builder("activities")
    scopes = [*places, ICS]
    for s in scopes:
        for kind in ("individual", "returns", "headcount"):
            b.cell(("source", s, kind))
        b.cell(("cost", s, "participants"))
        b.cell(("cost", s, "core20"))
    for row in grouped.itertuples():
        a = b.atom(row.participants, row.key_sum)
        core20 = row.part == "core20"
        known = row.part != "unknown"
        for s in _scopes_of(row.place, places):
            # every table here adds up to the participants of the scope's activities
            b.add(("activities_total", s), a)
            if not row.costed:
                b.add(("not_costed", s), a, shown=False)
            b.add(("source", s, row.source), a)
            for breakdown in WHAT_WORKS_BREAKDOWNS:
                name = getattr(row, breakdown)
                b.add(("what_works", breakdown, s, name, "participants"), a)
                if core20:
                    b.add(("what_works", breakdown, s, name, "core20"), a)
                    if row.costed:
                        b.add(("what_works", breakdown, s, name, "costed_core20"), a, shown=False)
                if known:
                    b.add(("what_works", breakdown, s, name, "known"), a, shown=False)
            if row.costed:
                b.add(("cost", s, "participants"), a)
                if core20:
                    b.add(("cost", s, "core20"), a)
        own = _pseudo(row.place, places)
        for breakdown in WHAT_WORKS_BREAKDOWNS:
            name = getattr(row, breakdown)
            b.add(("part", own, breakdown, name, "participants"), a, shown=False)
            if core20:
                b.add(("part", own, breakdown, name, "core20"), a, shown=False)
    for breakdown in WHAT_WORKS_BREAKDOWNS:
        for name in grouped[breakdown].unique():
            for part in ("participants", "core20"):
                b.equation(("what_works", breakdown, ICS, name, part),
                           [("what_works", breakdown, p, name, part) for p in places]
                           + [("part", ELSEWHERE, breakdown, name, part)])
    for s in scopes:
        total = ("activities_total", s)
        mine = grouped if s is ICS else grouped[grouped["place"] == s]
        for breakdown in WHAT_WORKS_BREAKDOWNS:
            b.equation(total, [("what_works", breakdown, s, n, "participants") for n in mine[breakdown].unique()])
        b.equation(total, [("source", s, k) for k in ("individual", "returns", "headcount")])
        b.equation(total, [("cost", s, "participants"), ("not_costed", s)])
    for part in ("participants", "core20"):
        b.equation(("cost", ICS, part), [("cost", p, part) for p in places])
    for kind in ("individual", "returns", "headcount"):
        b.equation(("source", ICS, kind), [("source", p, kind) for p in places])
    return b.build()


def build_quality(cur: duckdb.DuckDBPyConnection, resolved: ResolvedScope) -> Family:
    places = list(resolved.preset.place_names)
    atoms = db.query(cur, "families/quality_atoms")
    b = _Builder("quality")
    for row in atoms.itertuples():
        a = b.atom(row.participants, row.key_sum)
        for s in _scopes_of(row.place, places):
            b.add(("quality", s, row.field), a)
        b.add(("part", _pseudo(row.place, places), row.field), a, shown=False)
    for field in atoms["field"].unique():
        b.equation(("quality", ICS, field), [("quality", p, field) for p in places]
                   + [("part", ELSEWHERE, field)])
    return b.build()


BUILDERS = {"area": build_area, "activities": build_activities, "quality": build_quality}
TABLES = {
    "area": ("int_scope_lsoas", "int_scope_homes", "int_scope_activities"),
    "activities": ("int_scope_homes", "int_scope_activities"),
    "quality": ("int_scope_participants", "int_scope_activities"),
    "dimension": ("int_scope_dimension_counts", "int_scope_participants", "int_scope_activities"),
}
# cells the complementary choice leaves alone while it can: the headline totals
HEADLINES = {"known", "total", "pop", "activities_total"}
# families whose people are broken down several crossing ways (method, organisation, partner
# type): complementary cells are the solver's choice only, not the equations' quick rule
CROSSED = {"activities"}


def _small(family: Family, threshold: int) -> np.ndarray:
    return (family.values >= 1) & (family.values <= threshold)


def protect_family(family: Family, threshold: int, also_hidden: np.ndarray | None = None,
                   protected: np.ndarray | None = None) -> ProtectedFamily:
    """Hidden cells (counts of 1 to the threshold, `also_hidden`, and their complementary cells)
    and the perturbed value of every cell. `protected`: cells of `also_hidden` that an earlier
    protection of this family, with fewer cells hidden, found protected (`audit.complete`)."""
    avoid = np.array([isinstance(c, tuple) and c[0] in HEADLINES for c in family.cells], dtype=bool)
    small = _small(family, threshold)
    primary = None if also_hidden is None else also_hidden | (family.shown & small)
    hidden = _completed(family, threshold, primary, avoid, protected)
    hidden |= ~family.shown & small  # a count no output shows, too small to divide by
    perturbed = cellkey.perturb(family.values, family.keys, threshold)
    return ProtectedFamily(family=family, hidden=hidden, perturbed=perturbed)


# Complementary suppression is the costly part of protecting a family, and a pure function of
# the family's contents: the same counts of the same records give the same hidden cells. Its
# results are kept by a digest of those contents, so a family an upload did not change (another
# ICS's, a quarter the upload did not touch) is not solved again after the upload.
_COMPLETED: OrderedDict = OrderedDict()  # digest -> hidden cells
_COMPLETED_LOCK = threading.Lock()
_COMPLETED_KEEP = 512


def _digest(family: Family, threshold: int, primary: np.ndarray | None) -> bytes:
    """What `complete` reads of a family, as a digest: cell names (the headlines it avoids),
    atoms, memberships, links, what is shown, the equations, the threshold and the cells asked
    to be hidden."""
    h = hashlib.blake2b(digest_size=32)
    h.update(repr((family.name, threshold, family.cells, family.equations)).encode())
    for m in (family.membership, family.links):
        h.update(repr(m.shape).encode())
        for part in (m.indptr, m.indices, m.data):
            h.update(np.ascontiguousarray(part).tobytes())
    for part in (family.atom_values, family.atom_keys, family.shown, family.link_at_most):
        h.update(np.ascontiguousarray(part).tobytes())
    h.update(b"-" if primary is None else np.ascontiguousarray(primary, dtype=bool).tobytes())
    return h.digest()


def _completed(family: Family, threshold: int, primary: np.ndarray | None, avoid: np.ndarray,
               protected: np.ndarray | None = None) -> np.ndarray:
    """`audit.complete` of the family, kept by the digest of its contents (`protected`, cells
    known to be protected already, saves work but never changes the answer: not in the digest)."""
    key = _digest(family, threshold, primary)
    with _COMPLETED_LOCK:
        done = _COMPLETED.get(key)
        if done is not None:
            _COMPLETED.move_to_end(key)
            return done.copy()
    hidden = complete(family, threshold, primary=primary, never_hide=avoid, quick=family.name not in CROSSED,
                      protected=protected)
    with _COMPLETED_LOCK:
        _remember(_COMPLETED, key, hidden.copy(), _COMPLETED_KEEP)
    return hidden


def _remember(store: OrderedDict, key, value, most: int) -> None:
    """Keep `value` under `key`, dropping the oldest beyond `most` (the caller holds the lock)."""
    store[key] = value
    while len(store) > most:
        store.popitem(last=False)


# Counts of the same people that two families hold (docs/disclosure.md, rule 2): participant
# rows with no usable home area (the participant counts and data quality) and people counted by
# a headcount only (the participant counts and where participants come from). These families
# are protected together, so that such a count is hidden in both or in neither, and each
# family's other counts protect it wherever it is hidden.
LINKED = ("area", "quality", "activities")


def links(places) -> list[tuple[tuple[str, tuple], tuple[str, tuple]]]:
    pairs = []
    for s in (ICS, *places):
        pairs.append((("area", ("unknown_home", s, "individual")), ("quality", ("quality", s, "home_area"))))
        pairs.append((("area", ("unknown_home", s, "headcount")), ("activities", ("source", s, "headcount"))))
    return pairs


def protect_linked(built: dict[str, Family], threshold: int, pairs) -> dict[str, ProtectedFamily]:
    """Each family protected, then protected again with every linked count that the other
    family hides, until the families agree (hiding only grows, so this ends)."""
    protected = {kind: protect_family(family, threshold) for kind, family in built.items()}
    for _round in range(2 * len(pairs) + 2):
        more = {kind: np.zeros(len(family.cells), dtype=bool) for kind, family in built.items()}
        for (kind_a, cell_a), (kind_b, cell_b) in pairs:
            a, b = built[kind_a].index.get(cell_a), built[kind_b].index.get(cell_b)
            hidden_a = a is not None and protected[kind_a].hidden[a]
            hidden_b = b is not None and protected[kind_b].hidden[b]
            if hidden_a and not hidden_b and b is not None:
                more[kind_b][b] = True
            if hidden_b and not hidden_a and a is not None:
                more[kind_a][a] = True
        if not any(m.any() for m in more.values()):
            return protected
        for kind, extra in more.items():
            if extra.any():
                # what the last protection hid and checked (not the unshown small counts it
                # hid after) stays protected with more hidden
                before = protected[kind].hidden
                checked = before & (built[kind].shown | ~_small(built[kind], threshold))
                protected[kind] = protect_family(built[kind], threshold, also_hidden=before | extra,
                                                 protected=checked)
    raise AssertionError("linked families did not agree on their hidden counts")


# ---------- building once per connection (or process) and scope

_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> {key: ...}
_KEPT: OrderedDict = OrderedDict()  # (database state, key) -> ProtectedFamily, when sharing is on
_KEPT_LOCK = threading.Lock()
_KEEP = 64


def whole_ics(con: duckdb.DuckDBPyConnection, resolved: ResolvedScope) -> ResolvedScope:
    return resolved_scope(con, replace(resolved.scope, place=None, today=resolved.today))


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of `con` (its own temporary tables) reading the same database: a cursor starts
    in the process's default catalog, and a DuckLake store is attached beside it and in use."""
    catalog, schema = con.execute("select current_database(), current_schema()").fetchone()
    cursor = con.cursor()
    cursor.execute(f'use "{catalog}"."{schema}"')
    return cursor


def _own_cursor(con: duckdb.DuckDBPyConnection, memo: dict) -> duckdb.DuckDBPyConnection:
    memo["cursor"] = _cursor(con)
    return memo["cursor"]


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The cursor of `con` on which the whole ICS's scope tables are built (for tables other
    measures protect once for the ICS, e.g. fatigue's neighbourhoods)."""
    memo = _MEMO.setdefault(con, {})
    return memo.get("cursor") or _own_cursor(con, memo)


def get(con: duckdb.DuckDBPyConnection, resolved: ResolvedScope, kind: str,
        dimension: str | None = None) -> ProtectedFamily:
    """The protected family `kind` ('area', 'dimension' with a dimension, 'activities',
    'quality') of the scope's ICS, period and filters."""
    ics = whole_ics(con, resolved)
    family_name = kind if dimension is None else "+".join(DIMENSION_FAMILIES[dimension])
    key = (ics.key, family_name)
    memo = _MEMO.setdefault(con, {})
    if key in memo:
        return memo[key]
    state = shared.database_state(con)
    if state is None:
        _protect(con, memo, ics, kind, dimension, family_name, state)
        return memo[key]
    # one build for the sessions that ask at once (after an upload every open page asks for
    # the same ICS's families): the others wait for it rather than solve the same again
    with _one_build((state, ics.key, "linked" if kind in LINKED else family_name)):
        with _KEPT_LOCK:
            ready = _KEPT.get((state, key))
        if ready is None:
            _protect(con, memo, ics, kind, dimension, family_name, state)
        else:
            memo[key] = ready
    return memo[key]


_BUILDS: dict = {}  # what is being built -> the lock its builder holds


@contextmanager
def _one_build(what) -> Iterator[None]:
    with _KEPT_LOCK:
        lock = _BUILDS.setdefault(what, threading.Lock())
    with lock:
        try:
            yield
        finally:
            with _KEPT_LOCK:
                if _BUILDS.get(what) is lock:
                    del _BUILDS[what]  # later callers find the result kept, or build again


def _protect(con, memo: dict, ics: ResolvedScope, kind: str, dimension: str | None, family_name: str,
             state) -> None:
    if kind not in (*LINKED, "dimension"):
        raise ValueError(f"unknown family {kind!r}")
    on_disk, key = kept.state(con), kept.key_of(ics, today=False)
    found = kept.load(on_disk, key, LINKED if kind in LINKED else (family_name,))
    if found is not None:
        together = {name: ProtectedFamily(family=cells, hidden=hidden, perturbed=perturbed)
                    for name, (cells, hidden, perturbed) in found.items()}
    else:
        together = _protect_now(con, memo, ics, kind, dimension, family_name)
        kept.save(on_disk, key, together)
    for name, protected in together.items():
        memo[(ics.key, name)] = protected
        if state is not None:
            with _KEPT_LOCK:
                _remember(_KEPT, (state, (ics.key, name)), protected, _KEEP)


def _protect_now(con, memo: dict, ics: ResolvedScope, kind: str, dimension: str | None,
                 family_name: str) -> dict[str, ProtectedFamily]:
    """Build the ICS's family `kind` (with those linked to it) and protect it."""
    cursor = memo.get("cursor") or _own_cursor(con, memo)
    if kind in LINKED:
        prepare(cursor, ics, *dict.fromkeys(t for k in LINKED for t in TABLES[k]))
        built = {k: BUILDERS[k](cursor, ics) for k in LINKED}
        return protect_linked(built, ics.threshold, links(ics.preset.place_names))
    prepare(cursor, ics, *TABLES[kind])
    return {family_name: protect_family(build_dimension(cursor, ics, dimension), ics.threshold)}


def clear() -> None:
    with _KEPT_LOCK:
        _KEPT.clear()
    with _COMPLETED_LOCK:
        _COMPLETED.clear()


def frame(protected: ProtectedFamily) -> pd.DataFrame:
    """Every cell of a protected family as a table (for tests and the attack suite)."""
    f = protected.family
    return pd.DataFrame({"cell": f.cells, "value": f.values, "key": f.keys % cellkey.KEY_RANGE,
                         "shown": f.shown, "hidden": protected.hidden, "perturbed": protected.perturbed})
