"""The attack suite (docs/disclosure.md, "How it is tested"): an analyst with a spreadsheet and an
exact solver, combining everything wpc shows, on the demo data of all three presets and a
built-in set of scopes. It attacks:

- nested areas: LSOA in MSOA in place in the scope, with the deciles, quintiles and the
  participant counts shown beside them;
- nested categories: the 19 ethnicities in their 5 groups, every dimension's categories and
  unknown adding up to its total;
- the slope and relative index of inequality (linear in the decile counts);
- overlapping outputs: the ICS against its places, and two periods one day apart, with and
  without an activity filter.

For each hidden count the solver (HiGHS, whole numbers) finds the smallest and largest values
consistent with what is shown. Under the old rules (tests/disclosure_old_rules.py) it recovers
hidden counts; under suppress and publish mode it recovers none: every hidden count ranges
over at least the threshold, even for a reader who knew every shown count exactly, and a
difference of two overlapping outputs is consistent with every value the perturbation allows,
zero included. The figures (cells checked, recovered before and after, how often plain
subtraction guesses right, the accuracy cost) are written to tests/artifacts/disclosure_attacks.json.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from tests.conftest import DEMO_END
from tests.disclosure_old_rules import old_rules
from wpc import db, vocab
from wpc.config import ROOT
from wpc.measures import area_rates, cellkey, gradient, participants, reach_all, stats
from wpc.measures.audit import Family, Knowledge, ranges
from wpc.measures.scope import Scope
from wpc.presets import builtin_presets

THRESHOLD = 7
TODAY = "2025-10-01"
YEAR_START = "2024-10-01"
QUARTER = ("2025-04-01", "2025-06-30")
FILTERS = {"sel": {"method": "focus group"}, "mse": {"programme": "Maternity"}, "hw": {"method": "outreach"}}
MODES = ("old", "suppress", "publish")
ARTIFACT = ROOT / "tests" / "artifacts" / "disclosure_attacks.json"


@dataclass
class Tally:
    checked: int = 0
    determined: int = 0   # the reader can say exactly how many
    narrowed: int = 0     # fewer values than the threshold remain possible
    naive_tries: int = 0
    naive_right: int = 0
    examples: list = field(default_factory=list)

    def add(self, what: str, low: float, high: float, truth: int, naive=None, zero_ok: bool = False) -> None:
        self.checked += 1
        assert low - 1e-6 <= truth <= high + 1e-6, f"{what}: the truth {truth} is outside [{low}, {high}]"
        if high - low < 0.5:
            self.determined += 1
        if high - low < THRESHOLD and not (zero_ok and low <= 0):
            self.narrowed += 1
            if len(self.examples) < 5:
                self.examples.append(f"{what}: true {truth}, consistent {low:g} to {high:g}")
        if naive is not None:
            self.naive_tries += 1
            self.naive_right += int(round(naive) == truth)


# ---------- what a reader sees


def measures(con, scope: Scope, mode: str) -> dict:
    """The counts of one scope as `wpc report` shows them (the parts the attacks read)."""
    def run(disclosure):
        return {
            "participants": participants(con, scope, disclosure),
            "reach": reach_all(con, scope, disclosure),
            "rates": {level: area_rates(con, scope, level, disclosure) for level in ("lsoa", "msoa", "place")},
            "gradient": gradient(con, scope, disclosure),
        }
    if mode == "old":
        with old_rules():
            return run("suppress")
    return run(mode if mode != "truth" else "off")


def possible(shown, mode: str) -> tuple[float, float]:
    """The true counts a reader who knows the rules can say a shown count stands for."""
    if mode == "old":
        return shown, shown  # nothing changed: the shown count is the count
    if shown == 0:
        return 0, 0
    near = range(max(THRESHOLD + 1, shown - 2), shown + 3) if mode == "publish" else [shown]
    ends = [cellkey.possible_true(p, THRESHOLD) for p in near]
    return min(e[0] for e in ends), max(e[1] for e in ends)


class Sheet:
    """An attacker's system: atoms (never shown) and shown or hidden sums of them."""

    def __init__(self, atoms: list, truth: dict):
        self.atoms = list(atoms)
        self.index = {a: i for i, a in enumerate(self.atoms)}
        self.truth = truth  # atom -> true count
        self.cells: list[tuple[str, list, object, int]] = []  # (name, atoms, shown, true)

    def cell(self, name: str, atoms: list, shown, true: int) -> None:
        self.cells.append((name, [a for a in atoms if a in self.index], shown, int(true)))

    def attack(self, mode: str, tally: Tally, exact_readers: bool, extra=None, zero_ok: bool = False) -> None:
        """Solve for every hidden cell. exact_readers: the reader knows each shown count exactly
        (the worst case, and the truth under the old rules); else within what the rules allow."""
        rows, cols = [], []
        for i, (_n, atoms, _s, _t) in enumerate(self.cells):
            rows += [i] * len(atoms)
            cols += [self.index[a] for a in atoms]
        membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(self.cells), len(self.atoms)))
        values = np.array([self.truth.get(a, 0) for a in self.atoms], dtype=np.int64)
        family = Family(name="attack", cells=[c[0] for c in self.cells], membership=membership,
                        atom_values=values, atom_keys=np.zeros(len(values), dtype=np.int64),
                        links=sparse.csr_matrix((0, len(values))), shown=np.ones(len(self.cells), dtype=bool))
        hidden = np.array([c[2] == "*" for c in self.cells])
        if not hidden.any():
            return
        low = np.zeros(len(self.cells))
        high = np.zeros(len(self.cells))
        for i, (_n, _a, shown, true) in enumerate(self.cells):
            if shown == "*":
                continue
            low[i], high[i] = (true, true) if exact_readers else possible(int(shown), mode)
        found = ranges(family, hidden, Knowledge(low, high), extra=extra)
        for i, r in found.items():
            name, _atoms, _shown, true = self.cells[i]
            tally.add(name, r.low, r.high, true, zero_ok=zero_ok)


