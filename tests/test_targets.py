"""Targets, how many more and local baselines for PLUS groups (docs/methods.md sections 16 and 17):
the formulas against a brute-force search, the status rule at its edges, the preset's errors, and
`wpc report --json` on a Toyshire database filled through the real ingest, worked by hand."""

import itertools
import json
import math
import random
from fractions import Fraction

import duckdb
import pytest
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from tests.engagement_rows import build_toy_db
from tests.fixtures.ingest_files import ingest, write
from tests.fixtures.tiny_reference import TOY_PRESET
from wpc.cli import app
from wpc.measures import shortfall
from wpc.measures.targets import MET, NOT_MET, UNCLEAR, status
from wpc.presets import Preset, PresetError, load_preset
from wpc.views import targets as view

runner = CliRunner()
TODAY = "2025-12-31"


def wilson_low_by_hand(x: int, n: int, z: float = 1.959964) -> float:
    """Wilson's lower limit written out again (Newcombe 1998, method 3), independent of wpc.measures.stats."""
    p = x / n
    return (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


def brute_reach(x, n, t):
    k = 0
    while not (n + k > 0 and Fraction(x + k, n + k) >= Fraction(repr(t))):
        k += 1
    return k


def brute_sure(x, n, t):
    k = 0
    while not (n + k > 0 and wilson_low_by_hand(x + k, n + k) >= t):
        k += 1
    return k


# ---------- how many more


def test_northtown_28_of_38_against_90_percent_worked_by_hand():
    # (28 + k) / (38 + k) >= 0.9  <=>  28 + k >= 34.2 + 0.9k  <=>  0.1k >= 6.2  <=>  k >= 62
    assert shortfall.more_to_reach(28, 38, 0.9) == 62
    assert Fraction(28 + 62, 38 + 62) == Fraction(9, 10)  # exactly the target: reached
    sure = shortfall.more_to_be_sure(28, 38, 0.9)
    assert wilson_low_by_hand(28 + sure, 38 + sure) >= 0.9 > wilson_low_by_hand(28 + sure - 1, 38 + sure - 1)
    assert sure == brute_sure(28, 38, 0.9) == 141
    # its status: Wilson 28/38 is 58.0% to 85.0%, wholly below 90%
    low, high = proportion_confint(28, 38, method="wilson")
    assert (round(low, 3), round(high, 3)) == (0.58, 0.85)
    assert status(low, high, 0.9) == NOT_MET


def test_how_many_more_agrees_with_a_brute_force_search():
    rng = random.Random(16)
    cases = [(x, n, t) for n in range(0, 41, 3) for x in range(0, n + 1, 4)
             for t in (0.05, 0.2, 0.5, 0.9, 0.99)]
    cases += [(rng.randint(0, n), n, round(rng.uniform(0.01, 0.95), 3))
              for n in (rng.randint(1, 3000) for _ in range(60))]
    for x, n, t in cases:
        assert shortfall.more_to_reach(x, n, t) == brute_reach(x, n, t), (x, n, t)
    for x, n, t in cases[::3]:
        assert shortfall.more_to_be_sure(x, n, t) == brute_sure(x, n, t), (x, n, t)


def test_how_many_more_at_the_edges():
    assert shortfall.more_to_reach(5, 10, 0.5) == 0 and shortfall.more_to_be_sure(90, 100, 0.5) == 0
    assert shortfall.more_to_reach(0, 0, 0.3) == 1  # nobody yet: one person from the group is 100%
    assert shortfall.more_to_reach(9, 10, 1.0) is None  # 100% cannot be reached with anyone outside
    assert shortfall.more_to_reach(10, 10, 1.0) == 0
    assert shortfall.more_to_be_sure(10, 10, 1.0) is None  # a lower bound never reaches 1
    assert shortfall.more_to_reach("*", 10, 0.5) is None and shortfall.more_to_be_sure(3, "*", 0.5) is None
    # a target between binary neighbours: 0.3 of 10 is 3 exactly, not one short
    assert shortfall.more_to_reach(3, 10, 0.3) == 0


def test_status_is_judged_on_the_interval_not_the_point():
    assert status(0.60, 0.70, 0.60) == MET  # the lower bound at the target: met
    assert status(0.50, 0.59, 0.60) == NOT_MET
    assert status(0.50, 0.60, 0.60) == UNCLEAR  # the upper bound at the target: not below it
    assert status(0.55, 0.70, 0.60) == UNCLEAR  # point above, interval across: not yet clear
    assert status(None, None, 0.6) is None and status(0.1, 0.2, None) is None
    assert [view.status_text(s) for s in (MET, NOT_MET, UNCLEAR)] == ["✓ Met", "✗ Not met", "? Not yet clear"]


# ---------- the preset


def preset_file(tmp_path, extra: str):
    lines = ['id = "toy"', 'name = "Toyshire"', 'plus_groups = ["homeless", "carers"]',
             '[[places]]', 'name = "Northtown"', 'districts = ["E06999001"]', extra]
    path = tmp_path / "toy.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("target, words", [
    ('measure = "core20_share"\nvalue = 1.5\nsource = "s"',
     "target 1 (core20_share): field value: a core20_share target is a share above 0 and at most 1"),
    ('measure = "feedback_on_time"\nvalue = "residents"\nsource = "s"',
     "target 1 (feedback_on_time): field value: 'residents' is only for core20_share"),
    ('measure = "core20_share"\nvalue = 0.3\nsource = "s"\nplace = "Southtown"',
     "target 1 (core20_share), field place: 'Southtown' is not a place of this preset"),
    ('measure = "representation_ratio"\nvalue = 1.0\nsource = "s"',
     "target 1 (representation_ratio): field dimension: representation_ratio needs one of"),
    ('measure = "representation_ratio"\nvalue = 1.0\nsource = "s"\ndimension = "inclusion_group"\n'
     'category = "veterans"', "field category: 'veterans' is not one of this preset's plus_groups"),
    ('measure = "core20_share"\nvalue = 0.3', "target 1 (core20_share), field source: Field required"),
    ('measure = "core20 share"\nvalue = 0.3\nsource = "s"',
     "target 1 (core20 share), field measure: Input should be"),
])
def test_a_bad_target_names_the_file_the_target_and_the_field(tmp_path, target, words):
    path = preset_file(tmp_path, "[[targets]]\n" + target)
    with pytest.raises(PresetError) as error:
        load_preset(path)
    assert f"preset file {path} is not valid" in str(error.value)
    assert words in str(error.value)


