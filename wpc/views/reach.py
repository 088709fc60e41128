"""Reach gaps: on one dimension, each category's share of participants against its share of
residents, with 95% intervals (docs/methods.md section 2), the unknowns beside it, and how one
category moved by quarter. The reach tables here serve Core20 reach and the workshop too."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures, vocab
from wpc.measures import stats
from wpc.measures.change import quarter_trend
from wpc.measures.scope import Scope
from wpc.views import charts, counts
from wpc.views.compare import extreme, names
from wpc.views.format import SUPPRESSED, count, gap_words, listed, pct, plural, quarter
from wpc.views.parts import Metric, Table

DIMENSIONS = vocab.DIMENSION_LABELS  # code -> label, in the order pages offer them
DEFAULT_DIMENSION = "imd_quintile"
SHARE_COLUMNS = ("Share of participants", "95% CI from", "95% CI to", "Residents' share")
ONE_DECIMAL_COLUMNS = ("Gap (points)", "Per 1,000 residents", "95% CI from", "95% CI to")
FLAG_WORDS = {
    "under": "Below residents' share",
    "over": "Above residents' share",
    "ok": "Within chance of residents' share",
}


@dataclass(frozen=True)
class ReachGaps:
    """Reach on one dimension for one scope."""

    name: str
    dimension: str
    label: str
    empty: bool  # nobody took part: nothing to show
    heading: str
    chart: go.Figure
    unknown: tuple[Metric, ...]
    unknown_sentence: str
    sentence: str
    table: Table
    categories: dict[str, str]  # code -> label, unknown left out (for the trend's chooser)
    focus: str  # the category the trend looks at first
    note: str | None = None  # how PLUS groups are counted (inclusion groups only)


@dataclass(frozen=True)
class ReachTrend:
    """One category's share of participants by quarter."""

    empty: bool
    chart: go.Figure | None
    sentence: str
    table: Table | None
    trend_test: str = ""  # the test for trend across the quarters plotted, in words (also in `sentence`)


def gaps(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str = DEFAULT_DIMENSION,
         disclosure: str = "suppress") -> ReachGaps:
    resolved = measures.resolve(con, scope)
    rows = measures.reach(con, scope, dimension, disclosure)
    label = DIMENSIONS[dimension]
    unknown = unknown_row(rows)
    return ReachGaps(
        name=resolved.name, dimension=dimension, label=label, empty=bool(rows["engaged"].eq(0).all()),
        heading=(f"{label}: participants against residents" if has_baseline(rows)
                 else f"{label}: share of participants"),
        chart=charts.share_intervals(rows),
        unknown=(Metric(counts.DEPRIVATION_UNKNOWN.label, count(unknown["engaged"]),
                        counts.DEPRIVATION_UNKNOWN.tooltip)
                 if dimension == "imd_quintile" else
                 Metric("Unknown or not given", count(unknown["engaged"]),
                        "Participants whose answer on this dimension is unknown: left out of the shares."),
                 Metric("Share of all participants", pct(unknown["share"]))),
        unknown_sentence=reach_unknown(rows), sentence=reach_gaps(resolved.name, rows),
        table=reach_table(rows, f"reach-{dimension.replace('_', '-')}", f"Reach: {label}", resolved.threshold),
        categories=categories(rows), focus=focus_category(rows),
        note=plus_groups_note(resolved.preset) if dimension == "inclusion_group" else None,
    )


def trend(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str, category: str,
          disclosure: str = "suppress") -> ReachTrend:
    resolved = measures.resolve(con, scope)
    rows = measures.reach_trend(con, scope, dimension, category, disclosure)
    if rows.empty:
        return ReachTrend(True, None, "", None)
    label = categories(measures.reach(con, scope, dimension, disclosure)).get(category, category)
    rows = trend_rows(rows, DIMENSION_NOUNS.get(dimension, "answer"))
    table = trend_display(rows)
    return ReachTrend(
        False, charts.reach_trend_chart(rows, label), reach_trend(resolved.name, label, rows),
        Table("reach-trend", f"{label} by quarter", table, SHARE_COLUMNS, ONE_DECIMAL_COLUMNS,
              threshold=resolved.threshold),
        trend_words(rows).strip(),
    )


def reach_table(rows: pd.DataFrame, name: str, title: str, threshold: int | None,
                label_column: str = "label", label_title: str = "Category") -> Table:
    """Reach rows as the table behind a chart (the first five columns fit beside it on a slide)."""
    return Table(name, title, reach_display(rows, label_column, label_title), SHARE_COLUMNS,
                 ONE_DECIMAL_COLUMNS, slide_columns=(label_title, "Participants", "Share of participants",
                                                     "Residents' share", "Gap (points)"),
                 threshold=threshold)


