"""The six questions a steering group asks in a workshop, each answered by one chart, the
sentence a speaker reads under it and the numbers behind it.

Workshop mode shows one per screen; the place pack (wpc.export.pack) puts one per slide or
page; `wpc export` writes their tables and charts. Everything comes from the measures
(wpc.measures, through wpc.dashboard) with one disclosure mode, the chart builders
(wpc.figures) and the sentences (wpc.narrative): nothing here recomputes a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import dashboard, db, figures, measures, narrative, status, vocab
from wpc.format import count, pct
from wpc.measures import log
from wpc.measures.disclosure import Policy
from wpc.measures.scope import Scope

# key -> (title, the question in words)
QUESTIONS: dict[str, tuple[str, str]] = {
    "core20": ("Core20 reach by place",
               "Do we reach people living in the most deprived fifth of England, place by place?"),
    "reach": ("Reach gaps", "Are the people we engage like the people who live here?"),
    "coverage": ("Coverage map", "Which neighbourhoods does our engagement reach?"),
    "cold_spots": ("Cold spots", "Which of our most deprived neighbourhoods have we not reached at all?"),
    "feedback": ("Feedback loop", "Did we tell people what changed because of what they said?"),
    "ladder": ("Ladder of participation", "How much power did our engagement share with people?"),
}
DEFAULT_DIMENSION = "ethnicity_group"
# Reach on deprivation is the Core20 question already; the others can be chosen.
REACH_DIMENSIONS = tuple(d for d in vocab.DIMENSIONS if d != "imd_quintile") + ("imd_quintile",)
SLIDE_ROWS = 8  # rows of a table that fit beside a chart; the full table is in the CSV


@dataclass(frozen=True)
class Table:
    """A table as people read it: counts ('*' when hidden), shares as 0-1 fractions."""

    name: str  # file name stem, e.g. "core20-by-place"
    title: str
    frame: pd.DataFrame
    percent_columns: tuple[str, ...] = ()
    one_decimal_columns: tuple[str, ...] = ()
    slide_columns: tuple[str, ...] | None = None  # the columns shown beside the chart (default: all)

    def on_slide(self, rows: int = SLIDE_ROWS) -> pd.DataFrame:
        columns = list(self.slide_columns or self.frame.columns)
        return self.frame[columns].head(rows)


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    ask: str
    figure: go.Figure
    sentences: tuple[str, ...]  # the first is the speaker's line
    tables: tuple[Table, ...]  # the first is shown beside the chart
    caption: str = ""  # how to read the chart (maps)

    @property
    def table(self) -> Table:
        return self.tables[0]


@dataclass(frozen=True)
class Context:
    """What every question of one scope shares."""

    scope: Scope
    name: str  # the place, else the ICS
    ics: str
    threshold: int
    disclosure: str
    preset: object = field(repr=False)
    # the places whose records (neighbourhoods, activities) may be listed; None = all of the
    # scope's (see wpc.access: aggregates follow disclosure control, lists follow access)
    record_places: frozenset[str] | None = None

    def records(self, frame: pd.DataFrame, column: str = "place") -> pd.DataFrame:
        if self.record_places is None:
            return frame
        return frame[frame[column].isin(self.record_places).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)

    def record_rows(self, rows: list[dict], key: str = "place") -> list[dict]:
        return rows if self.record_places is None else [r for r in rows if r.get(key) in self.record_places]


def context(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str,
            record_places: frozenset[str] | None = None) -> Context:
    resolved = measures.resolve(con, scope)
    return Context(scope=resolved.scope, name=resolved.name, ics=resolved.preset.name,
                   threshold=resolved.threshold, disclosure=disclosure, preset=resolved.preset,
                   record_places=None if record_places is None else frozenset(record_places))


def _core20(con, c: Context, dimension: str) -> Question:
    rows = dashboard.core20_by_place(con, dashboard.whole_ics(c.scope), c.disclosure)
    here = rows[rows["area"] == c.name].iloc[0].to_dict()
    figure = figures.share_intervals(rows, label_column="area", highlight=c.name,
                                     population_name="Residents in Core20 areas",
                                     share_title="Core20 share of participants (%), with 95% interval")
    table = Table("core20-by-place", "Core20 reach: the ICS and each place",
                  dashboard.reach_display(rows, label_column="area", label_title="Area"),
                  dashboard.SHARE_COLUMNS, dashboard.ONE_DECIMAL_COLUMNS,
                  slide_columns=("Area", "Participants", "Share of participants", "Residents' share",
                                 "Gap (points)"))
    return Question("core20", *QUESTIONS["core20"], figure,
                    (narrative.core20_reach(c.name, here), narrative.core20_places(c.ics, rows)), (table,))


def _reach(con, c: Context, dimension: str) -> Question:
    rows = measures.reach(con, c.scope, dimension, c.disclosure)
    label = vocab.DIMENSION_LABELS[dimension]
    table = Table(f"reach-{dimension.replace('_', '-')}", f"Reach: {label}", dashboard.reach_display(rows),
                  dashboard.SHARE_COLUMNS, dashboard.ONE_DECIMAL_COLUMNS,
                  slide_columns=("Category", "Participants", "Share of participants", "Residents' share",
                                 "Gap (points)"))
    title, ask = QUESTIONS["reach"]
    return Question("reach", f"{title} by {label[0].lower() + label[1:]}", ask, figures.share_intervals(rows),
                    (narrative.reach_gaps(c.name, rows), narrative.reach_unknown(rows)), (table,))


def _coverage_numbers(coverage: dict, spots: pd.DataFrame) -> pd.DataFrame:
    rate = coverage["rate_per_1000"]
    interval = ("–" if coverage["rate_ci_low"] is None
                else f"{coverage['rate_ci_low']:.1f} to {coverage['rate_ci_high']:.1f}")
    return pd.DataFrame({
        "Measure": ["Core20 neighbourhoods (LSOAs)", "Core20 neighbourhoods reached", "Share reached",
                    "Cold spots (Core20, nobody reached)", "Participants living here",
                    "Participants per 1,000 residents", "95% CI of the rate"],
        "Value": [f"{coverage['core20_lsoas']:,}", f"{coverage['core20_lsoas_reached']:,}",
                  pct(coverage["share"]), f"{len(spots):,}",
                  count(coverage["participants_living_here"]),
                  "–" if rate is None else f"{rate:.1f}", interval],
    })


def _coverage(con, c: Context, dimension: str) -> Question:
    coverage = measures.coverage(con, c.scope, c.disclosure)
    spots = measures.cold_spots(con, c.scope, c.disclosure)
    areas = c.records(dashboard.coverage_map(con, c.scope, c.disclosure))
    tables = (
        Table("coverage-summary", "Coverage of Core20 neighbourhoods", _coverage_numbers(coverage, spots)),
        Table("coverage-by-lsoa", "Every neighbourhood (LSOA): residents, participants and rate",
              dashboard.coverage_display(areas), one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS),
    )
    caption = ("Each shape is a neighbourhood (LSOA, about 1,500 residents) coloured by participants living "
               "there per 1,000 residents: darker = more. Vermillion = nobody reached; grey = 1 to "
               f"{c.threshold} participants, withheld. Cold spots have a thick black outline.")
    return Question("coverage", *QUESTIONS["coverage"], figures.lsoa_rate_map(areas, c.threshold),
                    (narrative.coverage_summary(c.name, coverage, spots),), tables, caption)


def _cold_spots(con, c: Context, dimension: str) -> Question:
    spots = c.records(measures.cold_spots(con, c.scope, c.disclosure))
    areas = c.records(dashboard.coverage_map(con, c.scope, c.disclosure))
    table = Table("cold-spots", "Cold spots: Core20 neighbourhoods with no participants, most deprived first",
                  dashboard.cold_spots_display(spots),
                  slide_columns=("LSOA", "Name", "IMD rank", "Residents"))
    caption = ("Neighbourhoods coloured by national IMD 2025 decile: darkest = most deprived 10% of England. "
               "Cold spots have a thick black outline.")
    return Question("cold_spots", *QUESTIONS["cold_spots"], figures.imd_decile_map(areas),
                    (narrative.cold_spots_first(spots),), (table,), caption)


def _feedback(con, c: Context, dimension: str) -> Question:
    loop = measures.feedback(con, c.scope, c.disclosure)
    tables = (
        Table("feedback-by-organisation", "Feedback loop by organisation (activities), most overdue first",
              log.feedback_table(loop["by_organisation"], "organisation").rename(columns=log.FEEDBACK_TITLES),
              percent_columns=("Share closed on time",),
              slide_columns=("Organisation", "Activities", "Closed on time", "Overdue")),
        Table("feedback-overdue", "Activities whose feedback is overdue, longest overdue first",
              log.overdue_table(c.record_rows(loop["overdue_activities"]), with_place=c.scope.place is None)),
    )
    return Question("feedback", *QUESTIONS["feedback"],
                    figures.feedback_by_organisation(loop["by_organisation"]),
                    (narrative.feedback(c.name, loop), narrative.overdue_by_organisation(loop)), tables,
                    loop["due_rule"].capitalize() + ".")


def _ladder(con, c: Context, dimension: str) -> Question:
    rungs = measures.ladder(con, c.scope, c.disclosure)
    table = Table("ladder", "Activities by rung of the ladder of participation",
                  rungs.rename(columns=log.STEP_TITLES),
                  percent_columns=("Share of those recorded",))
    return Question("ladder", *QUESTIONS["ladder"], figures.steps_bars(rungs, "rung"),
                    (narrative.ladder(c.name, rungs),), (table,),
                    "The last row counts the activities with no rung recorded, as a share of all.")


BUILDERS = {"core20": _core20, "reach": _reach, "coverage": _coverage, "cold_spots": _cold_spots,
            "feedback": _feedback, "ladder": _ladder}


def question(con: duckdb.DuckDBPyConnection, scope: Scope, key: str, dimension: str = DEFAULT_DIMENSION,
             disclosure: str = "suppress", record_places: frozenset[str] | None = None) -> Question:
    """One question answered for `scope` (key: one of QUESTIONS; dimension: for 'reach'), its
    lists of neighbourhoods and activities limited to `record_places` (None: no limit)."""
    if key not in BUILDERS:
        raise ValueError(f"no question {key!r}: the questions are {', '.join(QUESTIONS)}")
    if dimension not in vocab.DIMENSIONS:
        raise ValueError(f"no dimension {dimension!r}: use one of {', '.join(vocab.DIMENSIONS)}")
    return BUILDERS[key](con, context(con, scope, disclosure, record_places), dimension)


def all_questions(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str = DEFAULT_DIMENSION,
                  disclosure: str = "publish", record_places: frozenset[str] | None = None) -> list[Question]:
    """Every question, in workshop order, on one connection (so scope tables are built once)."""
    c = context(con, scope, disclosure, record_places)
    return [BUILDERS[key](con, c, dimension) for key in QUESTIONS]


@dataclass(frozen=True)
class About:
    """What a pack says about itself: scope, dates, disclosure, whether the data are synthetic."""

    name: str
    ics: str
    place: str | None
    period: str
    filters: str
    today: dt.date
    latest_upload: dt.date | None
    latest_activity: dt.date | None
    disclosure_note: str
    disclosure_mode: str
    threshold: int
    synthetic: bool

    @property
    def data_date(self) -> str:
        """'Engagement data uploaded up to 3 Oct 2025; activities starting up to 30 Sep 2025.'"""
        if self.latest_upload is None:
            return "No engagement data has been uploaded."
        text = f"Engagement data uploaded up to {_day(self.latest_upload)}"
        if self.latest_activity is not None:
            text += f"; latest activity starting {_day(self.latest_activity)}"
        return text + "."

    @property
    def short_disclosure(self) -> str:
        """One line for the foot of every slide."""
        return Policy(self.disclosure_mode, self.threshold).short_note


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


FILTER_WORDS = {"programme": "programme", "clinical_area": "clinical area", "method": "method",
                "organisation": "organisation", "target_group": "target group"}


def about(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "publish") -> About:
    c = context(con, scope, disclosure)
    s = c.scope
    resolved = measures.resolve(con, scope)
    if s.date_from or s.date_to:
        period = (f"Activities starting {_day(s.date_from) if s.date_from else 'any time'} to "
                  f"{_day(s.date_to) if s.date_to else 'now'}")
    else:
        period = "All activities (no period chosen)"
    filters = "; ".join(f"{words} = {getattr(s, name)}" for name, words in FILTER_WORDS.items()
                        if getattr(s, name))
    dates = db.query(con, "queries/data_dates", preset=s.preset).iloc[0]
    return About(
        name=c.name, ics=c.ics, place=s.place, period=period, filters=filters or "none",
        today=resolved.today, latest_upload=_date_or_none(dates["latest_upload"]),
        latest_activity=_date_or_none(dates["latest_activity"]),
        disclosure_note=Policy(disclosure, c.threshold).note, disclosure_mode=disclosure,
        threshold=c.threshold, synthetic=status.data_status(con)["demo"],
    )


def _date_or_none(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