def test_a_bad_baseline_names_the_file_the_baseline_and_the_field(tmp_path):
    path = preset_file(tmp_path, '[[baselines]]\ngroup = "carers"\nresidents = 10\nshare = 0.1\nsource = "s"')
    with pytest.raises(PresetError, match=r"baseline 1 \(carers\): fields residents and share: give either"):
        load_preset(path)
    path = preset_file(tmp_path, '[[baselines]]\ngroup = "veterans"\nshare = 0.1\nsource = "s"')
    with pytest.raises(PresetError, match=r"baseline 1 \(veterans\), field group: 'veterans' is not one of"):
        load_preset(path)


def test_the_shipped_mse_preset_sets_a_core20_target_of_the_residents_share():
    preset = load_preset("mse")
    core20 = [t for t in preset.targets if t.measure == "core20_share"]
    assert [(t.value, t.place) for t in core20] == [("residents", None)] and core20[0].source
    # a place without its own baseline takes none from another place
    assert preset.baseline_for("carers", "Thurrock").share == 0.09
    assert preset.baseline_for("carers", "Mid Essex") is None


# ---------- wpc report --json on Toyshire, through the real ingest

# Northtown: LSOAs 001 and 002 (decile 1) and 003 (decile 2) are Core20: 3,700 of its 7,000 residents.
# One activity: 28 people from LSOA 001 (Core20) and 10 from 004 (decile 5); 3 of the 28 are carers.
TARGETS = [
    {"measure": "core20_share", "value": 0.9, "place": "Northtown", "source": "agreed with the People's Panel"},
    {"measure": "core20_share", "value": "residents", "source": "the residents' share"},
    {"measure": "representation_ratio", "value": 1.0, "dimension": "inclusion_group", "category": "carers",
     "place": "Northtown", "source": "carers in proportion"},
    {"measure": "representation_ratio", "value": 1.0, "dimension": "inclusion_group", "category": "homeless",
     "place": "Northtown", "source": "no baseline given"},
]
BASELINES = [{"group": "carers", "place": "Northtown", "residents": 700, "source": "carers register 2025"}]