# ---------- the built-in scopes


def views(preset) -> list[tuple[str, dict]]:
    return [("year", {"date_from": YEAR_START, "date_to": DEMO_END}),
            ("quarter", {"date_from": QUARTER[0], "date_to": QUARTER[1]}),
            ("filter", {"date_from": YEAR_START, "date_to": DEMO_END, **FILTERS[preset.id]})]


def places_of(preset, view_name: str) -> tuple:
    """The ICS and every place; for the filtered view the ICS and its first place (keeping the
    suite's run short: the family of counts is the same for all of them)."""
    return (None, *preset.place_names) if view_name != "filter" else (None, preset.place_names[0])


def scopes_of(preset, view_name: str, view: dict) -> list[Scope]:
    return [Scope.parse(preset.id, place, today=TODAY, **view) for place in places_of(preset, view_name)]


@pytest.fixture(scope="module")
def outputs(demo_db):
    """Every scope's counts in the old rules, suppress and publish mode, and the truth."""
    out = {}
    for preset in builtin_presets():
        for view_name, view in views(preset):
            with db.reading(demo_db) as con:  # one connection: the families are built once per view
                for scope in scopes_of(preset, view_name, view):
                    for mode in ("truth", *MODES):
                        out[(preset.id, view_name, scope.place, mode)] = measures(con, scope, mode)
    return out


@pytest.fixture(scope="module")
def geography(demo_db) -> pd.DataFrame:
    with db.reading(demo_db) as con:
        return con.execute("select lsoa21cd, msoa21cd, place, preset, imd_decile, cast(imd_quintile as varchar) "
                           "as imd_quintile from ref_lsoa where preset is not null").df()


def _by(frame: pd.DataFrame, key: str, value: str = "participants") -> dict:
    return dict(zip(frame[key], frame[value]))


def _reach(frame: pd.DataFrame, dimension: str) -> dict:
    rows = frame[frame["dimension"] == dimension]
    return dict(zip(rows["category"], rows["engaged"]))


# ---------- the attacks