# ---------- tables as people read them (pure): plain column names, shares kept as 0-1 fractions


def _flag_words(flag) -> str | None:
    return FLAG_WORDS.get(flag) if isinstance(flag, str) else None


def _points(gap) -> float | None:
    return None if gap is None or pd.isna(gap) else round(float(gap), 1)


def reach_display(rows: pd.DataFrame, label_column: str = "label",
                  label_title: str = "Category") -> pd.DataFrame:
    """Reach rows (measures.reach, or core20_by_place with label_column='area') as a table."""
    return pd.DataFrame({
        label_title: rows[label_column].to_numpy(),
        "Participants": rows["engaged"].to_numpy(),
        "Share of participants": pd.to_numeric(rows["engaged_share"], errors="coerce").to_numpy(),
        "95% CI from": pd.to_numeric(rows["ci_low"], errors="coerce").to_numpy(),
        "95% CI to": pd.to_numeric(rows["ci_high"], errors="coerce").to_numpy(),
        "Residents' share": pd.to_numeric(rows["population_share"], errors="coerce").to_numpy(),
        "Gap (points)": [_points(g) for g in rows["gap_pp"]],
        "Flag": [_flag_words(f) for f in rows["flag"]],
    })


def unknown_row(rows: pd.DataFrame) -> dict:
    """The 'unknown' row of a reach table: its count ('*' if hidden) and share of all participants."""
    row = rows[rows["category"] == "unknown"].iloc[0]
    share = row["engaged_share"]
    return {"engaged": row["engaged"], "share": None if share is None or pd.isna(share) else float(share)}


def has_baseline(rows: pd.DataFrame) -> bool:
    """Whether a reach table has residents' shares to compare with (inclusion groups have none)."""
    return bool(pd.to_numeric(rows["population_share"], errors="coerce").notna().any())


def categories(rows: pd.DataFrame) -> dict[str, str]:
    """A reach table's categories (unknown left out) as code -> label, in order."""
    known = rows[rows["category"] != "unknown"]
    return dict(zip(known["category"], known["label"], strict=True))


def focus_category(reach_rows: pd.DataFrame) -> str:
    """The category a reach page looks at first (pure): Core20 for deprivation, otherwise
    the category furthest below its residents' share, else the first category."""
    categories = reach_rows[reach_rows["category"] != "unknown"]
    if categories.empty:
        return "1"
    if (categories["dimension"] == "imd_quintile").all() and "1" in set(categories["category"]):
        return "1"
    gaps = pd.to_numeric(categories["gap_pp"], errors="coerce")
    if gaps.notna().any():
        return str(categories.loc[gaps.idxmin(), "category"])
    return str(categories["category"].iloc[0])


# docs/methods.md section 2, Reach by quarter: a quarter's share is plotted only when at least
# this many participants have a known answer, so one or two people cannot swing the line.
TREND_MIN_KNOWN = 10


def part_quarter(row) -> str:
    """'part quarter: 7–31 Dec 2025' for a quarter the period or the data cover only partly."""
    start, end = pd.Timestamp(row["covered_from"]), pd.Timestamp(row["covered_to"])
    if start.month == end.month:
        days = f"{start.day}–{end.day} {end:%b %Y}"
    else:
        days = f"{start.day} {start:%b}–{end.day} {end:%b %Y}"
    return f"part quarter: {days}"


def trend_rows(trend: pd.DataFrame, noun: str = "answer", minimum: int = TREND_MIN_KNOWN) -> pd.DataFrame:
    """measures.reach_trend rows made honest to plot (pure): a quarter with fewer than `minimum`
    participants with a known answer keeps its counts but loses its share and interval, and
    every quarter gets a `gap` (why it is not plotted, '' if it is) and a `note` for the table
    (the gap and whether it is a part quarter)."""
    rows = trend.copy()
    gaps, notes = [], []
    for i, row in rows.iterrows():
        known = row.get("known")
        too_few = known is not None and known != SUPPRESSED and not pd.isna(known) and int(known) < minimum
        gap = ""
        if row["suppressed"] or row["engaged"] == SUPPRESSED or known == SUPPRESSED:
            gap = "hidden (*) to protect privacy"
        elif too_few:
            gap = f"fewer than {minimum} participants with a known {noun}"
        elif pd.isna(row["engaged_share"]):
            gap = "too few participants to show a share"
        if too_few:
            rows.loc[i, ["engaged_share", "ci_low", "ci_high", "gap_pp", "ratio", "flag"]] = None
        note = [f"not plotted: {gap}"] if gap else []
        if bool(row.get("partial", False)):
            note.append(part_quarter(row))
        gaps.append(gap)
        notes.append("; ".join(note))
    rows["gap"] = gaps
    rows["note"] = notes
    rows["engaged_share"] = pd.to_numeric(rows["engaged_share"], errors="coerce")
    return rows


