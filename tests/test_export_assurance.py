"""The board assurance pack through `wpc export --kind assurance`, on the demo database with
today fixed: each slide's sentence and table, read back out of the PPTX (python-pptx) and the
PDF (pdftotext), hold the numbers of `wpc report --publish --json` for the same scope, written
from the report's JSON by the views' pure sentence functions."""

from __future__ import annotations

import json
import re
import subprocess

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from typer.testing import CliRunner

from wpc import vocab
from wpc.cli import app
from wpc.config import ROOT
from wpc.views.format import money
from wpc.views import activity, coverage, gradient, quality, what_works

TODAY = "2025-10-01"
PLACE = "Lewisham"
PERIOD = "across all dates"
TITLES = ["Board assurance: Lewisham", "What works: which partners reach people in Core20 areas",
          "Deprivation gradient: engagement from most to least deprived",
          "Feedback loop: did we tell people what changed?",
          "Cold spots: deprived neighbourhoods we have not reached",
          "Data quality: how far the numbers can be trusted", "Data sources"]
ARTIFACTS = ROOT / "tests" / "artifacts"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*args, "--today", TODAY])


@pytest.fixture(scope="module")
def report(demo_db) -> dict:
    result = run("report", "--db", str(demo_db), "--publish", "--json", "--place", PLACE)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def files(demo_db, chart_renderer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("assurance")
    for fmt in ("pptx", "pdf"):
        result = run("export", "--db", str(demo_db), "--kind", "assurance", "--format", fmt, "--place", PLACE,
                     "--out", str(folder))
        assert result.exit_code == 0, result.output
    return {fmt: folder / f"wpc-assurance-lewisham-all-dates.{fmt}" for fmt in ("pptx", "pdf")}


def words(text: str) -> str:
    return " ".join(text.split())


def slide_text(slide) -> str:
    return words("\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame))


def slide_table(slide) -> list[dict]:
    table = next(shape for shape in slide.shapes if shape.has_table).table
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def sentences(report: dict) -> dict[str, str]:
    """Each slide's lead sentence, written from `wpc report`'s JSON."""
    rows = what_works.what_works_rows(report["what_works"]["by_organisation_type"], "organisation_type",
                                      report["core20"]["population_share"])
    return {
        "what works": what_works.reach_sentence(PLACE, rows, "partner types", PERIOD),
        "gradient": gradient.gradient_sentence(PLACE, report["gradient"], PERIOD),
        "feedback": activity.feedback(PLACE, report["feedback"]),
        "cold spots": coverage.coverage_summary(PLACE, report["coverage"], pd.DataFrame(report["cold_spots"])),
        "quality": quality.quality(PLACE, report["quality"]),
    }


def test_the_slides_hold_the_reports_numbers(files, report):
    deck = Presentation(str(files["pptx"]))
    slides = list(deck.slides)
    assert [slide.shapes.title.text for slide in slides] == TITLES
    title = slide_text(slides[0])
    assert "Period: All activities (no period chosen)" in title and "publication mode" in title
    assert "MHCLG, ONS, Ordnance Survey and NHS Digital" in title
    for slide, (what, sentence) in zip(slides[1:6], sentences(report).items(), strict=True):
        assert words(sentence) in slide_text(slide), what
    assert "slope index of" in slide_text(slides[2])  # the gradient was computed, not withheld
    # what works: each partner type's participants, Core20 share and cost per Core20 participant
    works = {vocab.ORGANISATION_TYPES.get(r["organisation_type"], "Not recorded"): r
             for r in report["what_works"]["by_organisation_type"]}
    shown = slide_table(slides[1])
    assert len(shown) == len(works)
    for row in shown:
        want = works[row["Partner type"]]
        assert row["Participants"] == (f"{want['participants']:,}" if want["participants"] != "*" else "*")
        assert row["Core20 share"] == ("–" if want["engaged_share"] is None else f"{100 * want['engaged_share']:.1f}%")
        cost = want["per_core20_participant"]
        assert row["Cost per Core20 participant"] == ("–" if cost is None else money(cost))
    # the gradient's deciles, the feedback loop's organisations, the cold spots, the data's sources
    for row, want in zip(slide_table(slides[2]), report["gradient"]["deciles"]):
        assert row["Participants"] == str(want["participants"] if want["participants"] == "*"
                                          else f"{want['participants']:,}")
    loop = {r["organisation"]: r for r in report["feedback"]["by_organisation"]}
    for row in slide_table(slides[3]):
        assert int(row["Activities"]) == loop[row["Organisation"]]["activities"]
        assert int(row["Overdue"]) == loop[row["Organisation"]]["overdue"]
    spots = slide_table(slides[4])
    assert [row["LSOA"] for row in spots] == [s["lsoa_code"] for s in report["cold_spots"]][:len(spots)]
    sources = {row["Participants recorded as"]: row for row in slide_table(slides[5])}
    q = report["quality"]
    assert int(sources["Individual equality-monitoring rows"]["Activities"]) == q["activities_with_individual_rows"]
    assert sources["Individual equality-monitoring rows"]["Participants"] == f"{q['participants_individual_rows']:,}"


def test_the_pdf_has_the_same_pages_and_sentences(files, report):
    info = subprocess.run(["pdfinfo", str(files["pdf"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+7$", info, re.M)
    pages = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    for page, title in zip(pages, TITLES, strict=False):
        assert title in words(page), title
    for page, (what, sentence) in zip(pages[1:6], sentences(report).items(), strict=True):
        assert words(sentence) in words(page), what
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "3", "-l", "3", str(files["pdf"]),
                    str(ARTIFACTS / "assurance-page")], check=True)
    image = next(ARTIFACTS.glob("assurance-page-*3.png"))
    assert Image.open(image).size[0] > Image.open(image).size[1]  # landscape


def test_the_assurance_pack_is_slides_or_pages_only(demo_db, tmp_path):
    result = run("export", "--db", str(demo_db), "--kind", "assurance", "--format", "csv", "--place", PLACE,
                 "--out", str(tmp_path / "tables.zip"))
    assert result.exit_code != 0
    assert "the assurance pack is made as pptx or pdf, not csv" in result.output
    assert not (tmp_path / "tables.zip").exists()


def test_targets_and_change_slides_hold_the_reports_numbers(demo_db, tmp_path):
    """Thurrock's preset sets targets, and a half year has a baseline (the half year before):
    the pack opens with the targets and the change, as `wpc report --publish` gives them."""
    from wpc.views import change, targets

    period = ["--place", "Thurrock", "--preset", "mse", "--from", "2025-04-01", "--to", "2025-09-30"]
    result = run("report", "--db", str(demo_db), "--publish", "--json", *period)
    assert result.exit_code == 0, result.output
    published = json.loads(result.output)
    result = run("export", "--db", str(demo_db), "--kind", "assurance", "--format", "pptx", *period,
                 "--out", str(tmp_path / "board.pptx"))
    assert result.exit_code == 0, result.output
    deck = Presentation(str(tmp_path / "board.pptx"))
    titles = [slide_text(s) for s in deck.slides]
    assert titles[1].startswith("Targets: are we meeting what we promised?")
    assert titles[2].startswith("Change since the baseline: is Core20 reach getting better?")

    mine = [t for t in published["targets"] if t["scope"] == "Thurrock"]
    assert mine, "the mse preset sets targets for Thurrock"
    rows = slide_table(deck.slides[1])
    assert [r["Status"] for r in rows] == [targets.status_text(t["status"]) for t in mine]
    assert words(targets.summary("Thurrock", mine, whole_ics=False)) in titles[1]

    core20 = next(item for item in published["change"] if item["measure"] == "core20_share")
    assert core20["baseline"]["from"] == "2024-10-01" and core20["baseline"]["to"] == "2025-03-31"
    assert words(change.change_sentence(core20, "Thurrock")) in titles[2]