def area_attack(seen: dict, truth: dict, lsoas: pd.DataFrame, mode: str, tally: Tally, exact: bool) -> None:
    """LSOAs in MSOAs in places in the scope, deciles, quintiles and the participant counts."""
    shown_lsoa, true_lsoa = _by(seen["rates"]["lsoa"], "area_code"), _by(truth["rates"]["lsoa"], "area_code")
    atoms = list(lsoas["lsoa21cd"]) + [f"returned {q}" for q in "12345"] + ["unknown home", "out"]
    quintile_truth = _reach(truth["reach"], "imd_quintile")
    returned = {f"returned {q}": int(quintile_truth.get(q, 0)) - int(sum(true_lsoa[c] for c in
                lsoas.loc[lsoas["imd_quintile"] == q, "lsoa21cd"])) for q in "12345"}
    p_true = truth["participants"]
    sheet = Sheet(atoms, {**true_lsoa, **returned, "unknown home": int(quintile_truth.get("unknown", 0)),
                          "out": p_true["out_of_area"]})
    for code in lsoas["lsoa21cd"]:
        sheet.cell(f"LSOA {code}", [code], shown_lsoa[code], true_lsoa[code])
    for level, key in (("msoa", "msoa21cd"), ("place", "place")):
        shown, true = _by(seen["rates"][level], "area_code"), _by(truth["rates"][level], "area_code")
        for code, group in lsoas.groupby(key):
            sheet.cell(f"{level} {code}", list(group["lsoa21cd"]), shown[code], true[code])
    for d_seen, d_true in zip(seen["gradient"]["deciles"], truth["gradient"]["deciles"]):
        members = list(lsoas.loc[lsoas["imd_decile"] == d_seen["decile"], "lsoa21cd"])
        sheet.cell(f"decile {d_seen['decile']}", members, d_seen["participants"], d_true["participants"])
    q_seen = _reach(seen["reach"], "imd_quintile")
    for q in "12345":
        members = list(lsoas.loc[lsoas["imd_quintile"] == q, "lsoa21cd"]) + [f"returned {q}"]
        sheet.cell(f"quintile {q}", members, q_seen[q], quintile_truth[q])
    sheet.cell("quintile unknown", ["unknown home"], q_seen["unknown"], quintile_truth["unknown"])
    p_seen = seen["participants"]
    everything = list(lsoas["lsoa21cd"])
    sheet.cell("living here", everything, p_seen["known_area"], p_true["known_area"])
    unknown = [f"returned {q}" for q in "12345"] + ["unknown home"]
    sheet.cell("home unknown", unknown, p_seen["unknown_home"], p_true["unknown_home"])
    sheet.cell("outside the ICS", ["out"], p_seen["out_of_area"], p_true["out_of_area"])
    sheet.cell("total", everything + unknown + ["out"], p_seen["total"], p_true["total"])
    sheet.attack(mode, tally, exact)


def category_attack(seen: dict, truth: dict, dimension: str, mode: str, tally: Tally, exact: bool) -> None:
    """Categories and unknown adding up to everyone (known to the reader, the worst case); the 19
    ethnicities in their 5 groups where the truth says groups are their sums."""
    shown, true = _reach(seen["reach"], dimension), _reach(truth["reach"], dimension)
    everyone = int(sum(true.values()))
    sheet = Sheet(list(true), {c: int(v) for c, v in true.items()})
    for c in true:
        sheet.cell(f"{dimension} {c}", [c], shown[c], true[c])
    sheet.cell(f"{dimension} everyone", list(true), everyone, everyone)
    if dimension == "ethnicity":
        groups_shown, groups_true = _reach(seen["reach"], "ethnicity_group"), _reach(truth["reach"], "ethnicity_group")
        for group in groups_true:
            members = [e for e, (_label, g) in vocab.ETHNICITY.items() if g == group and e in true]
            if group != vocab.UNKNOWN and groups_true[group] == sum(true[e] for e in members):
                sheet.cell(f"group {group}", members, groups_shown[group], groups_true[group])
    sheet.attack(mode, tally, exact)


