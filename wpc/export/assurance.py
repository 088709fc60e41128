"""The board assurance pack: for an ICS board or an Engagement Assurance Committee, one slide
per question a lay member asks, each led by one plain sentence, as PPTX or PDF.

Its content is a list of slide builders (SLIDES): each takes the scope and returns a Slide
(a sentence, a few more lines, a chart and a table, all from the views the pages and the place
pack use, so nothing is recomputed) or None when it has nothing to say. Adding a slide is one
function and one line in SLIDES. Numbers are in publication mode by default (docs/methods.md
section 10), the same as `wpc report --publish`; the title slide states the scope, period and
data sources. `wpc export --kind assurance` and the app's download both call `make`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from wpc import db, measures
from wpc.access import Access
from wpc.export import charts, pdf
from wpc.export import pack as place_pack
from wpc.export.tables import as_text
from wpc.measures.change import baseline_scope
from wpc.measures.scope import Scope
from wpc.presets import Preset
from wpc.sources import SOURCES
from wpc.views import activity, change, coverage, gradient, naming, quality, reach, targets, what_works
from wpc.views import workshop as questions
from wpc.views.format import listed
from wpc.views.parts import Table, limit

FORMATS = ("pptx", "pdf")
TITLE = "Board assurance"


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    sentence: str  # the one plain sentence a lay member reads
    details: tuple[str, ...] = ()  # a few more lines for those who want them
    figure: go.Figure | None = None
    table: Table | None = None
    caption: str = ""


@dataclass(frozen=True)
class AssurancePack:
    about: questions.About
    slides: tuple[Slide, ...]
    scope: Scope  # as resolved, for the file name
    preset: Preset


# ---------- the slides: each (con, scope, disclosure, access, baseline) -> Slide, or None to leave it out

Builder = Callable[[duckdb.DuckDBPyConnection, Scope, str, Access | None, Scope | None], Slide | None]


def targets_slide(con, scope: Scope, disclosure: str, access: Access | None,
                  baseline: Scope | None = None) -> Slide | None:
    """Each target the preset sets for the scope, with its status read from the 95% interval and
    how many more would close the gap (docs/methods.md section 16); left out when none is set."""
    if not targets.applies(con, scope):
        return None
    view = targets.build(con, scope, disclosure)
    return Slide("targets", "Targets: are we meeting what we promised?", view.summary, tuple(view.more[:3]),
                 view.chart, view.table, questions.TARGETS_CAPTION)


def change_slide(con, scope: Scope, disclosure: str, access: Access | None,
                 baseline: Scope | None = None) -> Slide | None:
    """The Core20 share's change from the baseline period (default: the same length just before)
    and its trend by quarter (docs/methods.md section 18); left out when there is no baseline
    period to compare with (a scope with no period end and none chosen)."""
    shift = change.change(con, scope, baseline or baseline_scope(scope), "imd_quintile", disclosure)
    if shift.table is None:
        return None
    trend = reach.trend(con, scope, "imd_quintile", "1", disclosure)
    return Slide("change", "Change since the baseline: is Core20 reach getting better?", shift.sentence,
                 tuple(words for words in (shift.periods, trend.trend_test) if words),
                 None if trend.empty else trend.chart, shift.table)


def what_works_slide(con, scope: Scope, disclosure: str, access: Access | None,
                     baseline: Scope | None = None) -> Slide:
    view = what_works.build(con, scope, what_works.DEFAULT_BREAKDOWN, disclosure)
    return Slide("what_works", "What works: which partners reach people in Core20 areas", view.sentence,
                 (view.cost_sentence,), view.chart, view.table, what_works.CAPTION)


def gradient_slide(con, scope: Scope, disclosure: str, access: Access | None,
                   baseline: Scope | None = None) -> Slide:
    view = gradient.build(con, scope, disclosure)
    return Slide("gradient", "Deprivation gradient: engagement from most to least deprived", view.sentence,
                 (" · ".join(f"{m.label}: {m.value}" for m in view.metrics),), view.chart, view.table,
                 gradient.CAPTION)


def feedback_slide(con, scope: Scope, disclosure: str, access: Access | None,
                   baseline: Scope | None = None) -> Slide:
    view = activity.feedback_loop(con, scope, access, disclosure)
    return Slide("feedback", "Feedback loop: did we tell people what changed?", view.sentence,
                 (view.overdue_sentence,), view.chart, view.by_organisation, view.due_rule)


def cold_spots_slide(con, scope: Scope, disclosure: str, access: Access | None,
                     baseline: Scope | None = None) -> Slide:
    resolved = measures.resolve(con, scope)
    numbers = measures.coverage(con, scope, disclosure)
    spots = measures.cold_spots(con, scope, disclosure)
    mine = limit(access, resolved.scope, spots)
    table = Table("cold-spots", "Cold spots: Core20 neighbourhoods with no participants, most deprived first",
                  coverage.cold_spots_display(mine), slide_columns=("LSOA", "Name", "IMD rank", "Residents"))
    return Slide("cold_spots", "Cold spots: deprived neighbourhoods we have not reached",
                 coverage.coverage_summary(resolved.name, numbers, spots), (coverage.cold_spots_first(mine),),
                 None, table)


def quality_slide(con, scope: Scope, disclosure: str, access: Access | None,
                  baseline: Scope | None = None) -> Slide:
    view = quality.stored(con, scope, access, disclosure)
    return Slide("quality", "Data quality: how far the numbers can be trusted", view.sentence,
                 (view.unknown_sentence,), view.unknown_chart, view.sources)


SLIDES: list[Builder] = [
    targets_slide,
    change_slide,
    what_works_slide,
    gradient_slide,
    feedback_slide,
    cold_spots_slide,
    quality_slide,
]


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "publish",
          access: Access | None = None, baseline: Scope | None = None) -> AssurancePack:
    """The pack's content for `scope` (nothing drawn yet), lists limited to what `access` may see."""
    resolved = measures.resolve(con, scope)
    slides = tuple(slide for builder in SLIDES
                   if (slide := builder(con, scope, disclosure, access, baseline)) is not None)
    return AssurancePack(questions.about(con, scope, disclosure), slides, resolved.scope, resolved.preset)


