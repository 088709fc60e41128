"""Engagement fatigue (docs/methods.md section 5): who is asked again and again: neighbourhoods
whose residents take part far more, for their size, than the ICS's typical neighbourhood
(over-asked), people at many activities (repeat participants), and activities aimed at the same
group in the same place (overlaps).

The window is the preset's fatigue window (default 90 days) ending on the last day of the
scope's period, or on today when no period end is given; activities count when they start
in it. The scope's activity filters apply; its period start does not.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from wpc import db
from wpc.measures import families, kept, stats
from wpc.measures.disclosure import SUPPRESSED
from wpc.measures.plain import records
from wpc.measures.prepare import begin, prepare
from wpc.measures.scope import ResolvedScope, Scope


def over_limit(neighbourhoods: pd.DataFrame, resolved: ResolvedScope) -> np.ndarray:
    """The plan check's rule (docs/methods.md section 15): a neighbourhood reached by at least
    the preset's fatigue limit of distinct activities in a window. `neighbourhoods` has
    `activities`."""
    return neighbourhoods["activities"].to_numpy() >= resolved.preset.thresholds.fatigue_limit


def over_asked(neighbourhoods: pd.DataFrame, multiple: float) -> tuple[pd.DataFrame, float | None]:
    """Participations per 1,000 residents with its 95% interval (stats.rate_interval) for every neighbourhood of
    the ICS reached in the window, and which are over-asked (pure; docs/methods.md section 5).

    `neighbourhoods` has population, participations (as shown: '*' when hidden) and
    `participations_value` (the protected count statistics use). The ICS's median rate is the
    median over the rates shown; a neighbourhood is over-asked when its interval lies wholly
    above `multiple` x that median. A hidden count has no rate and is never flagged. Returns
    the rows with rate_per_1000, ci_low, ci_high, over_asked, and the median (None if no rate)."""
    frame = neighbourhoods.copy()
    hidden = frame["participations"].eq(SUPPRESSED).to_numpy()
    rate, low, high = stats.rate_interval(frame["participations_value"].to_numpy(dtype=float),
                                          frame["population"].to_numpy(dtype=float))
    rate, low, high = (np.where(hidden, np.nan, values) for values in (rate, low, high))
    shown = rate[~np.isnan(rate)]
    median = float(np.median(shown)) if len(shown) else None
    frame["rate_per_1000"], frame["ci_low"], frame["ci_high"] = rate, low, high
    frame["over_asked"] = (~np.isnan(low)) & (low > multiple * median) if median is not None else False
    return frame, median


def _ics_neighbourhoods(con: duckdb.DuckDBPyConnection, ics: ResolvedScope) -> pd.DataFrame:
    """measures/fatigue_neighbourhoods for the whole ICS, before protection: worked out on the
    ICS's scope tables, or read where it was kept (wpc.measures.kept) for the same data, ICS
    and window."""
    state = kept.state(con)
    key = f"{kept.key_of(ics, today=False)}.{ics.window_start}.{ics.window_end}"
    table = kept.load_table(state, key, "fatigue_neighbourhoods")
    if table is not None:
        return table.to_pandas()
    cursor = families.cursor(con)
    prepare(cursor, ics, "int_scope_lsoas", "int_scope_homes")
    frame = db.query(cursor, "measures/fatigue_neighbourhoods")
    kept.save_table(state, key, "fatigue_neighbourhoods", pa.Table.from_pandas(frame, preserve_index=False))
    return frame


def fatigue_neighbourhoods(con: duckdb.DuckDBPyConnection, scope: Scope,
                           disclosure: str = "suppress") -> tuple[pd.DataFrame, float | None]:
    """Each neighbourhood (MSOA) of the scope reached in the window: msoa_code, msoa_name,
    place, population, activities (distinct activities with a participant living there),
    participations (one per person per activity, protected), rate_per_1000, ci_low, ci_high,
    over_asked; over-asked first, then by rate. With the ICS's median rate.

    The participations of every neighbourhood of the ICS are protected as one table (hidden 1
    to the threshold, others changed slightly by their record keys, docs/disclosure.md rule 6),
    so a place and its ICS show the same numbers; rates, intervals and the median come from
    the counts shown."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    frame = _ics_neighbourhoods(con, families.whole_ics(con, resolved))
    # no total of these participations is shown, so no complementary count is needed
    protected = policy.protect(frame["participations"].to_numpy(), complementary=False,
                               keys=frame["key_sum"].to_numpy())
    frame = frame.drop(columns=["key_sum"]).assign(  # keys are secret: never shown
        participations=pd.Series(protected.shown(), index=frame.index, dtype=object),
        participations_value=protected.values)
    frame, median = over_asked(frame, resolved.preset.thresholds.fatigue_multiple)
    if resolved.place is not None:
        frame = frame[frame["place"] == resolved.place]
    frame = frame.sort_values(["over_asked", "rate_per_1000", "msoa_code"], ascending=[False, False, True],
                              na_position="last")
    frame = frame.drop(columns=["participations_value"]).reset_index(drop=True)
    for column in ("rate_per_1000", "ci_low", "ci_high"):
        frame[column] = [None if np.isnan(v) else policy.rate(v) for v in frame[column]]
    return frame, (None if median is None else policy.rate(median))


def repeat_participants(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """People (by hashed participant ref) in the window and how many took part in at least the
    fatigue limit of distinct activities. Participants without a ref cannot be followed. Each
    count stands alone (no shown count adds up with it), so each is protected on its own."""
    resolved, policy = begin(con, scope, disclosure, "int_scope_refs", "int_scope_activities")
    row = db.query(con, "measures/repeat_participants", **resolved.sql_params()).iloc[0]
    return {
        "participants_with_ref": policy.show_one(int(row["people_with_ref"]), int(row["people_key_sum"])),
        "repeat_participants": policy.show_one(int(row["repeat_participants"]), int(row["repeat_key_sum"])),
    }


def overlaps(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Place x target group with two or more of the scope's held or planned activities in the
    window: place, target_group, activities, activity_ids, titles, statuses, high (at or above
    the limit)."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_all_activities")
    frame = db.query(con, "measures/overlaps")
    frame["high"] = frame["activities"] >= resolved.preset.thresholds.fatigue_limit
    return frame


def fatigue(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> dict:
    """All of docs/methods.md section 5 for the scope, with the window it looked at."""
    resolved, _policy = begin(con, scope, disclosure, "int_scope_lsoas", "int_scope_homes")
    neighbourhoods, median = fatigue_neighbourhoods(con, scope, disclosure)
    overlapping = overlaps(con, scope, disclosure)
    thresholds = resolved.preset.thresholds
    return {
        "window_start": resolved.window_start.isoformat(),
        "window_end": resolved.window_end.isoformat(),
        "window_days": thresholds.fatigue_window_days,
        "limit": thresholds.fatigue_limit,
        "multiple": thresholds.fatigue_multiple,
        "ics_median_rate": median,
        "neighbourhoods_reached": len(neighbourhoods),
        "neighbourhoods_over_asked": int(neighbourhoods["over_asked"].sum()),
        "neighbourhoods": records(neighbourhoods),
        **repeat_participants(con, scope, disclosure),
        "overlaps": records(overlapping),
    }
