"""The place pack through `wpc export`, on the demo database with today fixed: its slides and
pages hold the numbers `wpc report --publish` prints for the same scope.

One place (Lambeth) is exported in each format; the numbers are read back out of the files
(python-pptx for slides, pdftotext for pages, the CSV files) and compared with the report's
JSON, which is computed by a different path (wpc.measures.build_report)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile

import pytest
from PIL import Image
from pptx import Presentation
from typer.testing import CliRunner

from wpc.cli import app
from wpc.config import ROOT
from wpc.views.format import money

TODAY = "2025-10-01"
PLACE = "Lambeth"
ICS = "South East London"
TITLES = ["Who are we reaching? Lambeth", "Core20 reach by place", "Reach gaps by ethnic group (5 groups)",
          "Coverage map", "Cold spots", "Feedback loop", "Ladder of participation", "Change over time",
          "What works", "Deprivation gradient", "Methods and sources"]
ARTIFACTS = ROOT / "tests" / "artifacts"
runner = CliRunner()


def report(db_path, place: str | None = None) -> dict:
    args = ["report", "--db", str(db_path), "--publish", "--json", "--today", TODAY]
    result = runner.invoke(app, args + (["--place", place] if place else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def export(db_path, fmt: str, out, *extra: str):
    result = runner.invoke(app, ["export", "--db", str(db_path), "--format", fmt, "--out", str(out),
                                 "--today", TODAY, *extra])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def lambeth_report(demo_db) -> dict:
    return report(demo_db, PLACE)


@pytest.fixture(scope="module")
def ics_report(demo_db) -> dict:
    return report(demo_db)


@pytest.fixture(scope="module")
def pptx_deck(demo_db, chart_renderer, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "lambeth.pptx"
    export(demo_db, "pptx", out, "--place", PLACE)
    return Presentation(str(out))


@pytest.fixture(scope="module")
def pdf_file(demo_db, chart_renderer, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "lambeth.pdf"
    export(demo_db, "pdf", out, "--place", "lambeth")  # any case, as people type it
    return out


def count_of(text: str) -> int | str:
    return "*" if text == "*" else int(text.replace(",", ""))


def percent(text: str) -> float | None:
    return None if text == "–" else float(text.rstrip("%"))


def one_decimal(share) -> float | None:
    return None if share is None else round(100 * share, 1)


def slide_table(slide) -> list[dict]:
    table = next(shape for shape in slide.shapes if shape.has_table).table
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_the_deck_has_a_title_slide_one_slide_per_question_and_methods(pptx_deck):
    assert [slide.shapes.title.text for slide in pptx_deck.slides] == TITLES
    for slide in list(pptx_deck.slides)[1:-1]:
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == 1
        assert Image.open(io.BytesIO(pictures[0].image.blob)).size == (1920, 1200)
        assert any(shape.has_table for shape in slide.shapes)
        assert "publication mode" in slide_text(slide) and "rounded to the nearest 5" in slide_text(slide)


def test_the_title_slide_states_scope_data_date_and_disclosure(pptx_deck):
    text = slide_text(pptx_deck.slides[0])
    assert "Scope: Lambeth, a place of South East London" in text
    assert "Period: All activities (no period chosen)" in text
    assert re.search(r"Data: Engagement data uploaded up to \d+ \w+ \d{4}; latest activity starting 30 Sep 2025",
                     text)
    assert "Made on 1 October 2025" in text
    assert "Disclosure control is on, in publication mode" in text
    assert "SYNTHETIC DEMO DATA" in text


def test_core20_slide_numbers_equal_the_report(pptx_deck, lambeth_report, ics_report):
    rows = {row["Area"]: row for row in slide_table(pptx_deck.slides[1])}
    assert list(rows) == [ICS, "Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"]
    for area, expected in ((PLACE, lambeth_report["core20"]), (ICS, ics_report["core20"])):
        row = rows[area]
        assert count_of(row["Participants"]) == expected["engaged"]
        assert percent(row["Share of participants"]) == one_decimal(expected["engaged_share"])
        assert percent(row["Residents' share"]) == one_decimal(expected["population_share"])
        assert float(row["Gap (points)"]) == round(expected["gap_pp"], 1)
    # the speaker's line quotes the same share
    share = f"{100 * lambeth_report['core20']['engaged_share']:.1f}%"
    assert f"In Lambeth, {share} of participants whose home is known" in slide_text(pptx_deck.slides[1])


def test_reach_slide_numbers_equal_the_report(pptx_deck, lambeth_report):
    expected = {r["label"]: r for r in lambeth_report["reach"] if r["dimension"] == "ethnicity_group"}
    rows = slide_table(pptx_deck.slides[2])
    assert [row["Category"] for row in rows] == list(expected)
    for row in rows:
        want = expected[row["Category"]]
        assert count_of(row["Participants"]) == want["engaged"]
        assert count_of(row["Participants"]) % 5 == 0  # publication mode rounds to 5
        assert percent(row["Share of participants"]) == one_decimal(want["engaged_share"])
        if want["category"] != "unknown":
            assert percent(row["Residents' share"]) == one_decimal(want["population_share"])
    assert rows[-1]["Category"] == "Unknown or not given"


def test_coverage_cold_spot_feedback_and_ladder_slides_equal_the_report(pptx_deck, lambeth_report):
    coverage = {row["Measure"]: row["Value"] for row in slide_table(pptx_deck.slides[3])}
    want = lambeth_report["coverage"]
    assert int(coverage["Core20 neighbourhoods (LSOAs)"]) == want["core20_lsoas"]
    assert int(coverage["Core20 neighbourhoods reached"]) == want["core20_lsoas_reached"]
    assert percent(coverage["Share reached"]) == one_decimal(want["share"])
    assert int(coverage["Cold spots (Core20, nobody reached)"]) == len(lambeth_report["cold_spots"])
    assert count_of(coverage["Participants living here"]) == want["participants_living_here"]
    assert float(coverage["Participants per 1,000 residents"]) == round(want["rate_per_1000"], 1)

    spots = slide_table(pptx_deck.slides[4])
    assert [(r["LSOA"], count_of(r["IMD rank"]), count_of(r["Residents"])) for r in spots] == [
        (s["lsoa_code"], s["imd_rank"], s["population"]) for s in lambeth_report["cold_spots"][:8]]

    loop = {r["organisation"]: r for r in lambeth_report["feedback"]["by_organisation"]}
    states = ("Closed on time", "Closed late", "Overdue", "Not yet due")
    for row in slide_table(pptx_deck.slides[5]):
        want = loop[row["Organisation"]]
        assert [int(row[column]) for column in ("Activities", *states)] == [
            want["activities"], want["closed_on_time"], want["closed_late"], want["overdue"], want["not_yet_due"]]
        assert int(row["Activities"]) == sum(int(row[state]) for state in states)  # the row adds up

    rungs = {r["name"]: r for r in lambeth_report["ladder"]}
    rows = slide_table(pptx_deck.slides[6])
    assert len(rows) == len(rungs)
    for row in rows:
        want = rungs[row["Name"]]
        assert int(row["Activities"]) == want["activities"]
        assert percent(row["Share of those recorded"]) == one_decimal(want["share"])


def test_what_works_and_gradient_slides_equal_the_report(pptx_deck, lambeth_report):
    from wpc import vocab

    works = {vocab.ORGANISATION_TYPES.get(r["organisation_type"], "Not recorded"): r
             for r in lambeth_report["what_works"]["by_organisation_type"]}
    rows = slide_table(pptx_deck.slides[TITLES.index("What works")])
    assert rows and {row["Partner type"] for row in rows} <= set(works)
    for row in rows:
        want = works[row["Partner type"]]
        assert count_of(row["Participants"]) == want["participants"]
        assert percent(row["Core20 share"]) == one_decimal(want["engaged_share"])
        cost = want["per_core20_participant"]
        assert row["Cost per Core20 participant"] == ("–" if cost is None else money(cost))
    slope = lambeth_report["gradient"]
    text = slide_text(pptx_deck.slides[TITLES.index("Deprivation gradient")])
    assert f"a slope index of {slope['sii']:+g} per 1,000 (95% CI {slope['sii_ci_low']:+g} to " \
           f"{slope['sii_ci_high']:+g})" in " ".join(text.split())
    deciles = slide_table(pptx_deck.slides[TITLES.index("Deprivation gradient")])
    for row, want in zip(deciles, slope["deciles"]):
        assert count_of(row["Participants"]) == want["participants"]


def test_the_methods_slide_names_every_source(pptx_deck):
    from wpc.sources import SOURCES

    text = slide_text(pptx_deck.slides[-1])
    for source in SOURCES:
        assert source.name in text
    assert "Wilson" in text and "Open Government Licence" in text


def test_the_pdf_has_the_same_pages_and_numbers(pdf_file, lambeth_report):
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^Pages:\s+{len(TITLES)}$", info, re.M)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    for page, title in zip(pages, TITLES, strict=False):
        assert title in " ".join(page.split()), title
    core20 = lambeth_report["core20"]
    lambeth_row = next(line for line in pages[1].splitlines() if line.strip().startswith("Lambeth"))
    assert lambeth_row.split() == [
        "Lambeth", f"{core20['engaged']:,}", f"{100 * core20['engaged_share']:.1f}%",
        f"{100 * core20['population_share']:.1f}%", f"{core20['gap_pp']:.1f}"]
    assert "publication mode" in pages[0]
    words = " ".join(" ".join(pages).split())  # what a reader sees: no file paths or internal names
    assert "the wpc methods guide" in words and "docs/" not in words and "feedback_due" not in words
    for source_title in ("English Indices of Deprivation 2025", "Census 2021"):
        assert source_title in pages[len(TITLES) - 1]
    # a page as an image, to look at (tests/artifacts/pack-page-2-*.png)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "2", "-l", "2", str(pdf_file),
                    str(ARTIFACTS / "pack-page")], check=True)
    image = next(ARTIFACTS.glob("pack-page-*2.png"))
    assert Image.open(image).size[0] > Image.open(image).size[1]  # landscape


def test_csv_export_is_a_zip_of_the_packs_full_tables(demo_db, lambeth_report, tmp_path):
    export(demo_db, "csv", tmp_path / "tables.zip", "--place", PLACE)
    with zipfile.ZipFile(tmp_path / "tables.zip") as archive:
        names = archive.namelist()
        assert names == ["01-core20-by-place.csv", "02-reach-ethnicity-group.csv", "03-coverage-summary.csv",
                         "03-coverage-by-lsoa.csv", "04-cold-spots.csv", "05-feedback-by-organisation.csv",
                         "05-feedback-overdue.csv", "06-ladder.csv", "07-reach-trend.csv",
                         "08-what-works-organisation-type.csv", "09-gradient-deciles.csv", "about.txt"]
        read = {n: list(csv.DictReader(io.StringIO(archive.read(n).decode("utf-8-sig")))) for n in names[:-1]}
    lambeth = next(r for r in read["01-core20-by-place.csv"] if r["Area"] == PLACE)
    assert int(lambeth["Participants"]) == lambeth_report["core20"]["engaged"]
    assert float(lambeth["Share of participants (%)"]) == one_decimal(lambeth_report["core20"]["engaged_share"])
    # full tables, not the slide's first rows
    assert len(read["04-cold-spots.csv"]) == len(lambeth_report["cold_spots"])
    assert len(read["03-coverage-by-lsoa.csv"]) == lambeth_report["scope"]["lsoas"]
    assert len(read["05-feedback-overdue.csv"]) == lambeth_report["feedback"]["overdue"]


def test_png_export_is_a_zip_of_the_packs_charts(demo_db, chart_renderer, tmp_path):
    export(demo_db, "png", tmp_path / "charts.zip", "--place", PLACE)
    with zipfile.ZipFile(tmp_path / "charts.zip") as archive:
        pngs = [n for n in archive.namelist() if n.endswith(".png")]
        assert pngs == ["01-core20.png", "02-reach.png", "03-coverage.png", "04-cold-spots.png",
                        "05-feedback.png", "06-ladder.png", "07-change.png", "08-what-works.png",
                        "09-gradient.png"]
        for name in pngs:
            assert Image.open(io.BytesIO(archive.read(name))).size == (1920, 1200)
        assert "Lambeth" in archive.read("about.txt").decode("utf-8-sig")


def test_without_a_place_every_place_and_the_ics_get_a_file(demo_db, tmp_path):
    result = export(demo_db, "csv", tmp_path / "hw", "--preset", "hw")
    names = sorted(p.name for p in (tmp_path / "hw").iterdir())
    assert names == sorted([f"wpc-tables-{s}-all-dates.zip" for s in
                            ("herefordshire-and-worcestershire", "herefordshire", "worcestershire")])
    assert result.output.count("Wrote ") == 3


def test_an_unknown_place_or_dimension_is_refused_with_a_message(demo_db, tmp_path):
    result = runner.invoke(app, ["export", "--db", str(demo_db), "--format", "csv", "--place", "Atlantis",
                                 "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2
    assert "'Atlantis' is not a place of South East London" in result.output
    result = runner.invoke(app, ["export", "--db", str(demo_db), "--format", "pdf", "--dimension", "shoe_size",
                                 "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--dimension 'shoe_size'" in result.output
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.pdf").exists()


def test_the_html_pack_is_an_accessible_page_with_the_same_numbers(demo_db, chart_renderer, lambeth_report,
                                                                    tmp_path):
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text, self.open, self.rows = [], {}, [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))
            self.open.append(tag)
            if tag == "tr":
                self.rows.append([])

        def handle_endtag(self, tag):
            self.open.pop()

        def handle_data(self, data):
            if self.open:
                self.text.setdefault(self.open[-1], []).append(data)
            if self.open and self.open[-1] in ("th", "td"):
                self.rows[-1].append(data)

    out = tmp_path / "lambeth.html"
    export(demo_db, "html", out, "--place", PLACE)
    page = Reader()
    page.feed(out.read_text(encoding="utf-8"))
    assert ("html", {"lang": "en-GB"}) in page.tags
    assert page.text["h1"] == [TITLES[0]] and page.text["h2"] == TITLES[1:]
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == len(TITLES) - 2 and all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert all(len(a["alt"]) > 40 for a in images)  # each chart's sentences, not a file name
    assert images[0]["alt"].startswith(f"In {PLACE},")
    assert page.text["caption"][0] == "Core20 reach: the ICS and each place"
    assert {a.get("scope") for tag, a in page.tags if tag == "th"} == {"col", "row"}
    core20 = lambeth_report["core20"]
    lambeth_row = next(row for row in page.rows if row[0] == PLACE)  # the first table: Core20 by place
    assert lambeth_row[:3] == [PLACE, f"{core20['engaged']:,}", f"{100 * core20['engaged_share']:.1f}%"]
    assert {f"{100 * core20['population_share']:.1f}%", f"{core20['gap_pp']:.1f}"} <= set(lambeth_row)
    assert "Methods and sources" in page.text["h2"]


def test_the_pdf_is_tagged_with_its_language_sections_and_figures(pdf_file):
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    raw = pdf_file.read_bytes()
    assert b"/Lang (en-GB)" in raw and raw.count(b"/S /Figure") == len(TITLES) - 2  # one chart per question
    outline = subprocess.run(["pdfinfo", "-struct-text", str(pdf_file)], capture_output=True, text=True).stdout
    assert "Figure" in outline
