"""The scope's intermediate tables, built once per connection and scope.

Every measure reads a few small temporary tables instead of the raw engagement tables:

- int_scope_lsoas              the scope's LSOAs and residents
- int_scope_population         the scope's residents by census dimension and category
- int_scope_rows               the participant rows the scope's measures may read, narrow (row,
                               activity, home): the one scan of the (large) participants table
- int_scope_participants       the same rows with every answer, for measures of people's answers
- int_scope_refs               the same rows' hashed participant refs, for repeat participants
- int_scope_all_activities     the ICS's activities passing the filters, any status, flagged
                               place/period/window (plans and overlaps read the planned ones)
- int_scope_activities         the held ones (only held activities count in measures), with
                               where their participants come from
- int_scope_homes              participants by activity x home area (people who belong to the scope)
- int_scope_dimension_counts   the reach population by quarter x dimension x category

They are temporary (private to the connection, so read-only connections can build them) and
built only when a measure needs them. A connection remembers, for as long as it is open,
which scope they were built for, so a report running every measure builds each one once;
connections are short-lived (`wpc.db.reading`), so they never outlive the data they describe.
A process that opens many connections (the app) can keep the tables between them
(`wpc.measures.shared`): then a table already built for the same scope on the same database,
unchanged since, is registered instead of built again.
"""

from __future__ import annotations

import weakref

import duckdb
import pandas as pd
import pyarrow as pa

from wpc import db, vocab
from wpc.measures import kept, shared
from wpc.measures.disclosure import Policy
from wpc.measures.scope import ResolvedScope, Scope, resolve

# table -> the tables it is built from, in the order they are built. int_scope_activities
# needs to know which activities have any individual rows: it reads them from int_scope_rows
# when that is built (or being built) for the same measure, and otherwise from the
# participants table itself, so that activity measures (ladder, cycle, feedback) do not pay
# for the scope's scan of participants.
STEPS: dict[str, tuple[str, ...]] = {
    "int_scope_lsoas": (),
    "int_scope_population": ("int_scope_lsoas",),
    "int_scope_rows": ("int_scope_lsoas",),
    "int_scope_participants": ("int_scope_rows",),
    "int_scope_refs": ("int_scope_rows",),
    "int_scope_all_activities": (),
    "int_scope_activities": ("int_scope_all_activities",),
    "int_scope_homes": ("int_scope_lsoas", "int_scope_rows", "int_scope_activities"),
    "int_scope_dimension_counts": ("int_scope_lsoas", "int_scope_homes", "int_scope_participants"),
}

# Tables of counts (never people's rows) kept on disk beside the database for a later process
# (wpc.measures.kept): a place report then scans only what the measures of people's answers read.
KEPT_ON_DISK = ("int_scope_homes", "int_scope_dimension_counts")

# connection -> {"resolved": {Scope: ResolvedScope}, "key": scope key, "built": set of tables}
_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _vocab_ethnicity() -> pd.DataFrame:
    return pd.DataFrame(
        [(code, group) for code, (_label, group) in vocab.ETHNICITY.items()],
        columns=["ethnicity", "ethnicity_group"],
    )


def plus_group_basis(scope: ResolvedScope) -> pa.Table:
    """The preset's PLUS groups with a basis (vocab.PLUS_GROUP_BASIS) as rows: plus_group,
    answer, value (a value of that answer that puts a person in the group); text columns even
    when there are none."""
    rows = [(code, answer, value) for code, basis in scope.preset.derived_groups.items()
            for answer, values in basis.items() for value in values]
    return pa.table({name: pa.array([row[i] for row in rows], pa.string())
                     for i, name in enumerate(("plus_group", "answer", "value"))})


def _memo(con: duckdb.DuckDBPyConnection) -> dict:
    return _MEMO.setdefault(con, {"resolved": {}, "key": None, "built": set()})


def resolved_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> ResolvedScope:
    """`resolve(con, scope)`, remembered for the life of the connection."""
    cache = _memo(con)["resolved"]
    if scope not in cache:
        cache[scope] = resolve(con, scope)
    return cache[scope]


