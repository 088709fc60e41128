"""What the PDF packs share (the place pack, wpc.export.pack, and the board assurance pack,
wpc.export.assurance): an A4 landscape document in wpc's font and colours, whose pages have a
heading (a bookmark and a tagged section), lines of text, a table beside a chart, and a footer."""

from __future__ import annotations

import io
import re
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
DARK, MUTED, BLUE = (0x21, 0x2B, 0x32), (0x4C, 0x62, 0x72), (0x00, 0x5E, 0xB8)
WIDTH, RIGHT_EDGE, FOOTER_Y = 273, 285, 197  # the text width, the right margin and the footer's top, in mm
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text) -> str:
    """Text without control characters (which PowerPoint, PDF and HTML reject or show as boxes)."""
    return _CONTROL.sub("", str(text))


def latin1(words: str) -> str:
    """Text Helvetica can draw, for when DejaVu Sans is not installed."""
    cleaned = clean(words).replace("–", "-").replace("·", "-").replace("’", "'").replace("…", "...")
    cleaned = cleaned.replace("✓ ", "").replace("✗ ", "")  # a target's status keeps its word
    return cleaned.encode("latin-1", "replace").decode("latin-1")


class Document:
    """One PDF. `leading` is a line's height as a share of the font size; `gap` the space after
    each item of `lines`; `bold_larger` how many points larger a bold first line is."""

    def __init__(self, title: str, leading: float = 0.45, gap: float = 1.2, bold_larger: float = 0):
        from fpdf import FPDF

        self.pdf = FPDF(orientation="L", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(12, 12, 12)
        self.pdf.set_title(title)
        self.pdf.set_author("wpc")
        self.pdf.set_lang("en-GB")
        self.family = self._font()
        self.text = clean if self.family != "helvetica" else latin1
        self.leading, self.gap, self.bold_larger = leading, gap, bold_larger

    def _font(self) -> str:
        """DejaVu Sans (any character an upload may hold) when installed, else Helvetica."""
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.pdf.add_font("dejavu", "", str(regular))
            self.pdf.add_font("dejavu", "B", str(bold))
            return "dejavu"
        return "helvetica"

    def page(self, heading: str, size: float = 20) -> None:
        """A new page under `heading`: a bookmark and a tagged section."""
        pdf = self.pdf
        pdf.add_page()
        pdf.start_section(self.text(heading))
        pdf.set_xy(12, 12)
        pdf.set_font(self.family, "B", size)
        pdf.set_text_color(*BLUE)
        pdf.multi_cell(WIDTH, size * 0.45, self.text(heading), align="L")

    def lines(self, items, size: float, width: float = WIDTH, colour=DARK, bold_first: bool = False,
              x: float | None = None) -> None:
        pdf = self.pdf
        for i, item in enumerate(items):
            bold = bold_first and i == 0
            if x is not None:
                pdf.set_x(x)
            pdf.set_font(self.family, "B" if bold else "", size + (self.bold_larger if bold else 0))
            pdf.set_text_color(*colour)
            pdf.multi_cell(width, size * self.leading, self.text(item), align="L")
            pdf.ln(self.gap)

    def footer(self, words: str) -> None:
        pdf = self.pdf
        pdf.set_xy(12, FOOTER_Y)
        pdf.set_font(self.family, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(WIDTH, 3.4, self.text(words), align="L")

    def chart(self, png: bytes, top: float, width: float, height: float, alt_text: str) -> None:
        """A chart's image at the left margin, a tagged figure whose alternative text says what it shows."""
        self.pdf.image(io.BytesIO(png), x=12, y=top, w=width, h=height, alt_text=self.text(alt_text))

    def table(self, header: list, rows: list[list], x: float, top: float) -> None:
        """A table from `x` to the right margin, its columns wide enough for their longest words."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_xy(x, top)
        pdf.set_font(self.family, "", 7.5)
        pdf.set_text_color(*DARK)
        width = RIGHT_EDGE - x
        with pdf.table(width=width, align="RIGHT", text_align="LEFT", line_height=3.4,
                       headings_style=FontFace(emphasis="BOLD"), padding=0.8,
                       col_widths=self._whole_word_widths([header, *rows], width)) as grid:
            for row in [header, *rows]:
                cells = grid.row()
                for value in row:
                    cells.cell(self.text(value))

    def _whole_word_widths(self, rows: list[list], width: float) -> tuple[float, ...]:
        """Relative column widths that give each column room for its longest word (headings in
        bold), so no word is broken across lines ("Participant / s"), and a column of long labels up
        to 40% of the table's `width`, so a label takes two lines rather than six."""
        pdf = self.pdf

        def wanted(column: int) -> float:
            words, cells = [1.0], [1.0]
            for i, row in enumerate(rows):
                pdf.set_font(self.family, "B" if i == 0 else "", 7.5)
                words += [pdf.get_string_width(word) for word in self.text(str(row[column])).split()]
                if i:
                    cells.append(pdf.get_string_width(self.text(str(row[column]))))
            return max(max(words), min(max(cells), 0.4 * width)) + 2.5  # the cell's padding on both sides

        return tuple(wanted(column) for column in range(len(rows[0])))

    def output(self) -> bytes:
        return bytes(self.pdf.output())
