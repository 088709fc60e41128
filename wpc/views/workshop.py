"""Workshop screens: the questions a steering group asks, each answered by one chart, the
sentence a speaker reads under it and the numbers behind it.

Workshop mode shows one per screen; the place pack (wpc.export.pack) puts one per slide or
page; `wpc export` writes their tables and charts. Each screen is made from the view of its
question (wpc.views.core20, reach, coverage, activity) with one disclosure mode: nothing here
recomputes a number. Lists of neighbourhoods and activities show only the person's places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import db, measures, status, vocab
from wpc.access import Access
from wpc.measures.change import baseline_scope
from wpc.measures.disclosure import Policy
from wpc.measures.scope import Scope
from wpc.views import activity, change, charts, core20, coverage, gradient, naming, reach, targets, what_works
from wpc.views.parts import SLIDE_ROWS, Table, limit

# key -> (title, the question in words)
QUESTIONS: dict[str, tuple[str, str]] = {
    "core20": ("Core20 reach by place",
               "Do we reach people living in the most deprived fifth of England, place by place?"),
    "reach": ("Reach gaps", "Are the people we engage like the people who live here?"),
    "coverage": ("Coverage map", "Which neighbourhoods does our engagement reach?"),
    "cold_spots": ("Cold spots", "Which of our most deprived neighbourhoods have we not reached at all?"),
    "feedback": ("Feedback loop", "Did we tell people what changed because of what they said?"),
    "ladder": ("Ladder of participation", "How much power did our engagement share with people?"),
    "targets": ("Targets", "Are we meeting the targets we set, and how many more people would close the gap?"),
    "change": ("Change over time", "Is our reach of Core20 people getting better?"),
    "what_works": ("What works", "Which kinds of partner reach people in Core20 areas, and at what cost?"),
    "gradient": ("Deprivation gradient", "Is engagement higher or lower in more deprived neighbourhoods?"),
}
DEFAULT_DIMENSION = "ethnicity_group"
# Reach on deprivation is the Core20 question already; the others can be chosen.
REACH_DIMENSIONS = tuple(d for d in vocab.DIMENSIONS if d != "imd_quintile") + ("imd_quintile",)
DIMENSION_LABELS = vocab.DIMENSION_LABELS
__all__ = ["SLIDE_ROWS", "Table"]


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


def _core20(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = core20.places(con, scope, disclosure)
    return Question("core20", *QUESTIONS["core20"], view.chart, view.sentences, (view.table,))


def _reach(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = reach.gaps(con, scope, dimension, disclosure)
    title, ask = QUESTIONS["reach"]
    return Question("reach", f"{title} by {view.label[0].lower() + view.label[1:]}", ask, view.chart,
                    (view.sentence, view.unknown_sentence), (view.table,))


def _coverage(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    resolved = measures.resolve(con, scope)
    numbers = measures.coverage(con, scope, disclosure)
    spots = measures.cold_spots(con, scope, disclosure)
    shown = coverage.coverage_map(con, scope, "rate", access, disclosure)
    caption = ("Each shape is a neighbourhood (LSOA, about 1,500 residents) coloured by participants living "
               "there per 1,000 residents: darker = more. Vermillion = nobody reached; grey = 1 to "
               f"{resolved.threshold} participants, withheld. Cold spots have a thick black outline.")
    tables = (Table("coverage-summary", "Coverage of Core20 neighbourhoods", coverage.summary_table(numbers, spots)),
              Table("coverage-by-lsoa", shown.table.title, shown.table.frame,
                    one_decimal_columns=reach.ONE_DECIMAL_COLUMNS))
    return Question("coverage", *QUESTIONS["coverage"], shown.chart,
                    (coverage.coverage_summary(resolved.name, numbers, spots),), tables, caption)


def _cold_spots(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    resolved = measures.resolve(con, scope)
    spots = limit(access, resolved.scope, measures.cold_spots(con, scope, disclosure))
    shown = coverage.coverage_map(con, scope, "imd_decile", access, disclosure)
    table = Table("cold-spots", "Cold spots: Core20 neighbourhoods with no participants, most deprived first",
                  coverage.cold_spots_display(spots), slide_columns=("LSOA", "Name", "IMD rank", "Residents"))
    caption = ("Neighbourhoods coloured by national IMD 2025 decile: darkest = most deprived 10% of England. "
               "Cold spots have a thick black outline.")
    return Question("cold_spots", *QUESTIONS["cold_spots"], shown.chart, (coverage.cold_spots_first(spots),),
                    (table,), caption)


def _feedback(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = activity.feedback_loop(con, scope, access, disclosure)
    return Question("feedback", *QUESTIONS["feedback"], view.chart, (view.sentence, view.overdue_sentence),
                    (view.by_organisation, view.overdue), view.due_rule)


def _ladder(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = activity.steps(con, scope, "ladder", disclosure)
    return Question("ladder", *QUESTIONS["ladder"], view.chart, (view.sentence,), (view.table,),
                    "The last row counts the activities with no rung recorded, as a share of all.")


TARGETS_CAPTION = ("✓ met: the whole 95% interval is at or above the target (black tick); ✗ not met: wholly "
                   "below it; ? not yet clear: the interval holds it.")


def _targets(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = targets.build(con, scope, disclosure)
    figure = view.chart if view.chart is not None else go.Figure()
    return Question("targets", *QUESTIONS["targets"], figure, (view.summary, *view.more[:3]), (view.table,),
                    TARGETS_CAPTION)


def _change(con, scope: Scope, access, disclosure: str, dimension: str,
            baseline: Scope | None = None) -> Question:
    """The Core20 share's change from the baseline period (default: the same length just before the
    period chosen) and its trend by quarter with the test for trend (docs/methods.md section 18)."""
    shift = change.change(con, scope, baseline or baseline_scope(scope), "imd_quintile", disclosure)
    trend = reach.trend(con, scope, "imd_quintile", "1", disclosure)
    figure = trend.chart if not trend.empty else charts.no_data_figure("No quarter has participants to plot.")
    # short enough for a slide: the change, then the periods and the test for trend (the chart shows the rest)
    more = " ".join(words for words in (shift.periods, trend.trend_test) if words)
    sentences = (shift.sentence, *([more] if more else []))
    tables = tuple(t for t in (shift.table, trend.table) if t is not None) or (
        Table("change", "Change over time", pd.DataFrame({"Change": []})),)
    return Question("change", *QUESTIONS["change"], figure, sentences, tables)


def _what_works(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = what_works.build(con, scope, what_works.DEFAULT_BREAKDOWN, disclosure)
    return Question("what_works", *QUESTIONS["what_works"], view.chart, (view.sentence, view.cost_sentence),
                    (view.table,), what_works.CAPTION)


def _gradient(con, scope: Scope, access, disclosure: str, dimension: str) -> Question:
    view = gradient.build(con, scope, disclosure)
    return Question("gradient", *QUESTIONS["gradient"], view.chart,
                    (view.sentence, " · ".join(f"{m.label}: {m.value}" for m in view.metrics)), (view.table,),
                    gradient.CAPTION)


BUILDERS = {"core20": _core20, "reach": _reach, "coverage": _coverage, "cold_spots": _cold_spots,
            "feedback": _feedback, "ladder": _ladder, "targets": _targets, "change": _change,
            "what_works": _what_works, "gradient": _gradient}
# Screens a pack leaves out when they have nothing to show for the scope (no targets set).
OPTIONAL = {"targets": lambda con, scope: bool(targets.applies(con, scope))}


def question(con: duckdb.DuckDBPyConnection, scope: Scope, key: str, dimension: str = DEFAULT_DIMENSION,
             disclosure: str = "suppress", access: Access | None = None,
             baseline: Scope | None = None) -> Question:
    """One question answered for `scope` (key: one of QUESTIONS; dimension: for 'reach'), its
    lists of neighbourhoods and activities limited to what `access` may see (None: no limit);
    `baseline`: the period 'change' compares with (None: the same length just before)."""
    if key not in BUILDERS:
        raise ValueError(f"no question {key!r}: the questions are {', '.join(QUESTIONS)}")
    if dimension not in vocab.DIMENSIONS:
        raise ValueError(f"no dimension {dimension!r}: use one of {', '.join(vocab.DIMENSIONS)}")
    if key == "change":
        return _change(con, scope, access, disclosure, dimension, baseline)
    return BUILDERS[key](con, scope, access, disclosure, dimension)


PROJECTOR_FONT = 19
PROJECTOR_HEIGHT = 470  # the chart, its sentence and the controls fit one 1080p screen


def projected(con: duckdb.DuckDBPyConnection, scope: Scope, key: str, dimension: str = DEFAULT_DIMENSION,
              access: Access | None = None, baseline: Scope | None = None) -> Question:
    """The question as workshop mode shows it: its chart in large type at the projector's
    height (the larger tick labels push the margins out, not off the screen). Made here, not
    in the page, so the page never restyles a figure that sessions share (wpc.ui.cache)."""
    shown = question(con, scope, key, dimension, access=access, baseline=baseline)
    shown.figure.update_layout(font=dict(size=PROJECTOR_FONT), height=PROJECTOR_HEIGHT, margin=dict(b=30))
    shown.figure.update_xaxes(automargin=True)
    shown.figure.update_yaxes(automargin=True)
    return shown


def all_questions(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str = DEFAULT_DIMENSION,
                  disclosure: str = "publish", access: Access | None = None,
                  baseline: Scope | None = None) -> list[Question]:
    """Every question, in workshop order, on one connection (so scope tables are built once)."""
    return [question(con, scope, key, dimension, disclosure, access, baseline) for key in QUESTIONS
            if key not in OPTIONAL or OPTIONAL[key](con, scope)]


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


def about(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "publish") -> About:
    resolved = measures.resolve(con, scope)
    s = resolved.scope
    if s.date_from or s.date_to:
        period = (f"Activities starting {_day(s.date_from) if s.date_from else 'any time'} to "
                  f"{_day(s.date_to) if s.date_to else 'now'}")
    else:
        period = "All activities (no period chosen)"
    filters = "; ".join(naming.filters(s, resolved.preset))  # 'Programme: Mental health', labels not codes
    dates = db.query(con, "queries/data_dates", preset=s.preset).iloc[0]
    return About(
        name=resolved.name, ics=resolved.preset.name, place=s.place, period=period, filters=filters or "none",
        today=resolved.today, latest_upload=_date_or_none(dates["latest_upload"]),
        latest_activity=_date_or_none(dates["latest_activity"]),
        disclosure_note=Policy(disclosure, resolved.threshold).note, disclosure_mode=disclosure,
        threshold=resolved.threshold, synthetic=status.data_status(con)["demo"],
    )


def _date_or_none(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