def gradient_attack(seen: dict, truth: dict, mode: str, tally: Tally) -> None:
    """The slope and relative index are linear in the decile counts (Low & Low's weights): with
    the shown deciles they pin down hidden ones, and sii / rii gives the total."""
    g = seen["gradient"]
    if g["sii"] is None:
        return
    deciles = [d for d in truth["gradient"]["deciles"] if d["population"] > 0]
    pop = np.array([d["population"] for d in deciles], dtype=float)
    a = pop / pop.sum()
    design = np.column_stack([np.sqrt(a), stats.relative_ranks(pop) * np.sqrt(a)])
    weights = -np.linalg.pinv(design)[1] * np.sqrt(a) * 1000 / pop  # sii = weights . counts
    mean = 1000 / pop.sum()                                            # overall rate = mean * sum
    atoms = [d["decile"] for d in deciles]
    sheet = Sheet(atoms, {d["decile"]: d["participants"] for d in deciles})
    shown = {d["decile"]: d["participants"] for d in g["deciles"]}
    hidden = [d for d in deciles if shown[d["decile"]] == "*"]
    if mode != "old" and hidden:
        # the policy withholds the index beside any hidden decile; an index shown there is
        # computed from counts the reader cannot model (perturbed or rounded hidden ones), so it
        # is counted as giving those deciles away rather than solved for
        for d in hidden:
            truth_d = d["participants"]
            tally.add(f"decile {d['decile']} beside a shown slope index", truth_d, truth_d, truth_d)
        return
    for d in deciles:
        sheet.cell(f"decile {d['decile']}", [d["decile"]], shown[d["decile"]], d["participants"])
    total = sum(d["participants"] for d in deciles)
    # sii / rii gives the overall rate, so the total, even where the total is not shown
    sheet.cell("total", atoms, seen["participants"]["known_area"], total)
    half = (lambda v: 1e-6) if mode == "old" else (lambda v: 0.5 * 10 ** (np.floor(np.log10(abs(v))) - 1))
    extra = [(weights, g["sii"] - half(g["sii"]), g["sii"] + half(g["sii"]))]
    if g["rii"] and g["rii"] > 0:
        for bound, sign in ((g["rii"] - half(g["rii"]), -1), (g["rii"] + half(g["rii"]), 1)):
            coefficients = weights - bound * mean * np.ones(len(atoms))
            extra.append((coefficients, -np.inf, 0) if sign > 0 else (coefficients, 0, np.inf))
    sheet.attack(mode, tally, exact_readers=True, extra=extra)


def places_attack(by_place: dict, ics: tuple, mode: str, tally: Tally, exact: bool) -> None:
    """The ICS's count of a category minus its places' counts (the demo has no ICS-wide
    activities, so the places add up to the ICS)."""
    ics_seen, ics_true = ics
    for dimension in ("imd_quintile", "ethnicity", "sex", "age_band"):
        true_ics = _reach(ics_true["reach"], dimension)
        for category in true_ics:
            atoms = list(by_place)
            truths = {p: int(_reach(t["reach"], dimension).get(category, 0)) for p, (_s, t) in by_place.items()}
            if sum(truths.values()) != true_ics[category]:
                continue
            sheet = Sheet(atoms, truths)
            for p, (s, _t) in by_place.items():
                sheet.cell(f"{p} {dimension} {category}", [p], _reach(s["reach"], dimension).get(category, 0), truths[p])
            sheet.cell(f"ICS {dimension} {category}", atoms, _reach(ics_seen["reach"], dimension)[category],
                       true_ics[category])
            sheet.attack(mode, tally, exact)


