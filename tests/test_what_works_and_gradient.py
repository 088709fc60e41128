"""What works and the deprivation gradient as people read them (wpc.views.what_works,
wpc.views.gradient), against hand computation on Toyshire, loaded through the real ingest.

Northtown's residents: 3,700 of 7,000 live in its two Core20 LSOAs (E01900001, E01900002).

| activity | method        | organisation     | partner type    | cost | participants (home LSOA)           |
|----------|---------------|------------------|-----------------|------|------------------------------------|
| A1       | door-knocking | Northtown Council| local authority | £600 | 12 E01900001 (Core20), 8 E01900004 |
| A2       | survey        | Northtown Council| local authority | £300 | 10 E01900002 (Core20), 30 E01900005|
| A3       | focus group   | Northtown Voices | VCSE            |      | 10 E01900001 (Core20), 10 E01900006|
"""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.fixtures.ingest_files import ingest, write
from wpc import db
from wpc.measures import Scope
from wpc.measures import gradient as measured_gradient
from wpc.views import gradient, what_works

NORTHTOWN = Scope.parse("toy", "Northtown", today="2026-01-01")
RESIDENTS = 3700 / 7000


@pytest.fixture
def toy(tiny_db, tmp_path):
    acts = write(tmp_path / "acts.csv", (
        "activity_id,title,start_date,place,method,organisation,organisation_type,cost_gbp\n"
        "A1,Knock,01/06/2025,Northtown,door-knocking,Northtown Council,Council,600\n"
        "A2,Ask,02/06/2025,Northtown,survey,Northtown Council,Council,300\n"
        "A3,Talk,03/06/2025,Northtown,focus group,Northtown Voices,VCSE,\n"))
    assert ingest(tiny_db, acts, kind="activities").quarantined == 0
    people = (["A1,E01900001"] * 12 + ["A1,E01900004"] * 8 + ["A2,E01900002"] * 10 + ["A2,E01900005"] * 30
              + ["A3,E01900001"] * 10 + ["A3,E01900006"] * 10)
    outcome = ingest(tiny_db, write(tmp_path / "people.csv", "activity_id,lsoa_code\n" + "\n".join(people) + "\n"),
                     kind="participants")
    assert (outcome.stored, outcome.quarantined) == (80, 0)
    return tiny_db


def view(path, breakdown):
    with db.reading(path) as con:
        return what_works.build(con, NORTHTOWN, breakdown, disclosure="off")


def test_what_works_by_method_by_hand(toy):
    got = view(toy, "method")
    rows = got.rows.set_index("label")
    # highest Core20 share first: door-knocking 12/20, focus group 10/20, survey 10/40
    assert list(rows.index) == ["Door-knocking", "Focus group", "Survey"]
    assert list(rows["engaged_share"]) == pytest.approx([12 / 20, 10 / 20, 10 / 40])
    knock = rows.loc["Door-knocking"]
    assert (knock["ci_low"], knock["ci_high"]) == pytest.approx(proportion_confint(12, 20, method="wilson"))
    assert knock["population_share"] == pytest.approx(RESIDENTS)
    assert rows.loc["Survey", "flag"] == "under"  # its whole interval lies below 52.9%
    # cost per Core20 participant: £600 / 12 and £300 / 10; the focus group has no cost
    assert rows.loc["Door-knocking", "per_core20_participant"] == pytest.approx(50.0)
    assert rows.loc["Survey", "per_core20_participant"] == pytest.approx(30.0)
    assert pd.isna(rows.loc["Focus group", "per_core20_participant"])
    # the table: best value (lowest cost per Core20 participant) first, uncosted last
    table = got.table.frame
    assert list(table["Method"]) == ["Survey", "Door-knocking", "Focus group"]
    assert list(table["Cost per Core20 participant"]) == ["£30", "£50", "–"]
    assert list(table["Participants"]) == [40, 20, 20]
    survey = proportion_confint(10, 40, method="wilson")
    assert got.sentence == (
        "Of Northtown's methods across all dates, the highest Core20 share of participants was at Door-knocking "
        f"(60.0%, 95% CI {100 * knock['ci_low']:.1f}% to {100 * knock['ci_high']:.1f}%) and the lowest at Survey "
        f"(25.0%, 95% CI {100 * survey[0]:.1f}% to {100 * survey[1]:.1f}%), against 52.9% of its residents living in Core20 areas.")
    assert got.cost_sentence == (
        "The lowest cost per Core20 participant was at Survey (£30) and the highest at Door-knocking (£50). "
        "1 method has no cost per Core20 participant to show (no cost recorded, or its count withheld).")


