"""Whom engagement reaches (docs/methods.md section 2): participant counts, reach on each dimension,
Core20 reach, and reach by quarter.

Counting unit: one participation (a person at one activity). A person who comes to three
activities counts three times, because most monitoring has no participant ref to tell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from wpc import db, vocab
from wpc.measures import families, stats
from wpc.measures.disclosure import SUPPRESSED, Policy, Protected
from wpc.measures.plain import plain
from wpc.measures.prepare import begin, resolved_scope
from wpc.measures.scope import ResolvedScope, Scope

# Dimensions with a census (or IMD) baseline; inclusion groups have none.
CENSUS_DIMENSIONS = ("imd_quintile", "ethnicity_group", "ethnicity", "age_band", "sex", "disability", "carer")
# A person may name several inclusion groups, so its categories do not partition people.
MULTI_VALUED = ("inclusion_group",)

REACH_COLUMNS = [
    "dimension", "category", "label", "engaged", "engaged_share", "ci_low", "ci_high",
    "population_share", "gap_pp", "ratio", "flag", "suppressed",
]


PARTICIPANT_CELLS = {"total": ("total",), "known_area": ("known",), "out_of_area": ("out",),
                     "unknown_home": ("unknown_home",), "unknown_home_rows": ("unknown_home", "individual"),
                     "unknown_home_returns": ("unknown_home", "returns"),
                     "unknown_home_headcount": ("unknown_home", "headcount")}
# A reach table's protected counts: (categories with 'unknown' last, the denominator of the
# shares of known values, everyone). See `family_cells`.
Cells = Callable[[list[str], np.ndarray, int, int], tuple[Protected, Protected]]


def participants(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """docs/methods.md section 1 counts: total, known_area (living in the scope), out_of_area (at the scope's
    activities, living outside the ICS), and unknown_home (at the scope's activities, home unknown), with
    unknown_home split by where the count came from: unknown_home_rows (individual rows with no usable
    home area), unknown_home_returns (people in aggregated returns not placed in an LSOA) and
    unknown_home_headcount (headcount-only activities)."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_homes", "int_scope_activities")
    row = db.query(con, "measures/participants_summary").iloc[0]
    here = resolved.place
    keys = list(PARTICIPANT_CELLS)
    exact = [int(row[k]) for k in keys]
    cells = [(cell[0], here, *cell[1:]) for cell in (PARTICIPANT_CELLS[k] for k in keys)]
    protected = policy.cells(lambda: families.get(con, resolved, "area"), cells, exact)
    shown = protected.shown()
    return dict(zip(keys, shown))


def reach_cell_ids(dimension: str, scope_place: str | None, codes: list[str], period=None) -> tuple[list, tuple, tuple]:
    """Names of a reach table's counts in its family (wpc.measures.families): the categories
    and 'unknown', the count with a known value, and everyone."""
    if dimension == "imd_quintile":
        ids = [("quintile", scope_place, code, period) for code in codes]
        everyone = ("pop", scope_place) if period is None else ("pop", scope_place, period)
        return ids, ("imd_known", scope_place, period), everyone
    ids = [(dimension, scope_place, code, period) for code in codes]
    everyone = ("pop", dimension, scope_place, period)
    return ids, everyone if dimension in MULTI_VALUED else ("known", dimension, scope_place, period), everyone


def family_cells(con: duckdb.DuckDBPyConnection, resolved: ResolvedScope, policy: Policy, dimension: str,
                 scope_place: str | None, period=None) -> Cells:
    """The protected counts of a reach table of `scope_place` (None: the ICS) for `period` (None:
    the scope's period; else a quarter), from the family of the dimension's counts."""
    kind = ("area", None) if dimension == "imd_quintile" else ("dimension", dimension)

    def family():
        return families.get(con, resolved, *kind)

    def cells(codes, counts, known, everyone):
        ids, known_id, everyone_id = reach_cell_ids(dimension, scope_place, codes, period)
        return (policy.cells(family, ids, counts),
                policy.cells(family, [known_id, everyone_id], [known, everyone]))
    return cells


