"""`wpc report` (docs/methods.md section 13): every JSON key for a place and for the ICS, clear errors with exit 2,
and readable text. Run through the real command line (typer's CliRunner) on real databases."""

import json
import re

import pytest
from typer.testing import CliRunner

from tests.engagement_rows import build_toy_db, write
from tests.fixtures.lake import store_options
from wpc.cli import app

runner = CliRunner()

PARTICIPANT_KEYS = {"total", "known_area", "out_of_area"}
CORE20_KEYS = {"engaged", "engaged_share", "ci_low", "ci_high", "population_share", "gap_pp", "ratio", "flag"}
REACH_KEYS = CORE20_KEYS | {"dimension", "category", "suppressed"}
COVERAGE_KEYS = {"core20_lsoas", "core20_lsoas_reached", "share"}
COLD_SPOT_KEYS = {"lsoa_code", "imd_rank", "population"}
GRADIENT_KEYS = {"sii", "rii", "sii_ci_low", "sii_ci_high", "deciles"}
FEEDBACK_KEYS = {"activities", "closed", "closed_on_time", "overdue", "share_closed_on_time"}
COST_KEYS = {"total_gbp", "per_participant", "per_core20_participant"}
TOP_KEYS = {"scope", "participants", "core20", "reach", "coverage", "cold_spots", "gradient", "fatigue",
            "ladder", "cycle", "feedback", "cost", "what_works", "quality"}


def assert_contract(report: dict) -> None:
    """Every key docs/methods.md section 13 lists is present (null allowed), and every share is a fraction."""
    assert TOP_KEYS <= report.keys()
    assert PARTICIPANT_KEYS <= report["participants"].keys()
    assert CORE20_KEYS <= report["core20"].keys()
    assert report["reach"] and all(REACH_KEYS <= row.keys() for row in report["reach"])
    assert {row["dimension"] for row in report["reach"]} == {
        "imd_quintile", "ethnicity_group", "ethnicity", "age_band", "sex", "disability", "carer", "inclusion_group"}
    assert COVERAGE_KEYS <= report["coverage"].keys()
    assert all(COLD_SPOT_KEYS <= spot.keys() for spot in report["cold_spots"])
    assert GRADIENT_KEYS <= report["gradient"].keys()
    assert report["fatigue"] is not None
    assert all({"rung", "name", "activities", "share"} <= row.keys() for row in report["ladder"])
    assert all({"stage", "name", "activities", "share"} <= row.keys() for row in report["cycle"])
    assert len(report["ladder"]) == 7 + 1 and len(report["cycle"]) == 5 + 1
    assert FEEDBACK_KEYS <= report["feedback"].keys()
    assert COST_KEYS <= report["cost"].keys()
    assert {"by_method", "by_organisation"} <= report["what_works"].keys()
    assert report["quality"] is not None
    assert_fractions(report)