def file_name(scope: Scope, preset: Preset, fmt: str) -> str:
    """wpc-assurance-lewisham-all-dates.pdf, named as the place pack is (wpc.views.naming)."""
    return f"{naming.file_stem('assurance', scope, preset)}.{fmt}"


# ---------- words


def title_lines(pack: AssurancePack) -> list[str]:
    a = pack.about
    lines = [
        f"Scope: {a.name}" + (f", a place of {a.ics}" if a.place else " (the whole Integrated Care System)"),
        f"Period: {a.period}. Activity filters: {a.filters}.",
        f"Data: {a.data_date} The engagement records come from the ICS's partners' uploads; residents, "
        f"deprivation and geography from open data published by {listed(publishers())} (listed on the last page).",
        f"Made on {a.today.day} {a.today:%B %Y} with wpc.",
        a.disclosure_note,
    ]
    return [*lines, place_pack.SYNTHETIC] if a.synthetic else lines


def publishers() -> list[str]:
    """The publishers of the reference data, each once, in the order wpc.sources lists them."""
    names = [part.split("(")[0].replace(" Open Geography Portal", "").strip()
             for s in SOURCES for part in s.publisher.split(";")]
    return list(dict.fromkeys(names))


def _footer(pack: AssurancePack) -> str:
    a = pack.about
    words = f"{TITLE}: {a.name} · {a.period} · made {a.today.day} {a.today:%b %Y} · {a.short_disclosure}"
    return ("SYNTHETIC DEMO DATA · " + words) if a.synthetic else words


BESIDE_CHART_ROWS, FULL_WIDTH_ROWS = 10, 12  # rows that fit beside a chart, and across a slide


def _table_text(table: Table, rows: int):
    shown = table.on_slide(rows)
    text = as_text(shown, table.percent_columns, table.one_decimal_columns)
    return list(text.columns), text.to_numpy().tolist(), len(table.frame) - len(shown)


def _notes(slide: Slide, rows: int, left_out: int) -> list[str]:
    notes = [] if slide.table is None else [slide.table.title]
    if slide.table is not None and not rows:
        notes.append("Nothing to list for this choice.")
    if left_out:
        notes.append(f"First {rows} of {rows + left_out} rows.")
    return notes + ([slide.caption] if slide.caption else [])


def images(pack: AssurancePack, renderer: charts.ChartRenderer | None = None,
           height: int = place_pack.CHART_HEIGHT) -> dict[str, bytes]:
    renderer = renderer or charts.shared()
    return {s.key: renderer.png(place_pack.slide_figure(s.figure), width=place_pack.CHART_WIDTH, height=height,
                                scale=2)
            for s in pack.slides if s.figure is not None}


# ---------- PowerPoint


