"""Disclosure control through the whole engine (docs/methods.md section 10): what leaves a measure is already
protected, with the threshold taken from the preset."""

import pytest

from tests.engagement_rows import build_toy_db, measure, write
from tests.fixtures.tiny_reference import TOY_PRESET
from tests.perturbation import reach as shown_range
from tests.perturbation import share_within
from wpc.measures import Scope, build_report, reach
from wpc.measures.disclosure import round_to_5
from wpc.measures.plain import records
from wpc.presets import Preset

NORTHTOWN = Scope.parse("toy", "Northtown", today="2025-12-31")


def sex_rows(path, disclosure="suppress"):
    return {r["category"]: r for r in records(measure(path, reach, scope=NORTHTOWN, dimension="sex",
                                                       disclosure=disclosure))}


def one_activity(**people):
    def fill(e):
        e.activity("A", "Northtown", "2025-05-01")
        for sex, count in people.items():
            e.people("A", count, lsoa21cd="E01900001", sex=sex)
    return fill


def test_a_single_3(tmp_path):
    path = build_toy_db(tmp_path)
    write(path, one_activity(female=3))
    rows = sex_rows(path)
    assert rows["female"]["engaged"] == "*" and rows["female"]["engaged_share"] is None
    assert rows["female"]["ci_low"] is None and rows["female"]["ratio"] is None and rows["female"]["gap_pp"] is None
    assert rows["male"]["engaged"] == 0 and rows["unknown"]["engaged"] == 0
    report = measure(path, build_report, scope=NORTHTOWN)
    assert report["participants"]["total"] == "*" and report["core20"]["engaged"] == "*"
    assert report["core20"]["engaged_share"] is None


def close(shown, true: int) -> bool:
    """A shown count of people: within the perturbation's reach of the truth, never 1 to 7."""
    return isinstance(shown, int) and abs(shown - true) <= 5 and shown >= 8


def test_a_3_beside_an_8(tmp_path):
    path = build_toy_db(tmp_path)
    write(path, one_activity(female=8, male=3, unknown=40))
    rows = sex_rows(path)
    # 3 is hidden; 8 is the next smallest, hidden too; unknown 40 is shown, changed slightly
    assert (rows["female"]["engaged"], rows["male"]["engaged"]) == ("*", "*")
    assert close(rows["unknown"]["engaged"], 40)
    assert rows["female"]["engaged_share"] is None and rows["female"]["suppressed"]
    # its share of everyone is worked out from protected counts, to 0.1 of a point: the shown 40
    # (changed slightly) over everyone's 51, itself changed by at most 5 and not shown
    shown, share = rows["unknown"]["engaged"], rows["unknown"]["engaged_share"]
    assert shown / 56 - 0.0005 <= share <= shown / 46 + 0.0005 and share == round(share, 3)
    off = sex_rows(path, "off")
    assert off["unknown"]["engaged_share"] == pytest.approx(40 / 51)


def test_unknown_as_the_complementary_cell(tmp_path):
    path = build_toy_db(tmp_path)
    write(path, one_activity(female=30, male=3, unknown=9))
    rows = sex_rows(path)
    assert (rows["male"]["engaged"], rows["unknown"]["engaged"]) == ("*", "*")
    assert close(rows["female"]["engaged"], 30)
    # the share is of the protected number with a known sex (33, changed slightly)
    assert share_within(rows["female"]["engaged_share"], 30, 33)
    assert rows["unknown"]["engaged_share"] is None


def test_publication_rounding(tmp_path):
    path = build_toy_db(tmp_path)
    write(path, one_activity(female=22, male=13, unknown=9))
    rows = sex_rows(path, "publish")
    shown = [rows[c]["engaged"] for c in ("female", "male", "unknown")]
    # changed slightly, then rounded to 5: within 7 of the truth
    assert all(isinstance(v, int) and v % 5 == 0 for v in shown)
    assert all(abs(v - t) <= 7 for v, t in zip(shown, (22, 13, 9)))
    # shares from the protected, rounded counts, to 0.1 of a point
    share = rows["female"]["engaged_share"]
    low, high = shown_range(35)  # the number with a known sex, changed slightly, then rounded to 5
    assert shown[0] / int(round_to_5(high)) - 5e-4 <= share <= shown[0] / int(round_to_5(low)) + 5e-4
    assert round(share * 1000) == pytest.approx(share * 1000)
    off = sex_rows(path, "off")
    assert (off["female"]["engaged"], off["male"]["engaged"], off["unknown"]["engaged"]) == (22, 13, 9)
    assert off["female"]["engaged_share"] == pytest.approx(22 / 35)


def test_the_same_count_is_the_same_everywhere(tmp_path):
    path = build_toy_db(tmp_path)
    write(path, one_activity(female=22, male=13, unknown=9))
    report = measure(path, build_report, scope=NORTHTOWN)
    again = measure(path, build_report, scope=NORTHTOWN)
    assert report["participants"] == again["participants"]  # asking again gives nothing new
    sex = {r["category"]: r["engaged"] for r in report["reach"] if r["dimension"] == "sex"}
    assert sex == {c: r["engaged"] for c, r in sex_rows(path).items()}


def test_the_threshold_is_the_presets(tmp_path):
    strict = Preset.model_validate({**TOY_PRESET, "thresholds": {**TOY_PRESET["thresholds"], "suppression": 10}})
    path = build_toy_db(tmp_path, preset=strict)
    write(path, one_activity(female=9, male=30, unknown=11))
    rows = sex_rows(path)
    # 9 is within 1..10 now: hidden, and the next smallest (unknown 11) with it
    assert (rows["female"]["engaged"], rows["unknown"]["engaged"]) == ("*", "*")
    assert isinstance(rows["male"]["engaged"], int) and abs(rows["male"]["engaged"] - 30) <= 5
    assert rows["male"]["engaged"] > 10
    report = measure(path, build_report, scope=NORTHTOWN)
    assert report["disclosure"]["threshold"] == 10 and "1 to 10" in report["disclosure"]["note"]
