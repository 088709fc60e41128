"""The place pack: the six workshop questions for one scope as slides (PPTX), pages (PDF),
tables (a zip of CSV files) or chart images (a zip of PNG files).

Every form holds the same content: a title (scope, period, data date, disclosure), one
slide per question (chart, the speaker's sentence, a small table), and a methods and
sources slide. Numbers come from `wpc.views.workshop` in one disclosure mode, by default
publication mode (docs/methods.md section 10: counts of 1 to the threshold shown as *, the next smallest
hidden too, every other count rounded to the nearest 5, shares from the rounded counts),
and every slide says so. The app's "download the pack" and `wpc export` both call `make`.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from wpc import db
from wpc.access import Access
from wpc.views import naming
from wpc.views import workshop as questions
from wpc.export import charts, pdf
from wpc.export.tables import as_text, for_download, to_csv_bytes, zip_bytes
from wpc.measures import resolve
from wpc.measures.scope import Scope
from wpc.presets import Preset
from wpc.sources import ATTRIBUTION, SOURCES

FORMATS = ("pptx", "pdf", "html", "csv", "png")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "application/zip",
    "png": "application/zip",
}
EXTENSIONS = {"pptx": "pptx", "pdf": "pdf", "html": "html", "csv": "zip", "png": "zip"}
# Charts on slides: drawn this size (CSS pixels) at twice the resolution, larger type than on screen.
CHART_WIDTH, CHART_HEIGHT, CHART_FONT = 960, 600, 17
# A PDF page has room below its sentences for a taller chart than a slide: drawn in that shape,
# the chart fills the page's height instead of leaving its lower third blank.
PDF_CHART_HEIGHT = 780
SYNTHETIC = ("SYNTHETIC DEMO DATA: the engagement records were generated to demonstrate wpc and describe "
             "no real people or activities. Population, deprivation and boundary data are real.")
# XML 1.0 cannot hold most control characters; uploaded text could carry them.


@dataclass(frozen=True)
class Pack:
    about: questions.About
    questions: tuple[questions.Question, ...]
    dimension: str
    scope: Scope  # as resolved (canonical names), for the file name
    preset: Preset


def build(con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str = questions.DEFAULT_DIMENSION,
          disclosure: str = "publish", access: Access | None = None, baseline: Scope | None = None) -> Pack:
    """Gather the pack's content for `scope` (nothing drawn yet), its lists of neighbourhoods
    and activities limited to what `access` may see (None: no limit; see wpc.access); `baseline`:
    the period the change over time compares with (None: the same length just before)."""
    resolved = resolve(con, scope)
    return Pack(questions.about(con, scope, disclosure),
                tuple(questions.all_questions(con, scope, dimension, disclosure, access, baseline)),
                dimension, resolved.scope, resolved.preset)


# ---------- names


def file_name(scope: Scope, preset: Preset, fmt: str) -> str:
    """wpc-pack-lewisham-2025-04-01-to-2025-09-30-mental-health.pdf: the scope's place (or ICS), period
    and filters (wpc.views.naming); csv and png packs are zip files of tables and charts."""
    kind = {"csv": "tables", "png": "charts"}.get(fmt, "pack")
    return f"{naming.file_stem(kind, scope, preset)}.{EXTENSIONS[fmt]}"


def _numbered(pack: Pack) -> list[tuple[str, questions.Question]]:
    return [(f"{i:02d}-{q.key.replace('_', '-')}", q) for i, q in enumerate(pack.questions, start=1)]


# ---------- charts


def slide_figure(fig: go.Figure) -> go.Figure:
    """A copy of a chart for a slide: larger type and no title (the slide has one)."""
    copy = go.Figure(fig)
    copy.update_layout(font=dict(size=CHART_FONT), title=None, margin=dict(l=10, r=10, t=40, b=30))
    copy.update_xaxes(automargin=True)
    return copy


def chart_images(pack: Pack, renderer: charts.ChartRenderer | None = None,
                 height: int = CHART_HEIGHT) -> dict[str, bytes]:
    """Each question's chart as PNG bytes (key -> image), drawn by one browser."""
    renderer = renderer or charts.shared()
    return {q.key: renderer.png(slide_figure(q.figure), width=CHART_WIDTH, height=height, scale=2)
            for q in pack.questions}


# ---------- the words every form shares