def prepare(con: duckdb.DuckDBPyConnection, scope: ResolvedScope, *tables: str) -> None:
    """Make sure `tables` (and what they are built from) exist on `con` for `scope`."""
    memo = _memo(con)
    if memo["key"] != scope.key:
        memo["key"], memo["built"] = scope.key, set()
        memo["database"] = shared.database_state(con)
    built: set[str] = memo["built"]
    params = scope.sql_params()
    for table in tables:
        if table not in STEPS:
            raise ValueError(f"unknown scope table {table!r}")
    needed = _needed(tables, built)
    on_disk = _from_disk(con, scope, memo, needed)

    for table in STEPS:
        if table not in needed or table in built:
            continue
        key = None if memo["database"] is None else (memo["database"], scope.key, table)
        kept_here = shared.get(key)
        _forget(con, table)
        if kept_here is not None:
            con.register(table, kept_here)
        else:
            if table == "int_scope_activities":
                _activity_rows_from(con, "int_scope_rows" if "int_scope_rows" in built else "participants")
            if table == "int_scope_dimension_counts":
                con.register("vocab_ethnicity", _vocab_ethnicity())
                con.register("plus_group_basis", plus_group_basis(scope))
            db.execute(con, f"intermediate/{table}", **params)
            if key is not None:
                shared.put(key, con.table(table).to_arrow_table())
            if table in KEPT_ON_DISK and on_disk is not None:
                kept.save_table(on_disk, kept.key_of(scope, today=True), table, con.table(table).to_arrow_table())
        built.add(table)


def _needed(tables, built: set[str]) -> set[str]:
    """`tables` and their inputs, all the way down, but for those built already. A table read
    from disk still has its inputs built: measures read them too (homes' activities, say)."""
    needed = set(tables)
    for table in reversed(STEPS):  # a table's inputs come before it in STEPS
        if table in needed:
            needed.update(STEPS[table])
    return needed - built


def _from_disk(con: duckdb.DuckDBPyConnection, scope: ResolvedScope, memo: dict, needed: set[str]):
    """Copy in the tables of `needed` kept on disk for this scope (wpc.measures.kept), marking
    them built; the database's state (None: nothing is kept for this database or none of
    `needed` could be)."""
    in_memory = memo["database"] is not None  # kept by this process (wpc.measures.shared): quicker
    wanted = [t for t in STEPS if t in needed and t in KEPT_ON_DISK
              and not (in_memory and shared.has((memo["database"], scope.key, t)))]
    if not wanted:
        return None
    state = kept.state(con)
    for table in wanted:
        found = kept.load_table(state, kept.key_of(scope, today=True), table)
        if found is not None:
            _forget(con, table)
            # copied into a table of the connection's own: measures read it many times, and
            # DuckDB reads its own tables faster than an Arrow table it is handed
            con.register("kept_table", found)
            con.execute(f"create temp table {table} as select * from kept_table")
            con.unregister("kept_table")
            memo["built"].add(table)
    return state


def _activity_rows_from(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Point the view int_scope_activities reads individual rows from at `source`: the scope's
    rows when they are built (they hold every row of the activities it asks about), else
    the participants table."""
    if source not in ("int_scope_rows", "participants"):
        raise ValueError(f"not a participants source: {source!r}")
    con.execute(f"create or replace temp view int_scope_activity_rows as select activity_id from {source}")


def _forget(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop a scope table built or registered for another scope, so the name is free."""
    try:
        con.unregister(table)
    except duckdb.Error:
        pass
    con.execute(f"drop table if exists temp.main.{table}")  # names come from STEPS only


def begin(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str, *tables: str
          ) -> tuple[ResolvedScope, Policy]:
    """What every measure does first: check the scope, choose the disclosure policy from the
    preset's threshold, and build the scope tables the measure reads."""
    resolved = resolved_scope(con, scope)
    policy = Policy(mode=disclosure, threshold=resolved.threshold)
    prepare(con, resolved, *tables)
    return resolved, policy