def exact_cells(policy: Policy) -> Cells:
    """Counts as they are: for disclosure control off (an analyst's local use)."""
    if policy.on:
        raise ValueError("counts need their family's protection when disclosure control is on")

    def cells(codes, counts, known, everyone):
        return (policy.cells(None, codes, counts), policy.cells(None, ["known", "everyone"], [known, everyone]))
    return cells


def categories_for(dimension: str, plus_groups: list[str] | None = None, labels=None) -> dict[str, str]:
    """The categories a dimension reports, in order, with labels. For inclusion groups: the
    preset's PLUS groups (other codes found in the data are added by `reach_table`)."""
    if dimension not in vocab.DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}: use one of {', '.join(vocab.DIMENSIONS)}")
    if dimension == "inclusion_group":
        label = labels or (lambda code: vocab.INCLUSION_GROUPS.get(code, code))
        return {code: label(code) for code in (plus_groups or [])}
    return dict(vocab.DIMENSIONS[dimension])


def reach_table(dimension: str, categories: dict[str, str], counts: dict[str, int],
                population: dict[str, int] | None, policy: Policy,
                everyone: int | None = None, cells: Cells | None = None,
                baselines: dict[str, float] | None = None) -> pd.DataFrame:
    """Reach on one dimension from its counts (pure; docs/methods.md section 2).

    counts: participants per category, 'unknown' included. population: residents per category
    (None for dimensions without a baseline). everyone: for a multi-valued dimension, the
    number of participants (its categories may overlap, so they cannot be summed).
    baselines: residents' shares from the preset's local baselines (PLUS groups, section 17),
    for a dimension without a census baseline.

    For each category c: engaged_share = n_c / n_known (n_known: participants with a known value; for a
    multi-valued dimension, all participants), 95% Wilson interval, population_share =
    residents in c / residents counted by the dimension's census table, gap_pp, ratio, flag.
    The last row is 'unknown': its count and its share of all participants.
    Disclosure: `cells` gives the protected counts (from their family: wpc.measures.families);
    every statistic is computed from them, a share whose count is hidden is withheld, and
    all shares are withheld when the number they are shares of is itself too small to show.
    """
    extra = sorted(code for code in counts if code not in categories and code != vocab.UNKNOWN)
    codes = list(categories) + extra
    engaged = np.array([int(counts.get(code, 0)) for code in codes], dtype=np.int64)
    unknown = int(counts.get(vocab.UNKNOWN, 0))
    known_total = int(engaged.sum())
    if dimension in MULTI_VALUED:
        people = everyone if everyone is not None else known_total + unknown
        known_total = people  # shares of a multi-valued dimension are of everyone
    else:
        people = known_total + unknown
    protected, totals = (cells or exact_cells(policy))([*codes, vocab.UNKNOWN], np.append(engaged, unknown),
                                                       known_total, people)
    values, hidden = protected.values[:-1], protected.suppressed[:-1]
    shown = protected.shown()
    denominator, everyone_shown = (int(v) for v in totals.values)
    if totals.suppressed[0]:
        denominator = 0  # too few with a known value to show shares of them
    if totals.suppressed[1]:
        everyone_shown = 0

    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(denominator > 0, np.minimum(values, denominator) / max(denominator, 1), np.nan)
    low, high = stats.wilson_interval(np.minimum(values, denominator), np.full(len(values), denominator))

    pop_total = sum(population.values()) if population else 0
    # the protected number the shares are of, "*" when it is itself hidden
    known_shown = SUPPRESSED if totals.suppressed[0] else denominator
    rows = []
    for i, code in enumerate(codes):
        withheld = bool(hidden[i]) or denominator <= 0
        # a census category with no residents in the scope has a share of 0; a category the
        # census does not have at all (found only in the data) has none
        in_census = population is not None and (code in categories or code in population)
        pop_share = population.get(code, 0) / pop_total if in_census and pop_total > 0 else None
        if population is None and baselines:
            pop_share = baselines.get(code)
        s = None if withheld else policy.share(_num(share[i]))
        lo = None if withheld else policy.share(_num(low[i]))
        hi = None if withheld else policy.share(_num(high[i]))
        rows.append({
            "dimension": dimension,
            "category": code,
            "label": categories.get(code, code),
            "engaged": shown[i],
            "engaged_share": s,
            "ci_low": lo,
            "ci_high": hi,
            "population_share": pop_share,
            "gap_pp": None if s is None or pop_share is None else policy.points(100 * (share[i] - pop_share)),
            "ratio": None if s is None or not pop_share else policy.ratio(share[i] / pop_share),
            "flag": stats.flag(lo, hi, pop_share),
            "suppressed": bool(hidden[i]),
        })
    unknown_hidden = bool(protected.suppressed[-1])
    unknown_value = int(protected.values[-1])
    rows.append({
        "dimension": dimension,
        "category": vocab.UNKNOWN,
        "label": "Unknown or not given",
        "engaged": shown[-1],
        "engaged_share": (None if unknown_hidden or everyone_shown <= 0
                          else policy.share(min(unknown_value, everyone_shown) / everyone_shown)),
        "ci_low": None, "ci_high": None, "population_share": None, "gap_pp": None,
        "ratio": None, "flag": None,
        "suppressed": unknown_hidden,
    })
    table = pd.DataFrame(rows, columns=REACH_COLUMNS)
    table.attrs["known"] = known_shown  # what the categories' shares are of, for reach_trend
    return table