def trend_display(trend: pd.DataFrame) -> pd.DataFrame:
    """trend_rows as a table, one row per quarter, with why a quarter is a gap or a part. The
    number each share is of is not shown (share denominators are not, docs/disclosure.md)."""
    table = reach_display(trend).drop(columns=["Category"])
    table.insert(0, "Quarter", [quarter(q) for q in trend["quarter"]])
    if "note" in trend:
        table["Note"] = [note[0].upper() + note[1:] if note else "" for note in trend["note"]]
    return table


def plus_groups_note(preset) -> str:
    """How the preset's PLUS groups are counted (pure): from an answer or the home area, or
    only as people named them."""
    derived = preset.derived_groups
    said = []
    for code, basis in derived.items():
        from_what = " or ".join(vocab.PLUS_GROUP_BASIS_WORDS[answer] for answer in basis)
        said.append(f"{preset.plus_group_label(code)} by their {from_what}")
    named = [preset.plus_group_label(c) for c in preset.plus_groups if c not in derived]
    words = []
    if said:
        words.append("Counted from what people told us or where they live, as well as from naming the group: "
                     + "; ".join(said) + ". Those shares are of the people whose answer is known, against Census "
                     "2021 residents where the census counts the group.")
    if named:
        words.append("The other groups count only the people who named them, as a share of all participants "
                     "(the census does not count them; a local baseline the preset gives is their residents' "
                     "share).")
    return " ".join(words)


# What each reach dimension asks people, as it reads inside a sentence.
DIMENSION_NOUNS = {
    "imd_quintile": "home area",
    "ethnicity_group": "ethnic group",
    "ethnicity": "ethnic group",
    "age_band": "age",
    "sex": "sex",
    "disability": "disability status",
    "carer": "unpaid carer status",
    "inclusion_group": "inclusion or PLUS group",
}


def _category_gaps(rows, judged: str = "") -> str:
    """'Asian: 5.0% of participants against 9.0% of residents (4.0 points short)', tied
    categories together with the gap said once."""
    said = [f"{row['label']}: {pct(row['engaged_share'])} of participants against "
            f"{pct(row['population_share'])} of residents" for row in rows.to_dict("records")]
    each = "" if len(rows) == 1 else " each"
    return f"{listed(said) if len(said) > 1 else said[0]} ({gap_words(rows.iloc[0]['gap_pp'])}{each}{judged})"


def reach_gaps(scope_name: str, reach_rows) -> str:
    """The largest shortfall and the largest over-representation on one dimension (reach rows)."""
    noun = DIMENSION_NOUNS.get(reach_rows["dimension"].iloc[0], "answer")
    rows = reach_rows[reach_rows["category"] != "unknown"]
    shown = rows[rows["engaged_share"].notna()]
    if shown.empty:
        return f"No participant in {scope_name} has a known {noun} in this period that can be shown."
    if shown["population_share"].isna().all():
        top = extreme(shown, "engaged_share", pct, lowest=False)
        groups = "group" if len(top) == 1 else "groups, tied,"
        return (f"There is no census count of each {noun}, so only the participants' shares are shown: "
                f"the largest {groups} in {scope_name} {'is' if len(top) == 1 else 'are'} {names(top, 'label')} "
                f"({pct(top.iloc[0]['engaged_share'])} of participants{'' if len(top) == 1 else ' each'}).")
    parts = []
    under = shown[shown["flag"] == "under"]
    if len(under):
        worst = extreme(under, "gap_pp", gap_words, lowest=True)
        which = "the largest shortfall is" if len(worst) == 1 else "the largest shortfalls, tied, are"
        parts.append(f"In {scope_name}, {which} {_category_gaps(worst, ', beyond chance')}.")
    else:
        parts.append(f"In {scope_name}, no category of {noun} is reached clearly less than its share of "
                     "residents.")
    over = shown[shown["flag"] == "over"]
    if len(over):
        most = extreme(over, "gap_pp", gap_words, lowest=False)
        which = "The most over-represented is" if len(most) == 1 else "The most over-represented, tied, are"
        parts.append(f"{which} {_category_gaps(most)}.")
    withheld = int(rows["suppressed"].sum())
    if withheld:
        parts.append(f"{plural(withheld, 'category is', 'categories are')} hidden (*) to protect privacy.")
    return " ".join(parts)