def title_lines(pack: Pack) -> list[str]:
    a = pack.about
    lines = [
        f"Scope: {a.name}" + (f", a place of {a.ics}" if a.place else " (the whole Integrated Care System)"),
        f"Period: {a.period}. Activity filters: {a.filters}.",
        f"Data: {a.data_date}",
        f"Made on {a.today.day} {a.today:%B %Y} with wpc.",
        a.disclosure_note,
    ]
    return [*lines, SYNTHETIC] if a.synthetic else lines


def footer(pack: Pack) -> str:
    a = pack.about
    words = f"{a.name} · made {a.today.day} {a.today:%b %Y} · {a.short_disclosure}"
    return ("SYNTHETIC DEMO DATA · " + words) if a.synthetic else words


def methods_lines(pack: Pack) -> list[str]:
    a = pack.about
    return [
        "Core20 reach: the share of participants with a known home who live in the most deprived 20% of "
        "neighbourhoods (LSOAs) in England (IMD 2025 deciles 1 and 2), against the share of residents who "
        "do (Census 2021), with a 95% Wilson score interval.",
        "Reach gaps: each category's share of the participants whose answer is known, against its share of "
        "residents. 'Below' or 'above' only when the whole 95% interval lies beyond the residents' share.",
        "Coverage and cold spots: a Core20 neighbourhood is reached when at least one participant lives there "
        "in the period; cold spots are those with none. Rates are participants per 1,000 residents with "
        "a 95% interval (exact Poisson limits below 10 participants, Byar's from 10, as OHID's "
        "Fingertips).",
        "Feedback loop: due on the activity's feedback due date, else its end (or start) date plus the "
        "ICS's feedback window; on time = closed by then; overdue = not closed and past due on the day the "
        "pack was made.",
        "Ladder of participation: activities by rung, 1 Coercion to 7 Co-production; shares are of the "
        "activities with a rung recorded.",
        "What works: each kind of partner's participants, the share of them (with a known home) living in Core20 "
        "areas with a 95% Wilson interval against the residents' share, and cost per Core20 participant over the "
        "activities with a cost recorded.",
        "Deprivation gradient: participants per 1,000 residents in each national IMD decile with Byar's 95% "
        "interval; the slope index of inequality (SII) is the fitted rate at the most deprived end minus the "
        "least deprived end (above 0: engagement higher where deprivation is), the RII is the SII over the "
        "overall rate; its interval by simulation.",
        "Participants are counted once per activity; people living outside the ICS are left out of "
        "area-based shares. Full definitions: the wpc methods guide.",
        a.disclosure_note,
    ]


def sources_lines() -> list[str]:
    return [f"{s.name}. {s.publisher}, {s.vintage}. {s.licence}." for s in SOURCES] + [ATTRIBUTION]


def _slide_table(question: questions.Question):
    """(header, rows as text, rows left out) of the table beside a question's chart."""
    table = question.table
    shown = table.on_slide()
    text = as_text(shown, table.percent_columns, table.one_decimal_columns)
    left_out = len(table.frame) - len(shown)
    return list(text.columns), text.to_numpy().tolist(), left_out


# ---------- PowerPoint