def pair_attack(before: tuple, after: tuple, mode: str, tally: Tally) -> None:
    """Two periods one day apart: each count's difference is the people of the day's
    activities. A difference of 1 to the threshold people is a hidden count."""
    (seen1, true1), (seen2, true2) = before, after
    pairs = []
    for level in ("lsoa", "msoa", "place"):
        s1, t1 = _by(seen1["rates"][level], "area_code"), _by(true1["rates"][level], "area_code")
        s2, t2 = _by(seen2["rates"][level], "area_code"), _by(true2["rates"][level], "area_code")
        pairs += [(f"{level} {c}", s1[c], s2[c], t1[c], t2[c]) for c in t1]
    for dimension in ("imd_quintile", "ethnicity", "sex", "age_band", "disability"):
        s1, t1 = _reach(seen1["reach"], dimension), _reach(true1["reach"], dimension)
        s2, t2 = _reach(seen2["reach"], dimension), _reach(true2["reach"], dimension)
        pairs += [(f"{dimension} {c}", s1.get(c, 0), s2.get(c, 0), t1.get(c, 0), t2.get(c, 0)) for c in t2]
    for name, a, b, ta, tb in pairs:
        difference = tb - ta
        if not (1 <= difference <= THRESHOLD) or "*" in (a, b):
            continue  # not a small group, or not both shown (the structural attacks cover those)
        lo1, hi1 = possible(int(a), mode)
        lo2, hi2 = possible(int(b), mode)
        tally.add(f"{name} difference", max(0, lo2 - hi1), hi2 - lo1, difference, naive=int(b) - int(a),
                  zero_ok=mode != "old")


# ---------- the suite


def pair_scopes(demo_db, preset) -> list[tuple[dict, dict]]:
    """Periods that end the day before, and on, a day when an activity with participants began."""
    with db.reading(demo_db) as con:
        day = con.execute(
            "select a.start_date from activities a join participants p using (activity_id) "
            "where a.preset = $preset and a.start_date between $start and $end "
            "group by a.activity_id, a.start_date having count(*) <= 40 order by a.start_date desc limit 1",
            {"preset": preset.id, "start": dt.date.fromisoformat(QUARTER[0]),
             "end": dt.date.fromisoformat(DEMO_END)}).fetchall()[0][0]
    before = {"date_from": YEAR_START, "date_to": (day - dt.timedelta(days=1)).isoformat()}
    after = {"date_from": YEAR_START, "date_to": day.isoformat()}
    if preset.id == "sel":  # one preset's pair under an activity filter too
        return [(before, after), ({**before, **FILTERS[preset.id]}, {**after, **FILTERS[preset.id]})]
    return [(before, after)]


