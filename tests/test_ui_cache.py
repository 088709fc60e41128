"""The pages' cache (wpc.ui.cache): one result per key shared by every session of a server, each
call handed its own shell of it, so no session sees what another session's page changed, and
a result never outlives the database version it was read from."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

from wpc.config import ROOT
from wpc.ui import cache
from wpc.views import workshop


@dataclasses.dataclass(frozen=True)
class Shown:
    table: pd.DataFrame
    figure: go.Figure
    sentences: list
    counts: dict
    nested: tuple


def people(con, place: str) -> Shown:
    """What a page might be given: a frame, a figure, a list, a dict, a tuple of frames."""
    frame = con.execute("select place, people from counts where place = ? order by people", [place]).df()
    return Shown(frame, go.Figure(go.Bar(x=frame["place"], y=frame["people"])), [f"{len(frame)} rows"],
                 {"total": int(frame["people"].sum())}, (frame.head(1),))


@pytest.fixture
def counts_db(tiny_db) -> Path:
    with duckdb.connect(str(tiny_db)) as con:
        con.execute("create table counts as select * from "
                    "(values ('North', 12), ('North', 30), ('South', 7)) t(place, people)")
    cache.clear()
    yield tiny_db
    cache.clear()


def test_a_session_changing_its_result_changes_nothing_another_session_gets(counts_db):
    first = cache.call(people, counts_db, place="North")
    first.table.loc[0, "people"] = 999_999  # everything a page could change in what it was given
    first.table["extra"] = 1
    first.sentences.append("changed")
    first.counts["total"] = -1
    first.nested[0].loc[0, "people"] = 999_999
    second = cache.call(people, counts_db, place="North")
    assert second.table.to_dict("list") == {"place": ["North", "North"], "people": [12, 30]}
    assert second.sentences == ["2 rows"] and second.counts == {"total": 42}
    assert second.nested[0].to_dict("list") == {"place": ["North"], "people": [12]}
    assert second.table is not first.table and second.sentences is not first.sentences
    # the figure is shared, not rebuilt (the point of the shared cache); pages never change one
    assert second.figure is first.figure


def test_each_scope_has_its_own_result(counts_db):
    assert cache.call(people, counts_db, place="South").counts == {"total": 7}
    assert cache.call(people, counts_db, place="North").counts == {"total": 42}


def test_a_result_is_not_kept_past_an_upload(counts_db):
    assert cache.call(people, counts_db, place="South").counts == {"total": 7}
    with duckdb.connect(str(counts_db)) as con:  # another process writes: the version changes
        con.execute("insert into counts values ('South', 5)")
    assert cache.call(people, counts_db, place="South").counts == {"total": 12}


def test_fresh_copies_what_it_does_not_know():
    class Box:
        def __init__(self):
            self.items = [1]

    box = Box()
    copied = cache.fresh({"box": box})["box"]
    copied.items.append(2)
    assert box.items == [1]


def test_workshop_chart_is_made_in_projector_type_by_the_view():
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    question = workshop.Question("k", "Title", "Ask?", figure, ("Said.",), ())

    def built(con, scope, key, dimension, access=None, baseline=None):
        return question

    original = workshop.question
    workshop.question = built
    try:
        shown = workshop.projected(None, None, "k")
    finally:
        workshop.question = original
    layout = shown.figure.layout
    assert (layout.font.size, layout.height, layout.margin.b) == (workshop.PROJECTOR_FONT,
                                                                  workshop.PROJECTOR_HEIGHT, 30)
    assert layout.xaxis.automargin and layout.yaxis.automargin


FIGURE_CHANGES = {"update_layout", "update_xaxes", "update_yaxes", "update_traces", "add_trace", "add_traces",
                  "add_annotation", "add_shape", "add_hline", "add_vline", "for_each_trace"}


def test_no_page_or_widget_changes_a_figure():
    """Figures from the cache are shared by every session: no page script or widget may call
    plotly's changing methods (the workshop's projector type is made in wpc.views.workshop)."""
    found = []
    for path in [*sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "wpc" / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr in FIGURE_CHANGES:
                found.append(f"{path.name}:{node.lineno} {node.func.attr}")
    assert found == []