@pytest.fixture(scope="module")
def toy_with_targets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("targets")
    preset = Preset.model_validate({**TOY_PRESET, "targets": TARGETS, "baselines": BASELINES})
    path = build_toy_db(folder, preset=preset)
    write(folder / "activities.csv", "activity_id,title,start_date,place,method\n"
          "N1,Listening event,01/06/2025,Northtown,listening event\n")
    assert ingest(path, folder / "activities.csv").stored == 1
    lines = ["activity_id,participant_ref,lsoa_code,sex,inclusion_groups"]
    lines += [f"N1,A{i},E01900001,female,{'carers' if i < 3 else ''}" for i in range(28)]
    lines += [f"N1,B{i},E01900004,male," for i in range(10)]
    outcome = ingest(path, write(folder / "participants.csv", "\n".join(lines) + "\n"))
    assert (outcome.stored, outcome.quarantined) == (38, 0)
    # Record keys are drawn at random as rows are stored, and pick each shown count's small change
    # (wpc.measures.cellkey): fix them, so the changed counts the suppressed tests judge, 28 of 38
    # moved by up to 5 either way, are the same in every run and cannot cross a target's line.
    with duckdb.connect(str(path)) as con:
        for table in ("participants", "returns", "activities"):
            con.execute(f"update {table} set record_key = 0")
    return path


