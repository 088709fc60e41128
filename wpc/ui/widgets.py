"""Widgets every page uses the same way: charts (offline maps config) with a PNG download,
number tables with the disclosure footnote and CSV and XLSX downloads, and the message shown
when a filter leaves nothing to show.

Downloads hold exactly what the page shows (the same disclosure control as the screen) and
are made only when the button is pressed, so pages stay fast: a chart's PNG is drawn then by
the shared headless browser (wpc.export.charts)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from wpc.export import charts
from wpc.export.tables import for_download, to_csv_bytes, to_xlsx_bytes
from wpc.views.charts import PLOTLY_CONFIG
from wpc.ui import cells
from wpc.views import naming
from wpc.views.parts import Metric, Table

SUPPRESSED = "*"


def chart(fig, key: str, download_name: str | None = None, own_fonts: bool = False) -> None:
    """A plotly chart drawn with wpc's offline config (no CDN fetches), with a PNG download.
    `own_fonts`: keep the figure's font sizes (large type in workshop mode) instead of
    Streamlit's chart theme."""
    st.plotly_chart(fig, width="stretch", key=key, config=PLOTLY_CONFIG,
                    theme=None if own_fonts else "streamlit")
    height = fig.layout.height or 600

    def png() -> bytes:
        return charts.to_png_bytes(fig, width=1200, height=height)

    st.download_button("PNG", png, file_name=f"{file_stem(download_name or key)}.png", mime="image/png",
                       key=f"{key}_png", on_click="ignore", icon=":material/image:",
                       help="Download this chart as an image.")


SCOPE_USES = "_scope_uses"  # (period applies, filters apply) on this run's page, set by frame.title


def file_stem(name: str, place_only: bool = False) -> str:
    """'wpc-activity-log-lewisham-2025-04-01-to-2025-09-30-mental-health': what the download is, then
    the page's place (or ICS), period and filters (wpc.views.naming), as its title names them
    (`place_only`: the place alone, for what the sidebar's period and filters do not narrow)."""
    scope, chosen = st.session_state.get("_measure_scope"), st.session_state.get("_scope")
    if scope is None or chosen is None:
        return "wpc-" + naming.slug(name)
    period, filters = (False, False) if place_only else st.session_state.get(SCOPE_USES, (True, True))
    return naming.file_stem(naming.slug(name), scope, chosen[0], period, filters)


def downloads(frame: pd.DataFrame, key: str, percent_columns: tuple[str, ...] = (),
              download_name: str | None = None, notes: list[str] | None = None) -> None:
    """CSV and XLSX buttons for a table (formula-safe; shares written as percentages); `notes`
    (how the numbers were protected) go on the workbook's About sheet."""
    stem = file_stem(download_name or key)
    row = st.container(horizontal=True)
    row.download_button("CSV", lambda: to_csv_bytes(for_download(frame, percent_columns)),
                        file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
                        icon=":material/download:", help="Download this table as CSV.")
    row.download_button("XLSX", lambda: to_xlsx_bytes(for_download(frame, percent_columns), notes),
                        file_name=f"{stem}.xlsx", key=f"{key}_xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/download:", help="Download this table as an Excel workbook.")


def suppression_note(threshold: int) -> str:
    return (
        f"\\* Between 1 and {threshold} people, or hidden with them so they cannot be worked out: "
        "shares and intervals withheld. Small changes are made to other counts of people to protect "
        "privacy (see About wpc and its data)."
    )


def has_suppressed(frame: pd.DataFrame) -> bool:
    return bool(frame.astype(object).isin([SUPPRESSED]).any().any())


def table(
    frame: pd.DataFrame,
    key: str,
    percent_columns: tuple[str, ...] = (),
    threshold: int | None = None,
    one_decimal_columns: tuple[str, ...] = (),
    download_name: str | None = None,
) -> None:
    """A table with thousands separators on counts and percentages on share columns (0-1
    fractions); `one_decimal_columns` (rates, gaps in points) are written with one decimal.
    Hidden counts show as "*"; if any do, the disclosure footnote follows
    (`threshold` is the preset's suppression threshold). Dates, "—" for missing values and column
    titles as wpc.ui.cells writes them. CSV and XLSX buttons follow."""
    plain_table(frame, key, percent_columns, one_decimal_columns)
    if threshold is not None:  # a table of counts of people: always protected, so always said
        st.caption(suppression_note(threshold))
    notes = None if threshold is None else [suppression_note(threshold).replace("\\*", "*")]
    downloads(frame, key, percent_columns, download_name, notes)