def reach_unknown(reach_rows) -> str:
    """How many participants are unknown on the dimension and left out of its shares."""
    dimension = reach_rows["dimension"].iloc[0]
    noun = DIMENSION_NOUNS.get(dimension, "answer")
    row = reach_rows[reach_rows["category"] == "unknown"].iloc[0]
    if dimension == "inclusion_group":
        what, effect = f"named no {noun}", "each group's share is of all participants"
    elif dimension == "imd_quintile":  # the named count (wpc.views.counts), not the home area unknown
        what = "no known home area and no IMD quintile from a return"
        effect = "they are left out of the shares"
    else:
        what, effect = f"did not give their {noun}", "they are left out of the shares"
    if row["engaged"] == 0:
        return f"Every participant's {noun} is known."
    if dimension == "imd_quintile":
        hidden = row["engaged"] == SUPPRESSED
        share = "hidden to protect privacy" if hidden else f"{pct(row['engaged_share'])} of all"
        return f"{counts.DEPRIVATION_UNKNOWN.says(row['engaged'])} ({share}): {what}; {effect}."
    if row["engaged"] == SUPPRESSED:
        return f"A few participants (*) {what}; {effect}."
    return f"{count(row['engaged'])} participants ({pct(row['engaged_share'])} of all) {what}; {effect}."


def trend_change(first, last):
    """Newcombe's 95% interval (stats.newcombe_difference) for the change from the `first`
    quarter's share to the `last` one's, from their counts; None when a count is not known."""
    counts = []
    for row in (last, first):
        known = row.get("known")
        if known is None or known == SUPPRESSED or pd.isna(known) or row["engaged"] == SUPPRESSED:
            return None
        counts += [min(int(row["engaged"]), int(known)), int(known)]
    return stats.newcombe_difference(*counts)


def _quarter_named(row) -> str:
    """'Oct–Dec 2025 (part quarter: 7–31 Dec 2025)' or 'Jan–Mar 2026'."""
    note = part_quarter(row) if bool(row.get("partial", False)) else ""
    return f"{quarter(row['quarter'])} ({note})" if note else quarter(row["quarter"])


def reach_trend(scope_name: str, category_label: str, trend) -> str:
    """How one category's share of participants moved between the first and last quarter
    plotted (`trend_rows`), whether that change is beyond chance (Newcombe's interval), and
    which quarters are part quarters or gaps."""
    shown = trend[trend["engaged_share"].notna()]
    gaps = trend[trend["engaged_share"].isna()]
    gap_words = ""
    for reason, quarters in gaps.groupby(gaps.get("gap", pd.Series("", index=gaps.index)), sort=False):
        gap_words += (f" Not plotted, {reason or 'no share'}: "
                      f"{listed([quarter(q) for q in quarters['quarter']])}.")
    if shown.empty:
        return (f"No quarter has enough participants in {scope_name} to show {category_label} safely."
                f"{gap_words}")
    last = shown.iloc[-1]
    residents = "" if pd.isna(last["population_share"]) else f"; residents: {pct(last['population_share'])}"
    if len(shown) == 1:
        return (f"In {_quarter_named(last)}, {pct(last['engaged_share'])} of participants in "
                f"{scope_name} were {category_label}{residents}; no other quarter can be plotted.{gap_words}")
    first = shown.iloc[0]
    words = (f"{category_label}: {pct(first['engaged_share'])} of participants in {scope_name} in "
             f"{_quarter_named(first)}, {pct(last['engaged_share'])} in {_quarter_named(last)}{residents}.")
    change = trend_change(first, last)
    if change is None:
        words += (" Whether the change is beyond chance cannot be judged: the counts behind a share are not "
                  "shown.")
    else:
        size = 100 * (last["engaged_share"] - first["engaged_share"])  # as the shares are written
        moved = ("no change" if round(size, 1) == 0
                 else f"a {'rise' if size > 0 else 'fall'} of {abs(size):.1f} points")
        interval = (f"95% interval of the change {100 * change.ci_low:.1f} to {100 * change.ci_high:.1f} "
                    "points")
        verdict = ("beyond chance" if change.beyond_chance
                   else "it could be chance")
        words += f" From the first to the last quarter plotted that is {moved}: {verdict} ({interval})."
    return words + trend_words(trend) + gap_words


def p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def trend_words(trend) -> str:
    """The chi-squared test for trend across the quarters plotted (measures.change.quarter_trend), in
    words; nothing when fewer than three quarters are plotted."""
    plotted = int(pd.to_numeric(trend["engaged_share"], errors="coerce").notna().sum())
    if plotted < 3:
        return ""
    found = quarter_trend(trend)
    if found is None:
        return " The test for trend across quarters cannot be made: a count behind a share is not shown."
    if found.p_value < 0.05:
        return (f" Across the {plotted} quarters plotted the chi-squared test for trend finds a "
                f"{'rising' if found.direction > 0 else 'falling'} trend ({p_value(found.p_value)}).")
    return (f" Across the {plotted} quarters plotted the chi-squared test for trend finds no clear trend "
            f"({p_value(found.p_value)}).")