def to_pptx(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as a 16:9 PowerPoint deck: title, one slide per question, methods and sources."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    dark, muted, blue = RGBColor(0x21, 0x2B, 0x32), RGBColor(0x4C, 0x62, 0x72), RGBColor(0x00, 0x5E, 0xB8)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title_only = deck.slide_layouts[5]

    def set_title(slide, text: str, size: int = 28) -> None:
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9)
        shape.text_frame.text = pdf.clean(text)
        shape.text_frame.word_wrap = True
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, blue

    def text_box(slide, lines: list[str], left, top, width, height, size: int, colour=dark,
                 bold_first: bool = False) -> None:
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = pdf.clean(line)
            paragraph.space_after = Pt(4)
            for run in paragraph.runs:
                run.font.size, run.font.color.rgb = Pt(size), colour
                run.font.bold = bold_first and i == 0

    def add_footer(slide) -> None:
        text_box(slide, [footer(pack)], Inches(0.5), Inches(6.95), Inches(12.3), Inches(0.45), 9, muted)

    # title slide
    slide = deck.slides.add_slide(title_only)
    set_title(slide, f"Who are we reaching? {pack.about.name}", 36)
    text_box(slide, ["Working with people and communities: a place pack", *title_lines(pack)],
             Inches(0.5), Inches(1.5), Inches(12.3), Inches(5.2), 16, bold_first=True)

    for question in pack.questions:
        slide = deck.slides.add_slide(title_only)
        set_title(slide, question.title)
        text_box(slide, [question.ask, *question.sentences], Inches(0.5), Inches(1.15), Inches(12.3),
                 Inches(1.25), 14, bold_first=True)
        picture = slide.shapes.add_picture(io.BytesIO(images[question.key]), Inches(0.5), Inches(2.45),
                                           width=Inches(7.2), height=Inches(4.5))
        picture._element.nvPicPr.cNvPr.set("descr", pdf.clean(f"{question.title}. {question.sentences[0]}"))
        header, rows, left_out = _slide_table(question)
        if rows:
            shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(7.9), Inches(2.5), Inches(4.95),
                                           Inches(0.3) * (len(rows) + 1))
            grid = shape.table
            for c, name in enumerate(header):
                grid.cell(0, c).text = pdf.clean(name)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = pdf.clean(value)
            for cell in (grid.cell(r, c) for r in range(len(rows) + 1) for c in range(len(header))):
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(10)
                cell.margin_left = cell.margin_right = Inches(0.04)
            notes = [question.table.title]
            if left_out:
                notes.append(f"First {len(rows)} of {len(question.table.frame)} rows; all in the CSV tables.")
        else:
            notes = [question.table.title, "Nothing to list for this choice."]
        if question.caption:
            notes.append(question.caption)
        text_box(slide, notes, Inches(7.9), Inches(2.5) + Inches(0.3) * (len(rows) + 1) + Inches(0.1),
                 Inches(4.95), Inches(1.2), 10, muted)
        add_footer(slide)

    slide = deck.slides.add_slide(title_only)
    set_title(slide, "Methods and sources")
    text_box(slide, methods_lines(pack), Inches(0.5), Inches(1.15), Inches(6.0), Inches(5.7), 11)
    text_box(slide, ["Data sources", *sources_lines()], Inches(6.8), Inches(1.15), Inches(6.0), Inches(5.7), 9,
             bold_first=True)
    add_footer(slide)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# ---------- PDF


def to_pdf(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as an A4 landscape PDF with the same pages as the slides."""
    doc = pdf.Document(f"Who are we reaching? {pack.about.name}")
    doc.page(f"Who are we reaching? {pack.about.name}", 26)
    doc.pdf.ln(4)
    doc.lines(["Working with people and communities: a place pack", *title_lines(pack)], 13, bold_first=True)

    for question in pack.questions:
        doc.page(question.title)
        doc.pdf.ln(1)
        doc.lines([question.ask, *question.sentences], 10.5, bold_first=True)
        top = max(doc.pdf.get_y() + 2, 48)
        chart_height = 190 - top  # down to the footer, in the shape the chart was drawn
        chart_width = min(chart_height * CHART_WIDTH / PDF_CHART_HEIGHT, 172)
        doc.chart(images[question.key], top, chart_width, chart_width * PDF_CHART_HEIGHT / CHART_WIDTH,
                  " ".join(question.sentences))
        header, rows, left_out = _slide_table(question)
        table_x = 12 + chart_width + 5
        doc.pdf.set_xy(table_x, top)
        notes = [question.table.title]
        if rows:
            doc.table(header, rows, table_x, top)
            if left_out:
                notes.append(f"First {len(rows)} of {len(question.table.frame)} rows; all in the CSV tables.")
        else:
            notes.append("Nothing to list for this choice.")
        if question.caption:
            notes.append(question.caption)
        doc.pdf.set_y(doc.pdf.get_y() + 2)
        doc.lines(notes, 7.5, width=pdf.RIGHT_EDGE - table_x, colour=pdf.MUTED, x=table_x)
        doc.footer(footer(pack))

    doc.page("Methods and sources")
    doc.pdf.ln(2)
    start = doc.pdf.get_y()
    doc.lines(methods_lines(pack), 9, width=132)
    doc.pdf.set_y(start)
    doc.lines(["Data sources", *sources_lines()], 7.5, width=132, bold_first=True, x=153)
    doc.footer(footer(pack))
    return doc.output()


# ---------- accessible HTML


HTML_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; color: #212B32; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; }
h1, h2 { color: #005EB8; } img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } caption { text-align: left; font-weight: bold; }
th, td { border: 1px solid #4C6272; padding: 0.2rem 0.5rem; text-align: left; } .note { color: #4C6272; }
section { border-top: 2px solid #D8DDE0; margin-top: 2rem; }
"""


def to_html(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as one self-contained, accessible web page: the same pages as the PDF, in order,
    with real headings, each chart an image whose alternative text is its sentences, and each
    table a real table with a caption and header cells; for screen readers, which read the PDF's
    body text untagged. The place's charts are inside it, so it opens offline."""
    from html import escape

    def paragraphs(items, css: str = "") -> str:
        attribute = f' class="{css}"' if css else ""
        return "".join(f"<p{attribute}>{escape(pdf.clean(item))}</p>" for item in items)

    def table_html(table) -> str:
        text = as_text(table.frame, table.percent_columns, table.one_decimal_columns)
        head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in text.columns)

        def cell(i: int, value) -> str:  # the first column names the row
            words = escape(str(value))
            return f'<th scope="row">{words}</th>' if i == 0 else f"<td>{words}</td>"

        body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>"
                       for row in text.to_numpy().tolist())
        return (f"<table><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    a = pack.about
    title = f"Who are we reaching? {a.name}"
    parts = [f"<header><h1>{escape(title)}</h1>",
             paragraphs(["Working with people and communities: a place pack", *title_lines(pack)]),
             "</header>"]
    for question in pack.questions:
        picture = base64.b64encode(images[question.key]).decode("ascii")
        alt = escape(" ".join(pdf.clean(s) for s in question.sentences), quote=True)
        parts += [f"<section><h2>{escape(question.title)}</h2>",
                  f"<p><strong>{escape(question.ask)}</strong></p>", paragraphs(question.sentences),
                  f'<figure><img src="data:image/png;base64,{picture}" alt="{alt}">'
                  f"<figcaption>{escape(question.title)}: the chart the sentences above describe; "
                  "its numbers are in the table below.</figcaption></figure>",
                  *(table_html(table) for table in question.tables if not table.empty),
                  paragraphs([question.caption] if question.caption else [], "note"), "</section>"]
    parts += ["<section><h2>Methods and sources</h2>", paragraphs(methods_lines(pack)),
              "<h3>Data sources</h3><ul>", *(f"<li>{escape(line)}</li>" for line in sources_lines()),
              "</ul></section>"]
    page = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{HTML_STYLE}</style>'
            f"</head><body><main>{''.join(parts)}</main>"
            f'<footer><p class="note">{escape(footer(pack))}</p></footer></body></html>')
    return page.encode("utf-8")