def test_what_works_by_organisation_and_partner_type_by_hand(toy):
    council = view(toy, "organisation").rows.set_index("label").loc["Northtown Council"]
    assert council["engaged_share"] == pytest.approx(22 / 60)
    assert council["per_core20_participant"] == pytest.approx(900 / 22)  # unrounded with disclosure off
    types = view(toy, "organisation_type")
    assert list(types.rows["label"]) == ["VCSE", "Local authority"]  # 50% before 36.7%
    assert types.table.frame.columns[0] == "Partner type"
    assert list(types.table.frame["Partner type"]) == ["Local authority", "VCSE"]  # £40.91 per Core20, then none
    assert list(types.table.frame["Cost"]) == ["£900", "–"]


def test_ties_are_named_together():
    rows = what_works.what_works_rows([
        {"method": m, "activities": 1, "participants": 20, "core20_engaged": c, "engaged_share": c / 20,
         "ci_low": 0.1, "ci_high": 0.9, "cost_gbp": 100.0, "per_core20_participant": p, "suppressed": False}
        for m, c, p in (("survey", 5, 20.0), ("webinar", 5, 20.0), ("drop-in", 10, 10.0))], "method", 0.3)
    assert what_works.reach_sentence("Northtown", rows, "methods") == (
        "Of Northtown's methods in this period, the highest Core20 share of participants was at Drop-in "
        "(50.0%, 95% CI 10.0% to 90.0%) and the lowest at Survey and Webinar (25.0% each), against 30.0% of "
        "its residents living in Core20 areas.")
    assert what_works.cost_sentence(rows, "methods") == (
        "The lowest cost per Core20 participant was at Drop-in (£10) and the highest at Survey and Webinar "
        "(£20).")


def slope(sii, low, high):
    return {"sii": sii, "sii_ci_low": low, "sii_ci_high": high, "rii": sii / 10,
            "fitted_most_deprived": 10 + sii / 2, "fitted_least_deprived": 10 - sii / 2, "reason": None}


def test_the_gradient_sentence_says_what_the_slope_means():
    up = gradient.gradient_sentence("Northtown", slope(4.0, 1.5, 6.2))
    assert up.startswith("Engagement is higher in more deprived neighbourhoods: proportionate universalism.")
    assert "from 12 participants per 1,000 residents at the most deprived end to 8 at the least" in up
    assert "slope index of +4 per 1,000 (95% CI +1.5 to +6.2)" in up
    down = gradient.gradient_sentence("Northtown", slope(-4.0, -6.2, -1.5))
    assert down.startswith("Engagement is lower in more deprived neighbourhoods: the opposite of proportionate")
    flat = gradient.gradient_sentence("Northtown", slope(1.0, -0.5, 2.5))
    assert flat.startswith("There is no clear gradient") and flat.endswith("an interval that includes 0.")
    none = gradient.gradient_sentence("Northtown", {**slope(0, 0, 0), "sii": None, "reason": "only 3 deciles"})
    assert none == "The deprivation gradient for Northtown in this period cannot be shown: only 3 deciles."


def test_gradient_view_draws_deciles_and_the_fitted_line(toy):
    with db.reading(toy) as con:
        got = gradient.build(con, NORTHTOWN, disclosure="off")
        measured = measured_gradient(con, NORTHTOWN, disclosure="off")
    points, line = got.chart.data[0], got.chart.data[1]
    present = [d for d in measured["deciles"] if d["population"] > 0]
    # each decile at the midpoint of its residents, ranked from the most deprived
    total = sum(d["population"] for d in present)
    before, ranks = 0, []
    for d in present:
        ranks.append((before + d["population"] / 2) / total)
        before += d["population"]
    drawn = [d for d, r in zip(present, ranks) if d["rate_per_1000"] is not None]
    assert list(points.x) == pytest.approx([r for d, r in zip(present, ranks) if d["rate_per_1000"] is not None])
    assert list(points.y) == pytest.approx([d["rate_per_1000"] for d in drawn])
    assert got.computed and len(present) == 5  # Northtown's deciles 1, 2, 5, 8 and 10
    assert list(got.chart.layout.xaxis.ticktext) == ["1", "2", "5", "8", "10"]
    assert line.line.dash == "dash" and list(line.x) == [0, 1]
    assert list(line.y) == pytest.approx([measured["fitted_most_deprived"], measured["fitted_least_deprived"]])
    assert measured["fitted_most_deprived"] - measured["fitted_least_deprived"] == pytest.approx(measured["sii"])