def _num(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def _counts(con, by_quarter: bool = False) -> pd.DataFrame:
    """Participants by dimension x category (x quarter) of the reach population."""
    return db.query(con, "measures/dimension_counts", by_quarter=by_quarter)


def _everyone(counts: pd.DataFrame) -> pd.Series:
    """People in the reach population (per quarter if counts has quarters): every single-valued
    dimension sums to the same people, so the sex counts give them."""
    sex = counts[counts["dimension"] == "sex"]
    return sex.groupby("quarter", dropna=False)["participants"].sum()


def _pop(counts: pd.DataFrame, dimension: str) -> int:
    """Everyone a multi-valued dimension counts: those naming none ('unknown') and those naming
    one or more, which its own 'unknown' row and the single-valued dimensions' total give."""
    return int(_everyone(counts).sum())


def _populations(con) -> dict[str, dict[str, int]]:
    frame = db.query(con, "measures/scope_population")
    populations: dict[str, dict[str, int]] = {}
    for row in frame.itertuples():
        populations.setdefault(row.dimension, {})[row.category] = int(row.population)
    return populations


def derived_group_row(code: str, label: str, in_group: int, known: int, everyone: int,
                      population_share: float | None, policy: Policy, keys=None) -> dict:
    """Reach on one PLUS group a person belongs to by an answer or their home area as well as by
    naming it (pure; docs/methods.md section 2, PLUS groups): engaged_share = in the group /
    those whose answer is known or who named it, Wilson interval, against its census share where
    one exists. Its people in, known and not in, and not known are one table for disclosure;
    `keys` (the record keys' sums of in the group, known and everyone) give their cell keys."""
    cell_keys = None if keys is None else [keys[0], keys[1] - keys[0], keys[2] - keys[1]]
    cells = policy.protect([in_group, known - in_group, everyone - known], keys=cell_keys)
    hidden = bool(cells.suppressed[0] or cells.suppressed[1])
    denominator = int(cells.values[0] + cells.values[1])
    share = None if hidden or denominator <= 0 else min(cells.values[0], denominator) / denominator
    low = high = None
    if share is not None:
        low, high = (policy.share(float(x))
                     for x in stats.wilson_interval(min(cells.values[0], denominator), denominator))
    return {
        "known": SUPPRESSED if hidden else denominator,  # for reach_trend only: not a column
        "dimension": "inclusion_group",
        "category": code,
        "label": label,
        "engaged": cells.shown()[0],
        "engaged_share": policy.share(share),
        "ci_low": low,
        "ci_high": high,
        "population_share": population_share,
        "gap_pp": None if share is None or population_share is None else policy.points(100 * (share - population_share)),
        "ratio": None if share is None or not population_share else policy.ratio(share / population_share),
        "flag": stats.flag(low, high, population_share),
        "suppressed": bool(cells.suppressed[0]),
    }


def derived_population_shares(con, resolved, populations: dict[str, dict[str, int]]) -> dict[str, float | None]:
    """Each derived PLUS group's share of the scope's residents, where Census 2021 gives one:
    age-based groups from TS007A's bands, home-area groups from the TS007A residents of the
    LSOAs of that rural/urban class; None for groups without a census baseline."""
    ages = populations.get("age_band", {})
    homes = None
    shares = {}
    for code, basis in resolved.preset.derived_groups.items():
        if set(basis) == {"age_band"}:
            total = sum(ages.values())
            shares[code] = sum(ages.get(v, 0) for v in basis["age_band"]) / total if total else None
        elif set(basis) == {"home_area"}:
            if homes is None:
                frame = db.query(con, "measures/home_area_population")
                homes = dict(zip(frame["urban_rural"], frame["population"].astype(int)))
            total = sum(homes.values())
            shares[code] = sum(homes.get(v, 0) for v in basis["home_area"]) / total if total else None
        else:
            shares[code] = None
    return shares


def local_baselines(preset, place: str | None, residents: int) -> dict[str, float]:
    """The residents' share of each PLUS group with a local baseline in the preset for `place`
    (None: the ICS) (docs/methods.md section 17): a share as given, a count of residents over
    the scope's residents (Census 2021)."""
    shares = {}
    for code in preset.plus_groups:
        baseline = preset.baseline_for(code, place)
        if baseline is None:
            continue
        if baseline.share is not None:
            shares[code] = baseline.share
        elif residents > 0:
            shares[code] = min(baseline.residents / residents, 1.0)
    return shares


def _residents(populations: dict[str, dict[str, int]]) -> int:
    """The scope's residents (Census 2021 TS007A, the age bands' table, counts everyone)."""
    return sum(populations.get("age_band", {}).values())


def _dimension_table(dimension, resolved, policy, rows: pd.DataFrame, populations, everyone: int,
                     derived_shares: dict, cells: Cells, also: str | None = None) -> pd.DataFrame:
    """Reach on one dimension from its counts (`rows`: dimension, category, participants, with the
    plus_group rows for inclusion groups); `cells`: the protected counts of its family (`_cells`);
    `also`: a category to list even if not expected. A PLUS group derived from an answer or the
    home area is not in the inclusion groups' family: its row is protected as its own table
    (`derived_group_row`)."""
    categories = categories_for(dimension, resolved.preset.plus_groups, resolved.preset.plus_group_label)
    if also is not None and also not in categories:
        categories[also] = also
    mine = rows[rows["dimension"] == dimension]
    local = (local_baselines(resolved.preset, resolved.place, _residents(populations))
             if dimension == "inclusion_group" else None)
    table = reach_table(
        dimension, categories, dict(zip(mine["category"], mine["participants"].astype(int))),
        populations.get(dimension) if dimension in CENSUS_DIMENSIONS else None, policy,
        everyone if dimension in MULTI_VALUED else None, cells, baselines=local,
    )
    if dimension != "inclusion_group" or not resolved.preset.derived_groups:
        return table
    in_group = rows[rows["dimension"] == "plus_group"].set_index("category")
    known = rows[rows["dimension"] == "plus_group_known"].set_index("category")
    everyone_key = int(rows.loc[rows["dimension"] == "sex", "key_sum"].sum()) if "key_sum" in rows else None

    def count(frame, code, column):
        return int(frame[column].get(code, 0)) if column in frame else 0

    derived = {code: derived_group_row(
        code, categories[code], count(in_group, code, "participants"), count(known, code, "participants"),
        everyone, derived_shares.get(code) if derived_shares.get(code) is not None else local.get(code), policy,
        None if everyone_key is None else (count(in_group, code, "key_sum"), count(known, code, "key_sum"),
                                           everyone_key))
        for code in resolved.preset.derived_groups}
    rows = pd.DataFrame([derived.get(row["category"], row) for row in table.to_dict("records")],
                        columns=REACH_COLUMNS)
    # the named groups' shares are still of everyone; a derived group's are of its own known
    rows.attrs = {**table.attrs, "known_by_group": {code: row["known"] for code, row in derived.items()}}
    return rows
def _cells(con, resolved: ResolvedScope, policy: Policy, dimension: str, scope_place, period=None) -> Cells:
    if not policy.on:
        return exact_cells(policy)
    return family_cells(con, resolved, policy, dimension, scope_place, period)


def _quarter(con, resolved: ResolvedScope, start: dt.date) -> ResolvedScope:
    """The scope for the part of its period in the quarter starting `start`: each quarter of a
    trend is protected as the counts of that period (docs/disclosure.md)."""
    end = (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
    s = resolved.scope
    return resolved_scope(con, replace(s, date_from=max(s.date_from or start, start),
                                       date_to=min(s.date_to or end, end), today=resolved.today))


def _dimension_tables(con, resolved, policy, dimensions) -> list[pd.DataFrame]:
    counts = _counts(con)
    populations = _populations(con)
    everyone = int(_everyone(counts).sum())
    shares = derived_population_shares(con, resolved, populations)
    totals = counts.groupby(["dimension", "category"], as_index=False)[["participants", "key_sum"]].sum()
    return [_dimension_table(d, resolved, policy, totals, populations, everyone, shares,
                             _cells(con, resolved, policy, d, resolved.place))
            for d in dimensions]


def _reach_tables(con, resolved, policy, dimensions) -> pd.DataFrame:
    return pd.concat(_dimension_tables(con, resolved, policy, dimensions), ignore_index=True)


def reach_by_dimension(con: duckdb.DuckDBPyConnection, scope: Scope, dimensions=tuple(vocab.DIMENSIONS),
                       disclosure: str = "suppress") -> dict[str, pd.DataFrame]:
    """Reach on each of `dimensions`, one table each (as `reach`), keeping in its attrs the
    protected number each share is of: `known`, and `known_by_group` for derived PLUS groups
    (for the test of change, never shown: docs/disclosure.md)."""
    for dimension in dimensions:
        categories_for(dimension)
    resolved, policy = begin(con, scope, disclosure, *_TABLES)
    return dict(zip(dimensions, _dimension_tables(con, resolved, policy, list(dimensions)), strict=True))


def share_of(table: pd.DataFrame, category: str):
    """The protected number a category's share in `table` (from `reach_by_dimension` or a
    quarter's table) is of: '*' when hidden."""
    return table.attrs.get("known_by_group", {}).get(category, table.attrs.get("known"))


_TABLES = ("int_scope_dimension_counts", "int_scope_population")


def reach(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str,
          disclosure: str = "suppress") -> pd.DataFrame:
    """Reach on `dimension` for the scope: one row per category and a last 'unknown' row,
    with columns REACH_COLUMNS (shares as fractions; None where withheld or not computable)."""
    categories_for(dimension)  # refuses an unknown dimension before any work
    resolved, policy = begin(con, scope, disclosure, *_TABLES)
    return _reach_tables(con, resolved, policy, [dimension])


def reach_all(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Reach on every dimension of docs/methods.md section 2 (vocab.DIMENSIONS order)."""
    resolved, policy = begin(con, scope, disclosure, *_TABLES)
    return _reach_tables(con, resolved, policy, list(vocab.DIMENSIONS))


def core20(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """docs/methods.md section 2: reach on national IMD quintile 1 (the most deprived 20% of England)."""
    return core20_from(reach(con, scope, "imd_quintile", disclosure))


def core20_places(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict[str, dict]:
    """`core20` of every place of the scope's ICS ({place: core20 keys}), with the scope's period
    and activity filters, from one build of the whole ICS's scope tables rather than one per
    place (the Overview compares every place, and a place's build scans the participants)."""
    return {place: core20_from(table) for place, table in deprivation_places(con, scope, disclosure).items()}


def deprivation_places(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress"
                       ) -> dict[str, pd.DataFrame]:
    """The IMD quintile reach table of every place of the scope's ICS ({place: table}, with the
    protected number with a known deprivation in `table.attrs["known"]`), as `core20_places`."""
    resolved, policy = begin(con, replace(scope, place=None), disclosure, "int_scope_homes")
    preset = resolved.preset
    counts = db.query(con, "measures/core20_place_counts", preset=preset.id)
    population = db.query(con, "measures/core20_place_population", preset=preset.id)
    categories = categories_for("imd_quintile")
    places = {}
    for place in preset.place_names:
        mine = counts[counts["place"] == place]
        residents = population[population["place"] == place]
        places[place] = reach_table(
            "imd_quintile", categories, dict(zip(mine["category"], mine["participants"].astype(int))),
            dict(zip(residents["category"], residents["population"].astype(int))), policy,
            cells=_cells(con, resolved, policy, "imd_quintile", place),
        )
    return places


def core20_from(reach_rows: pd.DataFrame) -> dict:
    """The Core20 headline (imd_quintile category '1') from a reach table."""
    row = reach_rows[(reach_rows["dimension"] == "imd_quintile") & (reach_rows["category"] == "1")].iloc[0]
    keys = ("engaged", "engaged_share", "ci_low", "ci_high", "population_share", "gap_pp", "ratio",
            "flag", "suppressed")
    return {key: plain(row[key]) for key in keys}


def reach_trend(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str = "imd_quintile",
                category: str = "1", disclosure: str = "suppress") -> pd.DataFrame:
    """Reach on one category by quarter of activity start date (quarters starting Jan, Apr,
    Jul, Oct, so they are also NHS financial-year quarters). Each quarter is protected as its
    own table of the dimension's categories.

    Besides REACH_COLUMNS, each row has `known`: the protected number of participants with a
    known value that the quarter's share is of ("*" when hidden; for the minimum count and the
    test of change, never shown: docs/disclosure.md), and `covered_from`, `covered_to`, `partial`:
    the part of the quarter both the period chosen and the data cover (from the ICS's first
    held activity to its latest, and not after today), partial when that is not the whole
    quarter (docs/methods.md section 2, Reach by quarter)."""
    resolved, policy = begin(con, scope, disclosure, *_TABLES)
    categories_for(dimension)
    counts = _counts(con, by_quarter=True)
    everyone = _everyone(counts)
    populations = _populations(con)
    shares = derived_population_shares(con, resolved, populations)
    wanted = ("plus_group", "plus_group_known", "sex", dimension)  # sex: everyone, with their keys
    dates = db.query(con, "queries/data_dates", preset=resolved.preset.id).iloc[0]
    rows = []
    for quarter, group in counts[counts["dimension"].isin(wanted)].groupby("quarter", sort=True):
        if not (group["dimension"] == dimension).any():
            continue
        day = pd.Timestamp(quarter).date()
        period = _quarter(con, resolved, day)
        cells = _cells(con, period, policy, dimension, resolved.place)
        table = _dimension_table(dimension, resolved, policy, group, populations, int(everyone.get(quarter, 0)),
                                 shares, cells, also=category)
        row = table[table["category"] == category].iloc[0].to_dict()
        covered_from, covered_to = _covered(day, period.scope, resolved.today, dates)
        known = share_of(table, category)
        rows.append({"quarter": day, **row, "known": known,
                     "covered_from": covered_from, "covered_to": covered_to,
                     "partial": covered_from > day or covered_to < _quarter_end(day)})
    return pd.DataFrame(rows, columns=["quarter", *REACH_COLUMNS, *TREND_COLUMNS])


TREND_COLUMNS = ["known", "covered_from", "covered_to", "partial"]


def _quarter_end(start: dt.date) -> dt.date:
    return (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()


def _covered(start: dt.date, period: Scope, today: dt.date, dates) -> tuple[dt.date, dt.date]:
    """The days of the quarter starting `start` that the period chosen (`period`: its dates
    already within the quarter) and the ICS's data cover: from its first held activity to its
    latest, and not after today."""
    first = period.date_from or start
    last = min(period.date_to or _quarter_end(start), today)
    if dates["first_activity"] is not None and not pd.isna(dates["first_activity"]):
        first = max(first, pd.Timestamp(dates["first_activity"]).date())
    if dates["latest_activity"] is not None and not pd.isna(dates["latest_activity"]):
        last = min(last, pd.Timestamp(dates["latest_activity"]).date())
    return first, max(first, last)