def report(path, *options):
    result = runner.invoke(app, ["report", "--db", str(path), "--preset", "toy", "--today", TODAY, "--json",
                                 *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_report_targets_without_disclosure_control_worked_by_hand(toy_with_targets):
    got = report(toy_with_targets, "--place", "Northtown", "--no-suppress")
    rows = {(r["measure"], r["category"], r["target"] if r["measure"] == "core20_share" and r["target"] == 0.9
             else r["source"]): r for r in got["targets"]}
    assert len(got["targets"]) == 4 and {r["scope"] for r in got["targets"]} == {"Northtown"}
    panel = rows[("core20_share", None, 0.9)]
    low, high = proportion_confint(28, 38, method="wilson")
    assert panel["value"] == pytest.approx(28 / 38) and panel["ci_low"] == pytest.approx(low, abs=1e-6)
    assert panel["ci_high"] == pytest.approx(high, abs=1e-6)
    assert (panel["status"], panel["more_to_reach"], panel["more_to_be_sure"]) == (NOT_MET, 62, 141)
    assert panel["source"] == "agreed with the People's Panel" and panel["scope"] == "Northtown"
    residents = rows[("core20_share", None, "the residents' share")]
    assert residents["target"] == pytest.approx(3700 / 7000)  # at least the residents' share: 52.9%
    assert residents["status"] == MET  # 58.0% to 85.0% is wholly above 52.9%
    assert residents["more_to_reach"] == 0 and residents["more_to_be_sure"] == 0
    # carers: 3 of 38 against the local baseline 700 of 7,000 residents (10%): ratio 0.79
    carers = rows[("representation_ratio", "carers", "carers in proportion")]
    c_low, c_high = proportion_confint(3, 38, method="wilson")
    assert carers["residents_share"] == pytest.approx(0.1)
    assert carers["value"] == pytest.approx((3 / 38) / 0.1)
    assert (carers["ci_low"], carers["ci_high"]) == (pytest.approx(c_low / 0.1, abs=1e-6),
                                                     pytest.approx(c_high / 0.1, abs=1e-6))
    assert carers["status"] == UNCLEAR  # the interval 2.7% to 20.8% holds 10%
    assert carers["more_to_reach"] == 1  # 4 of 39 = 10.3%: one more carer reaches 10%
    assert carers["more_to_be_sure"] == brute_sure(3, 38, 0.1)
    homeless = rows[("representation_ratio", "homeless", "no baseline given")]
    assert homeless["status"] is None and homeless["note"] == "no residents' baseline is given for this group"
    # the local baseline gives carers a reach flag too
    carers_reach = next(r for r in got["reach"] if r["category"] == "carers")
    assert carers_reach["population_share"] == pytest.approx(0.1) and carers_reach["flag"] == "ok"


def test_report_targets_never_show_what_disclosure_control_hides(toy_with_targets):
    got = report(toy_with_targets, "--place", "Northtown")
    carers = next(r for r in got["targets"] if r["category"] == "carers")
    reach = next(r for r in got["reach"] if r["category"] == "carers")
    assert reach["engaged"] == "*"  # 3 people: hidden
    assert (carers["value"], carers["ci_low"], carers["ci_high"], carers["status"]) == (None, None, None, None)
    assert (carers["more_to_reach"], carers["more_to_be_sure"]) == (None, None)
    # the Core20 targets are judged on the very numbers the reach table shows
    core20 = got["core20"]
    for row in (r for r in got["targets"] if r["measure"] == "core20_share"):
        assert (row["value"], row["ci_low"], row["ci_high"]) == (core20["engaged_share"], core20["ci_low"],
                                                                 core20["ci_high"])
    text = runner.invoke(app, ["report", "--db", str(toy_with_targets), "--preset", "toy", "--today", TODAY,
                               "--place", "Northtown"]).output
    assert "✗ Not met" in text and "more Core20 participants in Northtown" in text


def test_report_for_the_ics_lists_each_target_for_the_ics_and_every_place(toy_with_targets):
    got = report(toy_with_targets, "--no-suppress")
    scopes = [(r["scope"], r["measure"], r["category"]) for r in got["targets"]]
    assert scopes[0] == ("Toyshire", "core20_share", None)  # the ICS first: only the target set for everywhere
    assert ("Southtown", "core20_share", None) in scopes
    assert ("Toyshire", "representation_ratio", "carers") not in scopes
    southtown = next(r for r in got["targets"] if r["scope"] == "Southtown")
    assert southtown["value"] is None and southtown["status"] is None  # nobody took part there


def test_sentences_say_how_many_more():
    row = {"measure": "core20_share", "label": "Core20 share of participants", "group": "Core20", "scope": "Thurrock",
           "target": 0.2, "residents_share": None, "status": NOT_MET, "more_to_reach": 38, "more_to_be_sure": 60,
           "unit": "participants"}
    assert view.more_sentence(row, "this period") == (
        "38 more Core20 participants in Thurrock this period would close the gap to the target "
        "(Core20 share of participants at least 20.0%); with 60 more it would be clearly met.")
    assert view.more_sentence({**row, "status": MET}) is None
    assert view.more_sentence({**row, "more_to_reach": None}) is None  # hidden counts: no sentence


def test_every_status_is_a_word_and_a_mark():
    rows = [{"measure": "feedback_on_time", "label": "Feedback closed on time", "group": None, "scope": "X",
             "target": 0.6, "residents_share": None, "value": 0.5, "ci_low": 0.4, "ci_high": 0.7, "status": s,
             "more_to_reach": 1, "more_to_be_sure": 2, "unit": "activities", "date": None, "source": "s"}
            for s in (MET, NOT_MET, UNCLEAR, None)]
    assert list(view.targets_display(rows)["Status"]) == ["✓ Met", "✗ Not met", "? Not yet clear",
                                                         "– No figure to judge"]
    assert "1 met, 1 not met, 1 not yet clear and 1 with no figure to judge" in view.summary("X", rows)


def test_all_combinations_are_consistent():
    # reaching the target never needs more people than clearing it with the interval
    for x, n, t in itertools.product(range(0, 30, 3), range(30, 60, 7), (0.1, 0.4, 0.8)):
        assert shortfall.more_to_reach(x, n, t) <= shortfall.more_to_be_sure(x, n, t)


def test_the_workshop_screen_and_the_pack_slide_show_the_targets(toy_with_targets, tiny_db):
    from wpc import db
    from wpc.measures import Scope
    from wpc.views import workshop

    northtown = Scope.parse("toy", "Northtown", today=TODAY)
    with db.reading(toy_with_targets) as con:
        screen = workshop.question(con, northtown, "targets")
        in_pack = workshop.OPTIONAL["targets"](con, northtown)  # all_questions asks this before the slide
    with db.reading(tiny_db) as con:  # Toyshire with no targets set
        in_pack_without_targets = workshop.OPTIONAL["targets"](con, northtown)
    with db.reading(toy_with_targets) as con:
        expected = view.build(con, northtown, "suppress")
    assert screen.title == "Targets" and screen.sentences[0] == expected.summary
    assert screen.sentences[0].startswith("Of the 4 targets for Northtown:")
    assert list(screen.table.frame["Status"]) == list(expected.table.frame["Status"])
    assert "✗ Not met" in list(screen.table.frame["Status"])
    assert in_pack and not in_pack_without_targets  # a pack has no empty targets slide