# ---------- tables and charts as files


def tables_zip(pack: Pack) -> bytes:
    """Every table of the pack as a formula-safe CSV (full tables, not only the rows on the
    slides), with about.txt saying what they are and how they were protected."""
    files = {}
    for stem, question in _numbered(pack):
        for table in question.tables:
            name = f"{stem[:2]}-{table.name}.csv"
            files[name] = to_csv_bytes(for_download(table.frame, table.percent_columns))
    about = [f"Who are we reaching? {pack.about.name}", *title_lines(pack), "", "Files:"]
    about += [f"{stem}: {q.title}" for stem, q in _numbered(pack)]
    files["about.txt"] = "\r\n".join(about).encode("utf-8-sig")
    return zip_bytes(files)


def charts_zip(pack: Pack, images: dict[str, bytes]) -> bytes:
    """Every chart of the pack as PNG, as on the slides, with about.txt."""
    files = {f"{stem}.png": images[q.key] for stem, q in _numbered(pack)}
    about = [f"Who are we reaching? {pack.about.name}", *title_lines(pack), "", "Charts:"]
    about += [f"{stem}.png: {q.title}. {q.sentences[0]}" for stem, q in _numbered(pack)]
    files["about.txt"] = "\r\n".join(about).encode("utf-8-sig")
    return zip_bytes(files)


def render(pack: Pack, fmt: str, renderer: charts.ChartRenderer | None = None) -> bytes:
    """The pack in one format (pptx, pdf, html, csv or png)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown pack format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return tables_zip(pack)
    images = chart_images(pack, renderer, PDF_CHART_HEIGHT if fmt == "pdf" else CHART_HEIGHT)
    if fmt == "png":
        return charts_zip(pack, images)
    return {"pptx": to_pptx, "pdf": to_pdf, "html": to_html}[fmt](pack, images)


def make(db_path: Path | str, scope: Scope, fmt: str, dimension: str = questions.DEFAULT_DIMENSION,
         disclosure: str = "publish", renderer: charts.ChartRenderer | None = None,
         access: Access | None = None, baseline: Scope | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the pack for `scope`, read on a short-lived connection."""
    with db.reading(db_path) as con:
        pack = build(con, scope, dimension, disclosure, access, baseline)
    return file_name(pack.scope, pack.preset, fmt), render(pack, fmt, renderer)