def to_pptx(pack: AssurancePack, pictures: dict[str, bytes]) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    dark, muted, blue = RGBColor(0x21, 0x2B, 0x32), RGBColor(0x4C, 0x62, 0x72), RGBColor(0x00, 0x5E, 0xB8)
    clean = pdf.clean
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[5]

    def new_slide(title: str, size: int = 28):
        slide = deck.slides.add_slide(layout)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9)
        shape.text_frame.text = clean(title)
        shape.text_frame.word_wrap = True
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = 1
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, blue
        return slide

    def text_box(slide, lines, left, top, width, height, size, colour=dark, bold_first=False) -> None:
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = clean(line)
            paragraph.space_after = Pt(6)
            for run in paragraph.runs:
                run.font.size, run.font.color.rgb = Pt(size if i else size + (3 if bold_first else 0)), colour
                run.font.bold = bold_first and i == 0

    def footer(slide) -> None:
        text_box(slide, [_footer(pack)], Inches(0.5), Inches(6.95), Inches(12.3), Inches(0.45), 9, muted)

    slide = new_slide(f"{TITLE}: {pack.about.name}", 36)
    text_box(slide, ["Is our work with people and communities reaching those facing the worst health "
                     "inequalities?", *title_lines(pack)], Inches(0.5), Inches(1.5), Inches(12.3), Inches(5.2), 15,
             bold_first=True)
    for one in pack.slides:
        slide = new_slide(one.title)
        text_box(slide, [one.sentence, *one.details], Inches(0.5), Inches(1.15), Inches(12.3), Inches(1.4), 13,
                 bold_first=True)
        top, table_left, table_width = Inches(2.65), Inches(7.9), Inches(4.95)
        if one.key in pictures:
            picture = slide.shapes.add_picture(io.BytesIO(pictures[one.key]), Inches(0.5), top,
                                               width=Inches(6.8), height=Inches(4.25))
            picture._element.nvPicPr.cNvPr.set("descr", clean(f"{one.title}. {one.sentence}"))
        else:
            table_left, table_width = Inches(0.5), Inches(12.3)
        rows, left_out = [], 0
        if one.table is not None:
            header, rows, left_out = _table_text(
                one.table, BESIDE_CHART_ROWS if one.key in pictures else FULL_WIDTH_ROWS)
            if rows:
                grid = slide.shapes.add_table(len(rows) + 1, len(header), table_left, top, table_width,
                                              Inches(0.3) * (len(rows) + 1)).table
                for c, name in enumerate(header):
                    grid.cell(0, c).text = clean(name)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        grid.cell(r, c).text = clean(value)
                for cell in (grid.cell(r, c) for r in range(len(rows) + 1) for c in range(len(header))):
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(10)
                    cell.margin_left = cell.margin_right = Inches(0.04)
        text_box(slide, _notes(one, len(rows), left_out), table_left,
                 top + Inches(0.3) * (len(rows) + 1) + Inches(0.1), table_width, Inches(1.0), 10, muted)
        footer(slide)
    slide = new_slide("Data sources")
    text_box(slide, place_pack.sources_lines(), Inches(0.5), Inches(1.15), Inches(12.3), Inches(5.7), 11)
    footer(slide)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# ---------- PDF


def to_pdf(pack: AssurancePack, pictures: dict[str, bytes]) -> bytes:
    doc = pdf.Document(f"{TITLE}: {pack.about.name}", leading=0.47, gap=1.5, bold_larger=1.5)
    doc.page(f"{TITLE}: {pack.about.name}", 26)
    doc.pdf.ln(4)
    doc.lines(["Is our work with people and communities reaching those facing the worst health inequalities?",
               *title_lines(pack)], 12, bold_first=True)
    doc.footer(_footer(pack))
    for one in pack.slides:
        doc.page(one.title)
        doc.pdf.ln(1)
        doc.lines([one.sentence, *one.details], 10.5, bold_first=True)
        top = max(doc.pdf.get_y() + 2, 50)
        table_x = 12
        if one.key in pictures:
            chart_height = 190 - top
            chart_width = min(chart_height * place_pack.CHART_WIDTH / place_pack.PDF_CHART_HEIGHT, 165)
            doc.chart(pictures[one.key], top, chart_width,
                      chart_width * place_pack.PDF_CHART_HEIGHT / place_pack.CHART_WIDTH, one.sentence)
            table_x = 12 + chart_width + 5
        rows, left_out = [], 0
        doc.pdf.set_xy(table_x, top)
        if one.table is not None:
            header, rows, left_out = _table_text(
                one.table, BESIDE_CHART_ROWS if one.key in pictures else FULL_WIDTH_ROWS)
            if rows:
                doc.table(header, rows, table_x, top)
        doc.pdf.set_y(doc.pdf.get_y() + 2)
        doc.lines(_notes(one, len(rows), left_out), 7.5, width=pdf.RIGHT_EDGE - table_x, colour=pdf.MUTED,
                  x=table_x)
        doc.footer(_footer(pack))
    doc.page("Data sources")
    doc.pdf.ln(2)
    doc.lines(place_pack.sources_lines(), 9)
    doc.footer(_footer(pack))
    return doc.output()


def render(pack: AssurancePack, fmt: str, renderer: charts.ChartRenderer | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"the assurance pack is made as {' or '.join(FORMATS)}, not {fmt!r}")
    pictures = images(pack, renderer, place_pack.PDF_CHART_HEIGHT if fmt == "pdf" else place_pack.CHART_HEIGHT)
    return (to_pptx if fmt == "pptx" else to_pdf)(pack, pictures)


def make(db_path: Path | str, scope: Scope, fmt: str, disclosure: str = "publish",
         renderer: charts.ChartRenderer | None = None, access: Access | None = None,
         baseline: Scope | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the assurance pack for `scope`, read on a short-lived connection."""
    with db.reading(db_path) as con:
        pack = build(con, scope, disclosure, access, baseline)
    return file_name(pack.scope, pack.preset, fmt), render(pack, fmt, renderer)
