"""Search results as HTML cards for the insight library page (and later, packs).

Insight text comes from uploads, so every value is HTML-escaped; only the highlight marks
become <mark> tags, and a source link is written only for an http(s) address. Colours have
at least 4.5:1 contrast with white (WCAG 2.2 AA for text); <mark> is black on yellow.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import pandas as pd

from wpc.insights.search import THEME_SEPARATOR, plain_text, to_html

MUTED = "#4C6272"  # NHS dark grey, 6.4:1 on white
RULE = "#768692"  # NHS mid grey, 3.8:1 on white (a border, not text)
STATUS = {"open": "Open", "acted on": "Acted on", "not possible": "Not possible to act on"}


def _present(value) -> bool:
    return (
        value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""
    )


def _day(value) -> str | None:
    if not _present(value) or pd.isna(value):
        return None
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
    return f"{day.day} {day:%b %Y}"


def _repeats(summary_marked, quote_marked) -> bool:
    """Whether the summary already holds the quote word for word (then the quote is not shown twice)."""
    def words(marked) -> str:
        return " ".join(plain_text(marked).casefold().split()).strip(" .!?\"“”'")

    return words(quote_marked) in words(summary_marked)


def _link(url, text_html: str) -> str:
    """A link only for http(s) addresses; anything else is shown as text."""
    if _present(url) and str(url).strip().lower().startswith(("https://", "http://")):
        return (
            f'<a href="{html.escape(str(url).strip(), quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{text_html}</a>'
        )
    return text_html


def card_html(hit: dict, group_label: Callable[[str], str] = str) -> str:
    """One insight: summary and quote with matches marked, then date, place, programme,
    groups, themes, status and action, source, and the words matched."""
    parts = [f'<p style="margin:0 0 0.4rem 0">{to_html(hit["summary_marked"])}</p>']
    quote = hit.get("quote_marked")
    if _present(plain_text(quote)) and not _repeats(hit["summary_marked"], quote):
        parts.append(
            f'<blockquote style="margin:0 0 0.5rem 0;padding:0 0 0 0.8rem;border-left:4px solid {RULE};'
            f'font-style:italic">“{to_html(hit["quote_marked"])}”</blockquote>'
        )
    facts = [
        _day(hit.get("insight_date")) or "No date",
        html.escape(hit["place"]) if _present(hit.get("place")) else "No place given",
    ]
    if _present(hit.get("programme")):
        facts.append(html.escape(str(hit["programme"])))
    if len(hit.get("groups") or []):
        facts.append("Groups: " + html.escape(", ".join(group_label(code) for code in hit["groups"])))
    parts.append(f'<p style="margin:0;color:{MUTED};font-size:0.9rem">{" · ".join(facts)}</p>')
    if _present(plain_text(hit.get("themes_marked"))):
        themes = "; ".join(to_html(t) for t in str(hit["themes_marked"]).split(THEME_SEPARATOR))
        parts.append(f'<p style="margin:0;color:{MUTED};font-size:0.9rem">Themes: {themes}</p>')
    status = STATUS.get(hit.get("status")) if _present(hit.get("status")) else None
    if status:
        action = f": {html.escape(str(hit['action_taken']))}" if _present(hit.get("action_taken")) else ""
        parts.append(f'<p style="margin:0;color:{MUTED};font-size:0.9rem">Status: {status}{action}</p>')
    if _present(plain_text(hit.get("source_title_marked"))):
        parts.append(
            f'<p style="margin:0;font-size:0.9rem">Source: '
            f"{_link(hit.get('source_url'), to_html(hit['source_title_marked']))}</p>"
        )
    if hit.get("matched"):
        parts.append(
            f'<p style="margin:0;color:{MUTED};font-size:0.9rem">Matched: '
            f"{html.escape(', '.join(hit['matched']))}</p>"
        )
    return '<div style="line-height:1.5">' + "".join(parts) + "</div>"


def results_table(hits: pd.DataFrame) -> pd.DataFrame:
    """The insights found, as a table to download (plain text, no marks), best first."""
    columns = {
        "insight_id": "Insight ID",
        "insight_date": "Date",
        "place": "Place",
        "programme": "Programme",
        "themes": "Themes",
        "groups": "Groups",
        "summary": "Summary",
        "quote": "Quote",
        "source_title": "Source",
        "source_url": "Source link",
        "status": "Status",
        "action_taken": "Action taken",
        "activity_id": "Activity ID",
    }
    table = hits.reindex(columns=list(columns)).copy()
    table["themes"] = table["themes"].map(
        lambda values: "; ".join(values) if isinstance(values, list) else ""
    )
    table["groups"] = table["groups"].map(
        lambda values: "; ".join(values) if isinstance(values, list) else ""
    )
    table["insight_date"] = pd.to_datetime(table["insight_date"]).dt.date
    return table.rename(columns=columns)
