"""One name, one count: every page (views), the workshop screens, the place pack and `wpc report`
give the same value for the same named count of people, on the demo data for one ICS and one
place; and the split of participants by home area is checked against raw SQL on the stored rows."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from wpc import measures
from wpc.cli import app
from wpc.export import pack
from wpc.measures.scope import Scope
from wpc.views import overview, quality, reach

TODAY = "2025-10-01"
SCOPES = [("sel", None), ("sel", "Lewisham")]
# What each named count is called in a sentence (the words after its number), and which count
# it is. A number written before these words must always be that count.
PHRASES = {
    "no usable home area": "rows_no_home",
    "no known home area": "home_unknown",
    "whose deprivation is unknown": "deprivation_unknown",
    "in aggregated returns with no home area": "returns_no_home",
    "counted by a headcount only": "headcount_only",
}
NUMBER = r"(\*|\d[\d,]*)"
# the number, then words of the same clause (no other number, no clause break), one aside in brackets
CLAUSE = r"[^\d;:.()*]{0,60}?(?:\([^)]*\)[^\d;:.()*]{0,20}?)?"


def _value(text: str):
    return text if text == "*" else int(text.replace(",", ""))


def numbers_before(text: str, phrase: str) -> list:
    """Every number a sentence gives for `phrase`: '5,992 participants with no known home area'."""
    return [_value(m.group(1)) for m in re.finditer(NUMBER + CLAUSE + re.escape(phrase), text)]


def expected_counts(con, scope: Scope) -> dict:
    """Each named count as its measure gives it."""
    people = measures.participants(con, scope)
    home = next(r for r in measures.quality(con, scope)["unknown_by_field"] if r["field"] == "home_area")
    imd = measures.reach(con, scope, "imd_quintile")
    return {
        "participants": people["total"], "living_here": people["known_area"],
        "outside_ics": people["out_of_area"], "home_unknown": people["unknown_home"],
        "rows_no_home": home["unknown"],
        "returns_no_home": people.get("unknown_home_returns"),
        "headcount_only": people.get("unknown_home_headcount"),
        "deprivation_unknown": imd.loc[imd["category"] == "unknown", "engaged"].iloc[0],
    }


def texts_shown(con, db_path, scope: Scope) -> dict[str, list[str]]:
    """What each output says, as text: its sentences, figures and table rows."""
    shown = {}
    view = overview.build(con, scope)
    shown["overview"] = ([f"{m.value} {m.label}" for m, _ in view.glance] + [w for _, w in view.glance]
                         + list(view.warnings))
    stored = quality.stored(con, scope)
    warnings = quality.quality_warnings(measures.quality(con, scope))
    shown["data quality"] = [stored.sentence, stored.unknown_sentence, *warnings]
    gaps = reach.gaps(con, scope, "imd_quintile")
    shown["reach gaps"] = [gaps.unknown_sentence, gaps.sentence]
    place_pack = pack.build(con, scope, "imd_quintile", disclosure="suppress")
    shown["pack and workshop"] = [s for q in place_pack.questions for s in q.sentences]
    args = ["report", "--db", str(db_path), "--preset", scope.preset, "--today", TODAY]
    result = CliRunner().invoke(app, args + (["--place", scope.place] if scope.place else []))
    assert result.exit_code == 0, result.output
    shown["wpc report"] = result.stdout.splitlines()
    return shown


@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con, demo_db
    con.close()


@pytest.mark.parametrize("preset, place", SCOPES, ids=["ICS", "place"])
def test_each_named_count_has_one_value_everywhere(demo, preset, place):
    con, path = demo
    scope = Scope(preset=preset, place=place, today=pd.Timestamp(TODAY).date())
    want = expected_counts(con, scope)
    shown = texts_shown(con, path, scope)
    found = {name: set() for name in want}
    for output, lines in shown.items():
        for line in lines:
            for phrase, name in PHRASES.items():
                for value in numbers_before(line, phrase):
                    assert value == want[name], (f"{output} gives {value} for {phrase!r} ({name}), "
                                                 f"not {want[name]}: {line}")
                    found[name].add(output)
    # the Overview and the data-quality page name the same rows with no home area; the
    # Overview, the report and the pack name theirs
    assert {"overview", "data quality", "wpc report"} <= found["rows_no_home"]
    assert {"overview", "wpc report"} <= found["home_unknown"]
    assert {"reach gaps", "pack and workshop"} <= found["deprivation_unknown"]
    assert {"wpc report"} <= found["returns_no_home"] & found["headcount_only"]


@pytest.mark.parametrize("preset, place", SCOPES, ids=["ICS", "place"])
def test_the_overview_reconciles_the_participants(demo, preset, place):
    con, _path = demo
    scope = Scope(preset=preset, place=place, today=pd.Timestamp(TODAY).date())
    want = expected_counts(con, scope)
    table = overview.build(con, scope).participants.frame.set_index("Count of")["People"]
    assert table.iloc[0] == want["participants"]
    assert list(table.iloc[1:4]) == [want["living_here"], want["outside_ics"], want["home_unknown"]]
    assert list(table.iloc[4:]) == [want["rows_no_home"], want["returns_no_home"], want["headcount_only"]]
    # the data-quality page's own tables give the same rows and headcounts
    stored = quality.stored(con, scope)
    fields = stored.unknown.frame.set_index("Field")["Rows unknown"]
    assert fields["Home area (postcode or LSOA)"] == want["rows_no_home"]
    sources = stored.sources.frame.set_index("Participants recorded as")["Participants"]
    assert sources["Headcount only"] == want["headcount_only"]
    imd = reach.gaps(con, scope, "imd_quintile").table.frame.set_index("Category")["Participants"]
    assert imd.iloc[-1] == want["deprivation_unknown"]


RAW_SPLIT = """
with held as (
    select * from activities
    where preset = 'sel' and coalesce(status, 'held') = 'held' and start_date <= date '2025-10-01'
),
rows_of as (select activity_id, count(*) as n, count(*) filter (where lsoa21cd is null) as no_home
            from participants group by activity_id),