def plain_table(frame: pd.DataFrame, key: str, percent_columns: tuple[str, ...] = (),
                one_decimal_columns: tuple[str, ...] = (), plain_titles: bool = True) -> None:
    """A table drawn with wpc.ui.cells' formats and, under it, what "—" means if it shows any
    (no footnote, no downloads: `table` adds those)."""
    shown = cells.prepare(frame, percent_columns, one_decimal_columns, plain_titles)
    st.dataframe(shown.frame, hide_index=True, width="stretch", column_config=shown.config, key=key,
                 placeholder=cells.MISSING)
    if shown.has_missing:
        st.caption(cells.MISSING_NOTE)


def show_table(view: Table, key: str, download_name: str | None = None) -> None:
    """A view's table (wpc.views.parts.Table) with its formats, footnote and downloads."""
    table(view.frame, key, view.percent_columns, view.threshold, view.one_decimal_columns,
          download_name or view.name)


def explained(figure, words: str, numbers: Table, chart_key: str, table_key: str, expanded: bool = False) -> None:
    """A chart, the sentence under it, and its numbers a click away."""
    chart(figure, key=chart_key)
    sentence(words)
    with st.expander("Numbers behind the chart", expanded=expanded):
        show_table(numbers, key=table_key)


def metrics(figures: tuple[Metric, ...] | list[Metric], columns=None) -> None:
    """Headline figures side by side (in `columns` if given, one each), escaped: a hidden count
    "*" shows as "*"."""
    for column, figure in zip(columns or st.columns(len(figures)), figures):
        column.metric(escape_markdown(figure.label), escape_markdown(figure.value),
                      help=None if figure.help is None else escape_markdown(figure.help))


def csv_button(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A download button for a whole table as formula-safe CSV."""
    st.download_button(label, to_csv_bytes(frame), file_name=file_name, mime="text/csv", key=key)


def pack_buttons(db_path, scope, preset, dimension: str, access, baseline=None) -> None:
    """Download buttons for the place pack (PowerPoint, PDF, and an accessible web page for screen
    readers) of the workshop's screens, and for the board assurance pack (PowerPoint, PDF); each
    pack is made when its button is pressed (wpc.export.pack, wpc.export.assurance)."""
    from wpc.export import assurance, pack

    buttons = st.container(horizontal=True)
    for fmt, label in (("pptx", "Download the pack (PowerPoint)"), ("pdf", "Download the pack (PDF)"),
                       ("html", "Download the pack (accessible web page)")):
        buttons.download_button(
            label,
            lambda fmt=fmt: pack.make(db_path, scope, fmt, dimension, access=access, baseline=baseline)[1],
            file_name=pack.file_name(scope, preset, fmt), mime=pack.MIME[fmt], key=f"workshop_pack_{fmt}",
            on_click="ignore", icon=":material/download:", type="primary",
        )
    # beside it, the board assurance pack for the same scope (wpc.export.assurance)
    for fmt, label in (("pptx", "Board assurance pack (PowerPoint)"), ("pdf", "Board assurance pack (PDF)")):
        buttons.download_button(
            label, lambda fmt=fmt: assurance.make(db_path, scope, fmt, access=access, baseline=baseline)[1],
            file_name=assurance.file_name(scope, preset, fmt), mime=pack.MIME[fmt], key=f"workshop_assurance_{fmt}",
            on_click="ignore", icon=":material/download:",
        )


def nothing_to_show(what: str) -> None:
    """Said instead of an empty chart or table when the scope and filters leave no data."""
    st.info(
        f"No {what} for this choice of place, period and filters. Widen the period or clear a "
        "filter in the sidebar to see more.",
        icon=":material/filter_alt_off:",
    )


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """Text from uploads (titles, organisations, themes) made inert in Markdown: every ASCII
    punctuation mark is backslash-escaped, so nothing becomes a link, an image fetched from
    the internet, a heading, LaTeX, colour or an icon, and it still reads the same."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def sentence(text: str) -> None:
    """A plain-English sentence that may quote uploaded text, shown exactly as written."""
    st.markdown(escape_markdown(text))