@pytest.fixture(scope="module")
def results(outputs, geography, demo_db) -> dict:
    tallies = {(kind, mode): Tally() for kind in ("areas", "categories", "gradient", "places", "pairs")
               for mode in MODES}
    structural = {mode: Tally() for mode in MODES[1:]}  # a reader who knew every shown count exactly
    accuracy = []
    slope_index = {mode: {"shown": 0, "withheld to protect privacy": 0, "not computed": 0} for mode in MODES}
    for preset in builtin_presets():
        mine = geography[geography["preset"] == preset.id]
        for view_name, _view in views(preset):
            for place in places_of(preset, view_name):
                lsoas = mine if place is None else mine[mine["place"] == place]
                truth = outputs[(preset.id, view_name, place, "truth")]
                for mode in MODES:
                    seen = outputs[(preset.id, view_name, place, mode)]
                    area_attack(seen, truth, lsoas, mode, tallies[("areas", mode)], exact=mode == "old")
                    for dimension in ("ethnicity", "age_band", "sex", "disability", "carer"):
                        category_attack(seen, truth, dimension, mode, tallies[("categories", mode)],
                                        exact=mode == "old")
                    gradient_attack(seen, truth, mode, tallies[("gradient", mode)])
                    g = seen["gradient"]
                    slope_index[mode]["shown" if g["sii"] is not None else "withheld to protect privacy"
                                      if (g["reason"] or "").startswith("withheld") else "not computed"] += 1
                    if mode != "old":
                        area_attack(seen, truth, lsoas, mode, structural[mode], exact=True)
                        for dimension in ("ethnicity", "age_band", "sex", "disability", "carer"):
                            category_attack(seen, truth, dimension, mode, structural[mode], exact=True)
                t_share = _reach(truth["reach"], "imd_quintile")
                share = seen_share = None
                seen = outputs[(preset.id, view_name, place, "suppress")]
                rows = seen["reach"]
                seen_share = rows.loc[(rows["dimension"] == "imd_quintile") & (rows["category"] == "1"),
                                      "engaged_share"].iloc[0]
                truth_rows = truth["reach"]
                share = truth_rows.loc[(truth_rows["dimension"] == "imd_quintile") & (truth_rows["category"] == "1"),
                                       "engaged_share"].iloc[0]
                if seen_share is not None and not pd.isna(seen_share) and t_share.get("1", 0) > THRESHOLD:
                    accuracy.append(abs(float(seen_share) - float(share)) * 100)
            for mode in MODES if view_name != "filter" else ():
                by_place = {p: (outputs[(preset.id, view_name, p, mode)], outputs[(preset.id, view_name, p, "truth")])
                            for p in preset.place_names}
                ics = (outputs[(preset.id, view_name, None, mode)], outputs[(preset.id, view_name, None, "truth")])
                places_attack(by_place, ics, mode, tallies[("places", mode)], exact=mode == "old")
                if mode != "old":
                    places_attack(by_place, ics, mode, structural[mode], exact=True)
        for before, after in pair_scopes(demo_db, preset):
            with db.reading(demo_db) as con:
                for mode in MODES:
                    for place in (None, preset.place_names[0]):
                        one = Scope.parse(preset.id, place, today=TODAY, **before)
                        two = Scope.parse(preset.id, place, today=TODAY, **after)
                        pair_attack((measures(con, one, mode), measures(con, one, "truth")),
                                    (measures(con, two, mode), measures(con, two, "truth")),
                                    mode, tallies[("pairs", mode)])
    figures = {
        "cells_checked": {mode: sum(t.checked for (k, m), t in tallies.items() if m == mode) for mode in MODES},
        "recovered_exactly": {mode: sum(t.determined for (k, m), t in tallies.items() if m == mode) for mode in MODES},
        "narrowed_below_threshold": {mode: sum(t.narrowed for (k, m), t in tallies.items() if m == mode)
                                     for mode in MODES},
        "by_attack": {f"{k} {m}": vars(t) for (k, m), t in tallies.items()},
        "structural_exact_readers": {m: vars(t) for m, t in structural.items()},
        "naive_subtraction_right": {m: [tallies[("pairs", m)].naive_right, tallies[("pairs", m)].naive_tries]
                                    for m in MODES},
        "slope_index_scopes": slope_index,
        "core20_share_change_points": {"scopes": len(accuracy), "mean": float(np.mean(accuracy)),
                                       "largest": float(np.max(accuracy))},
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps({k: v for k, v in figures.items() if k not in ("by_attack", "structural_exact_readers")}))
    return {"tallies": tallies, "structural": structural, "figures": figures}


def test_the_old_rules_leak_and_the_suite_finds_it(results):
    tallies = results["tallies"]
    for kind in ("areas", "categories", "gradient", "places", "pairs"):
        assert tallies[(kind, "old")].determined > 0, f"the suite found no {kind} leak in the old rules"
    assert results["figures"]["recovered_exactly"]["old"] > 100


@pytest.mark.parametrize("mode", ["suppress", "publish"])
def test_no_hidden_count_can_be_worked_out(results, mode):
    tallies = results["tallies"]
    for kind in ("areas", "categories", "gradient", "places", "pairs"):
        t = tallies[(kind, mode)]
        assert t.determined == 0 and t.narrowed == 0, (kind, t.examples)
    # the slope index is withheld beside hidden deciles, and still shown where none is hidden
    slope_index = results["figures"]["slope_index_scopes"][mode]
    assert slope_index["withheld to protect privacy"] > 0 and slope_index["shown"] > 0
    structural = results["structural"][mode]
    assert structural.checked > 100
    assert structural.narrowed == 0, structural.examples


def test_plain_subtraction_rarely_guesses_right(results):
    right, tries = results["figures"]["naive_subtraction_right"]["suppress"]
    old_right, old_tries = results["figures"]["naive_subtraction_right"]["old"]
    assert tries > 20 and old_right == old_tries  # the old rules gave every difference exactly
    assert right / tries < 0.25


def test_perturbation_costs_little_accuracy(results):
    cost = results["figures"]["core20_share_change_points"]
    assert cost["scopes"] > 20
    assert cost["mean"] < 1.0 and cost["largest"] < 5.0