returned as (
    select activity_id, max(total) as total, max(placed) as placed
    from (select activity_id, dimension, sum(count) as total,
                 sum(count) filter (where dimension = 'lsoa_code' and category <> 'unknown') as placed
          from returns group by activity_id, dimension)
    group by activity_id
)
select
    coalesce(sum(rows_of.no_home), 0) as rows_no_home,
    coalesce(sum(greatest(returned.total, coalesce(held.participants_total, 0))
                 - coalesce(returned.placed, 0))
             filter (where rows_of.n is null and returned.total is not null), 0) as returns_no_home,
    coalesce(sum(held.participants_total) filter (where rows_of.n is null and returned.total is null), 0)
        as headcount_only
from held
left join rows_of using (activity_id)
left join returned using (activity_id)
"""


def test_the_split_of_unknown_homes_matches_the_stored_rows(demo):
    """With disclosure control off, the ICS's home-unknown split is what raw SQL on the stored
    participants, returns and activities gives, and the parts add up to the totals."""
    con, _path = demo
    scope = Scope(preset="sel", today=pd.Timestamp(TODAY).date())
    people = measures.participants(con, scope, disclosure="off")
    raw = con.execute(RAW_SPLIT).df().iloc[0]
    assert people["unknown_home_rows"] == raw["rows_no_home"] > 0
    assert people["unknown_home_returns"] == raw["returns_no_home"] > 0
    assert people["unknown_home_headcount"] == raw["headcount_only"] > 0
    assert people["unknown_home"] == (people["unknown_home_rows"] + people["unknown_home_returns"]
                                      + people["unknown_home_headcount"])
    assert people["total"] == people["known_area"] + people["out_of_area"] + people["unknown_home"]