def assert_fractions(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            assert_fractions(v, k)
    elif isinstance(value, list):
        for v in value:
            assert_fractions(v, key)
    elif key == "share" or key.endswith("_share") or key.startswith("share_"):
        assert value is None or 0.0 <= value <= 1.0, (key, value)


def fill(e):
    e.activity("N1", "Northtown", "2025-05-01", method="survey", organisation="ICB", ladder_rung=4,
               cycle_stage=1, cost_gbp=900, target_groups=["homeless"])
    e.people("N1", 25, lsoa21cd="E01900001", sex="female", ethnicity="white_british")
    e.people("N1", 12, lsoa21cd="E01900005", sex="male", ethnicity="white_british")
    e.people("N1", 3, lsoa21cd="E01900011")
    e.activity("S1", "Southtown", "2025-06-01", method="outreach", participants_total=30)


@pytest.fixture(scope="module")
def toy(tmp_path_factory, store_kind):
    path = build_toy_db(tmp_path_factory.mktemp("cli"), store_kind=store_kind)
    write(path, fill)
    return path


def report_json(*args) -> dict:
    result = runner.invoke(app, ["report", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_for_a_place_has_every_key(toy):
    report = report_json(*store_options(toy), "--place", "Northtown", "--today", "2025-12-31")
    assert_contract(report)
    assert report["scope"]["place"] == "Northtown" and report["scope"]["today"] == "2025-12-31"
    assert report["disclosure"]["mode"] == "suppress"
    # 25 + 12 living in Northtown, 3 from outside the ICS: 3 is hidden, and since the total minus
    # those living here would give it, one of those is hidden too
    p = report["participants"]
    assert p["out_of_area"] == "*" and "*" in (p["total"], p["known_area"]) and p["unknown_home"] == 0
    exact = report_json(*store_options(toy), "--place", "Northtown", "--today", "2025-12-31", "--no-suppress")
    assert exact["participants"] == {"total": 40, "known_area": 37, "out_of_area": 3, "unknown_home": 0,
                                     "unknown_home_rows": 0, "unknown_home_returns": 0,
                                     "unknown_home_headcount": 0}
    assert exact["core20"]["engaged"] == 25
    assert exact["core20"]["engaged_share"] == pytest.approx(25 / 37)


def test_json_for_the_ics_has_every_key(toy):
    report = report_json(*store_options(toy))
    assert_contract(report)
    assert report["scope"]["place"] is None and report["scope"]["preset"] == "toy"  # the default preset
    assert report_json(*store_options(toy), "--no-suppress")["participants"]["total"] == 40 + 30
    total = report["participants"]["total"]
    assert total == "*" or abs(total - 70) <= 5  # shown counts of people change by at most 5


def test_publish_and_no_suppress_are_labelled(toy):
    published = report_json(*store_options(toy), "--place", "Northtown", "--publish")
    assert published["disclosure"]["mode"] == "publish" and "rounded" in published["disclosure"]["note"]
    shown = [v for v in published["participants"].values() if v != "*"]
    assert all(v % 5 == 0 for v in shown) and published["participants"]["out_of_area"] == "*"
    off = report_json(*store_options(toy), "--place", "Northtown", "--no-suppress")
    assert off["disclosure"]["mode"] == "off" and "OFF" in off["disclosure"]["note"]
    assert off["participants"]["out_of_area"] == 3
    text = runner.invoke(app, ["report", *store_options(toy), "--no-suppress"]).stdout
    assert "DISCLOSURE CONTROL IS OFF" in text
    both = runner.invoke(app, ["report", *store_options(toy), "--publish", "--no-suppress"])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_unknown_place_is_a_clear_error(toy):
    result = runner.invoke(app, ["report", *store_options(toy), "--place", "Atlantis", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'Atlantis' is not a place of Toyshire" in result.stderr and "Northtown, Southtown" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option, value", [("--from", "2025-13-01"), ("--to", "yesterday"), ("--today", "31/31/2025")])
def test_malformed_date_is_a_clear_error(toy, option, value):
    result = runner.invoke(app, ["report", *store_options(toy), option, value])
    assert result.exit_code == 2
    assert f"{option} date {value!r} is not a date" in result.stderr
    assert "Traceback" not in result.output


def test_reversed_period_unknown_filter_and_missing_database(toy, tmp_path):
    reversed_period = runner.invoke(app, ["report", *store_options(toy), "--from", "2025-06-01", "--to", "2025-01-01"])
    assert reversed_period.exit_code == 2 and "reversed" in reversed_period.stderr
    bad_method = runner.invoke(app, ["report", *store_options(toy), "--method", "telepathy"])
    assert bad_method.exit_code == 2 and "not a known method" in bad_method.stderr
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no database" in missing.stderr
    unknown_preset = runner.invoke(app, ["report", *store_options(toy), "--preset", "zz"])
    assert unknown_preset.exit_code == 2 and "no preset 'zz'" in unknown_preset.stderr


def test_text_output_is_readable(toy):
    result = runner.invoke(app, ["report", *store_options(toy), "--place", "Northtown", "--today", "2025-12-31"])
    assert result.exit_code == 0
    assert "Small changes are made to protect privacy" in result.stdout
    result = runner.invoke(app, ["report", *store_options(toy), "--place", "Northtown", "--today", "2025-12-31",
                                 "--no-suppress"])
    assert result.exit_code == 0
    text = result.stdout
    for heading in ("wpc report: Northtown (Toyshire)", "Participants", "Core20 reach", "Reach by dimension",
                    "Coverage", "Deprivation gradient", "Fatigue", "Ladder of participation", "Engagement cycle",
                    "Feedback loop", "Cost", "What works", "Data quality"):
        assert heading in text, heading
    # a plain sentence with the Core20 share (25 of 37 = 67.6%) and the residents' share
    assert "67.6% of participants with a known home" in text
    assert "52.9% of residents" in text  # 3,700 of 7,000
    assert "DISCLOSURE CONTROL IS OFF" in text
    assert "{" not in text and not re.search(r"\bnan\b", text, re.IGNORECASE) and "None" not in text


def test_filters_and_period_reach_the_report(toy):
    report = report_json(*store_options(toy), "--place", "northtown", "--from", "01/05/2025", "--to", "2025-05-31",
                         "--method", "Survey", "--organisation", "icb", "--target-group", "homeless",
                         "--programme", "", "--today", "2025-12-31", "--no-suppress")
    assert report["scope"]["place"] == "Northtown" and report["scope"]["method"] == "survey"
    assert report["scope"]["date_from"] == "2025-05-01"
    assert report["participants"]["known_area"] == 37
    nothing = report_json(*store_options(toy), "--clinical-area", "maternity")
    assert nothing["participants"]["total"] == 0
