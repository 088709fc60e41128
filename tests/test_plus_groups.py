"""PLUS groups true to the strategies (docs/methods.md section 2, PLUS groups): age-based and
area-based groups are counted from age band and home LSOA as well as from inclusion_groups,
LGBTQ+ from sexual orientation or gender identity, each against its census baseline where one
exists; and every preset item says where it comes from.

Northtown here has two LSOAs: E01900001 (rural, 1,000 residents: 100 aged 15-24, 300 aged
65+) and E01900002 (urban, 1,200: 200 aged 15-24, 120 aged 85+). Its 42 participants:

| rows | home      | age   | sexual orientation | gender as at birth | named     |
|------|-----------|-------|--------------------|--------------------|-----------|
| 10   | E01900001 | 65-74 | straight           | yes                |           |
| 20   | E01900002 | 25-34 | straight           | yes                |           |
| 4    | unknown   | 75-84 |                    |                    |           |
| 1    | unknown   | 75-84 |                    |                    | rural     |
| 4    | E01900002 |       | bisexual           |                    |           |
| 3    | E01900002 | 15-24 | straight           | no                 |           |

older_people: 15 of the 38 with a known age (residents 420 of 2,200); young_people: 3 of 38
(300 of 2,200); rural: 11 (10 living in a rural LSOA, 1 naming it) of 38 (37 with a known home
in Northtown, and the one naming it) (residents 1,000 of 2,200); lgbtq: 7 of the 37 who answered
either question (no census baseline); carers: named only, a share of all 42.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.engagement_rows import build_toy_db, measure, write
from tests.fixtures.tiny_reference import TOY_PRESET, ToyLsoa
from wpc.config import ROOT
from wpc.measures import Scope, reach, reach_trend
from wpc.presets import BUILTIN, Preset, load_preset
from wpc.views import reach as reach_view

NORTHTOWN = Scope.parse("toy", "Northtown")
PRESET = Preset.model_validate({**TOY_PRESET, "plus_groups": ["older_people", "young_people", "rural", "lgbtq",
                                                              "carers"]})
LSOAS = [
    ToyLsoa("E01900001", "E06999001", 1, 1000, ruc="RSN1", census={"age": {
        "age_15_19": 50, "age_20_24": 50, "age_25_29": 300, "age_30_34": 300, "age_65_69": 150, "age_70_74": 150}}),
    ToyLsoa("E01900002", "E06999001", 3, 1200, census={"age": {
        "age_15_19": 100, "age_20_24": 100, "age_40_44": 880, "age_85_plus": 120}}),
    ToyLsoa("E01900007", "E06999002", 4, 1400),
    ToyLsoa("E01900011", "E06999003", 2, 1500),
]


def fill(e):
    e.activity("A1", "Northtown", "2025-06-01")
    e.people("A1", 10, lsoa21cd="E01900001", age_band="65-74", sexual_orientation="straight",
             gender_same_as_birth="yes")
    e.people("A1", 20, lsoa21cd="E01900002", age_band="25-34", sexual_orientation="straight",
             gender_same_as_birth="yes")
    e.people("A1", 4, age_band="75-84")
    e.people("A1", 1, age_band="75-84", inclusion_groups=["rural"])
    e.people("A1", 4, lsoa21cd="E01900002", sexual_orientation="bisexual")
    e.people("A1", 3, lsoa21cd="E01900002", age_band="15-24", sexual_orientation="straight",
             gender_same_as_birth="no")
    e.activity("A2", "Northtown", "2025-07-01")
    e.people("A2", 8, lsoa21cd="E01900002", age_band="35-44", inclusion_groups=["carers"])


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = build_toy_db(tmp_path_factory.mktemp("plus"), LSOAS, PRESET)
    write(path, fill)
    return path


def rows(toy, **kwargs):
    found = measure(toy, reach, scope=NORTHTOWN, dimension="inclusion_group", **kwargs)
    return found.set_index("category")


def test_groups_are_counted_from_age_band_home_area_and_answers(toy):
    got = rows(toy, disclosure="off")
    # A2 adds 8 people aged 35-44 living in E01900002 (urban, answers on orientation unknown)
    known_age, known_home, answered = 38 + 8, 37 + 1 + 8, 37
    expected = {
        "older_people": (15, known_age, 420 / 2200),
        "young_people": (3, known_age, 300 / 2200),
        "rural": (11, known_home, 1000 / 2200),
        "lgbtq": (7, answered, None),
    }
    for code, (in_group, known, baseline) in expected.items():
        row = got.loc[code]
        assert row["engaged"] == in_group, code
        assert row["engaged_share"] == pytest.approx(in_group / known), code
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(
            proportion_confint(in_group, known, method="wilson")), code
        if baseline is None:
            assert pd.isna(row["population_share"]), code
        else:
            assert row["population_share"] == pytest.approx(baseline), code
    assert got.loc["older_people", "flag"] == "over" and got.loc["rural", "flag"] == "under"
    assert pd.isna(got.loc["lgbtq", "flag"])
    # carers has no basis: the people who named it, as a share of all 50 participants
    assert got.loc["carers", "engaged"] == 8 and got.loc["carers", "engaged_share"] == pytest.approx(8 / 50)
    assert pd.isna(got.loc["carers", "population_share"])


def test_a_small_derived_group_is_hidden(toy):
    """young_people: 3 in the group (hidden). older_people: 15 in, 31 known and not in, 4 of
    unknown age: the 4 are hidden, so the next smallest, 15, is hidden with them."""
    got = rows(toy)
    assert got.loc["young_people", "engaged"] == "*" and pd.isna(got.loc["young_people", "engaged_share"])
    assert got.loc["older_people", "engaged"] == "*" and pd.isna(got.loc["older_people", "engaged_share"])
    assert pd.notna(got.loc["older_people", "population_share"])  # census figures stay


def test_the_trend_counts_the_same_way(toy):
    trend = measure(toy, reach_trend, scope=NORTHTOWN, dimension="inclusion_group", category="older_people",
                    disclosure="off")
    # A1 (Apr-Jun 2025): 15 of the 38 with a known age; A2 (Jul-Sep): none of its 8, all 35-44
    assert list(trend["engaged"]) == [15, 0]
    assert trend["engaged_share"].tolist() == pytest.approx([15 / 38, 0.0])
    assert trend["population_share"].tolist() == pytest.approx([420 / 2200] * 2)
    # each share is of those whose age is known: 38, then 8, below the trend's minimum of 10,
    # so Jul-Sep is a gap with its reason, never a 0.0% point
    assert trend["known"].tolist() == [38, 8]
    shown = reach_view.trend_rows(trend, "age")
    assert shown["engaged_share"].iloc[0] == pytest.approx(15 / 38) and pd.isna(shown["engaged_share"].iloc[1])
    assert shown["gap"].tolist() == ["", "fewer than 10 participants with a known age"]


def test_hw_names_stroke_among_its_five_and_its_groups_are_measured():
    hw = load_preset("hw")
    assert hw.clinical_areas == ["maternity", "smi", "respiratory", "cancer", "stroke"]
    assert list(hw.derived_groups) == ["older_people", "rural"]
    sel = load_preset("sel")
    assert sel.clinical_areas == ["maternity", "smi", "respiratory", "cancer", "hypertension"]
    assert list(sel.derived_groups) == ["young_people", "lgbtq"]


@pytest.mark.parametrize("preset", BUILTIN)
def test_every_item_says_where_it_comes_from(preset):
    """Each PLUS group (and each clinical area a preset lists) carries a comment: named by the
    strategy, or kept without a basis in it, saying so."""
    text = (ROOT / "wpc" / "presets" / f"{preset}.toml").read_text(encoding="utf-8")
    for array in ("plus_groups", "clinical_areas"):
        block = re.search(rf"^{array} = \[\n(.*?)^\]", text, re.S | re.M)
        if block is None:
            continue
        items = [line for line in block.group(1).splitlines() if re.match(r'\s*"', line)]
        assert items, array
        for line in items:
            assert "#" in line, line
            if array == "plus_groups":
                assert re.search(r"named by the strategy|without a basis in the strategy", line), line
