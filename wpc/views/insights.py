"""The insight library: what people have already told us, searched offline
(docs/insight-library.md), and what is already known and recently done for a group in a place
before anyone engages them again. Only insights of the person's own places are searched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import presets
from wpc.access import Access
from wpc.insights import cards, library, search
from wpc.insights.search import InsightIndex, SearchUnavailable  # noqa: F401 (pages catch it here)
from wpc.presets import Preset
from wpc.views import charts
from wpc.views.activity import RECENT_TITLES
from wpc.views.format import activity_count, counted, day, number, verb
from wpc.views.parts import Table, records_name

RESULTS_SHOWN = 20  # insights to a page
ICS_WIDE_SHOWN = 5  # insights given with no place shown apart, best first (all are in the CSV)
KNOWN_SHOWN = 5
ANY = "Any"

@dataclass(frozen=True)
class Library:
    """What the person may search, and the choices the filters offer."""

    name: str
    listed_name: str
    empty: bool  # nothing uploaded for the ICS
    themes: tuple[str, ...]
    groups: tuple[str, ...]
    programmes: tuple[str, ...]
    unplaced: int  # insights given with no place (whole-ICS access only)
    engage_groups: tuple[str, ...]  # the groups "Before you engage" offers, Core20 first


@dataclass(frozen=True)
class IcsWide:
    """The insights given with no place (for the whole ICS) that a search found, shown apart
    from the place's own."""

    title: str
    total: int
    sentence: str
    cards: tuple[str, ...]
    caption: str | None


@dataclass(frozen=True)
class Found:
    """One search of the library: one page of the scope's own insights (those with a place),
    and those given with no place apart."""

    total: int  # the scope's own insights found (with a place)
    sentence: str
    cards: tuple[str, ...]  # HTML, every uploaded value escaped: this page's
    caption: str
    page: int  # 1 = first
    pages: int
    respelled: str | None  # "Showing results for appointment ..." when a word was misspelt
    ics_wide: IcsWide | None  # None when not included (or not the person's to see)
    downloads: int  # insights in the CSV: both sets
    results: pd.DataFrame  # every insight found, both sets, for the CSV
    themes_chart: go.Figure | None
    themes_sentence: str
    themes: Table | None


@dataclass(frozen=True)
class BeforeYouEngage:
    sentence: str
    cards: tuple[str, ...]
    more: str | None
    recent: Table


def index(con: duckdb.DuckDBPyConnection, preset: str) -> InsightIndex:
    """The searchable library of one ICS (raises SearchUnavailable without SQLite's FTS5)."""
    return library.load_index(con, preset)


def group_label(preset: Preset):
    """The function that writes a target group code as people read it (presets' one label)."""
    return lambda code: code if code == ANY else preset.group_label(code)


def _places(preset: Preset, place: str | None, access: Access | None) -> tuple[str, ...] | None:
    """None, or the only places whose insights the person may see (then none given no place)."""
    places = None if access is None else access.record_places(preset.id, place)
    return None if places is None else tuple(sorted(places))


def choices(found: InsightIndex, preset: Preset, place: str | None, access: Access | None = None) -> Library:
    """What the filters offer, from the insights the person may see."""
    options = found.options(_places(preset, place, access))
    return Library(
        name=place or preset.name, listed_name=records_name(access, preset, place),
        empty=not len(found), themes=tuple(options["themes"]), groups=tuple(options["groups"]),
        programmes=tuple(options["programmes"]), unplaced=options["unplaced"],
        engage_groups=tuple(dict.fromkeys([presets.CORE20, *preset.plus_groups, *options["groups"]])),
    )


def find(found: InsightIndex, preset: Preset, place: str | None, access: Access | None = None, text: str = "",
         theme: str = ANY, group: str = ANY, programme: str = ANY, heard_from: dt.date | None = None,
         heard_to: dt.date | None = None, include_unplaced: bool = True, page: int = 1) -> Found:
    """Search the insights the person may see ("Any" leaves a filter off): `page` of the scope's
    own insights, and those given with no place apart (while included)."""
    places = _places(preset, place, access)
    common = dict(place=place, places=places, theme=None if theme == ANY else theme,
                  group=None if group == ANY else group, programme=None if programme == ANY else programme,
                  date_from=heard_from, date_to=heard_to)
    own_filters = search.Filters(**common, include_unplaced=False)
    page = max(int(page), 1)
    own = found.search(text, own_filters, limit=RESULTS_SHOWN, offset=(page - 1) * RESULTS_SHOWN)
    pages = max(1, -(-own.total // RESULTS_SHOWN))
    if page > pages:  # a page number past the end (from an old link): the last page
        page = pages
        own = found.search(text, own_filters, limit=RESULTS_SHOWN, offset=(page - 1) * RESULTS_SHOWN)
    unplaced = None
    if include_unplaced and places is None:
        unplaced = found.search(text, search.Filters(**common, include_unplaced=True, unplaced_only=True),
                                limit=ICS_WIDE_SHOWN)
    label = group_label(preset)
    scope_name = records_name(access, preset, place)
    found_sets = [r.matches for r in (own, unplaced) if r is not None and r.total]
    everything = pd.concat(found_sets, ignore_index=True) if found_sets else own.matches
    themes = (search.theme_counts(everything) if len(everything)
              else pd.DataFrame(columns=["theme", "insights"]))
    ics_name = preset.name
    return Found(
        total=own.total, sentence=search_sentence(scope_name, own), page=page, pages=pages,
        cards=tuple(cards.card_html(hit, label) for hit in own.hits.to_dict("records")),
        caption=page_caption(own, page, pages),
        respelled=respelled(own),
        ics_wide=None if unplaced is None else IcsWide(
            title=f"{ics_name}-wide insights (no place given)", total=unplaced.total,
            sentence=ics_wide_sentence(ics_name, unplaced),
            cards=tuple(cards.card_html(hit, label) for hit in unplaced.hits.to_dict("records")),
            caption=(f"The best {ICS_WIDE_SHOWN} of {unplaced.total:,}; the CSV download has them all."
                     if unplaced.total > ICS_WIDE_SHOWN else None)),
        downloads=len(everything),
        results=cards.results_table(everything) if len(everything) else pd.DataFrame(),
        themes_chart=None if themes.empty else charts.theme_bars(themes),
        themes_sentence=themes_sentence(themes, len(everything)),
        themes=None if themes.empty else Table("insight-themes", "Themes in these insights",
                                               themes.rename(columns={"theme": "Theme", "insights": "Insights"})),
    )


def engage(found: InsightIndex, preset: Preset, place: str | None, group: str, activities: pd.DataFrame,
           access: Access | None = None) -> BeforeYouEngage:
    """What a group in the place already told us, and the activities that targeted them in the
    last 12 months (`activities`: wpc.views.activity.recent, limited to the person's places)."""
    known = found.search("", search.Filters(place=place, places=_places(preset, place, access),
                                            include_unplaced=False, group=group), limit=KNOWN_SHOWN)
    label = group_label(preset)
    return BeforeYouEngage(
        sentence=before_you_engage(records_name(access, preset, place), label(group), known.total, activities),
        cards=tuple(cards.card_html(hit, label) for hit in known.hits.head(KNOWN_SHOWN).to_dict("records")),
        more=(f"The newest {KNOWN_SHOWN} of {known.total:,}: choose this group in the Group filter above to see "
              "them all.") if known.total > KNOWN_SHOWN else None,
        recent=Table("insights-recent", "Activities in the last 12 months",
                     activities[list(RECENT_TITLES)].rename(columns=RECENT_TITLES),
                     threshold=preset.thresholds.suppression),
    )


# ---------- sentences (pure)


def _given_no_place(results) -> str:
    """' (3 of them given no place)' when some of the insights found have no place."""
    found = results.matches if results.matches is not None else results.hits
    unplaced = int(found["place"].isna().sum()) if len(found) else 0
    if not unplaced:
        return ""
    return " (given no place)" if results.total == 1 else f" ({unplaced} of them given no place)"


def search_sentence(scope_name: str, results) -> str:
    """What a search of the insight library found (wpc.insights.search.Results)."""
    where = f" in {scope_name}"
    found = f"{counted(results.total, 'insight')}{where}{_given_no_place(results)}"
    mention = verb(results.total, "mentions", "mention")
    if results.match == "none":
        if not results.total:
            return f"No insights{where} for this choice of filters."
        return f"{found}, newest first. Type words above to search them."
    words = results.query.describe()
    if not results.total:
        return (
            f"No insight{where} mentions {words}, or words from the same stem. Try fewer or other words, "
            "or clear a filter."
        )
    if results.match == "any":
        return (
            f"No insight{where} mentions all of {words}; {counted(results.total, 'insight')}"
            f"{_given_no_place(results)} {mention} at least one of them, best matches first."
        )
    return f"{found} {mention} {words} (or words from the same stem, such as plurals), best matches first."


def page_caption(results, page: int, pages: int) -> str:
    """Which of the insights found this page shows."""
    if not results.total:
        return ""
    first = (page - 1) * RESULTS_SHOWN + 1
    last = first + len(results.hits) - 1
    order = "best matches first" if results.match != "none" else "newest first"
    where = f"Page {page} of {pages}: " if pages > 1 else ""
    return (f"{where}insights {first:,} to {last:,} of {results.total:,}, {order}. "
            "Download them all as a CSV, or narrow the search.")


def respelled(results) -> str | None:
    """'Showing results for appointment ...' when a word typed is found nowhere in the library."""
    if results.typed is None:
        return None
    return (f"Showing results for {results.query.describe()}: no insight mentions "
            f"{results.typed.describe()}.")


def ics_wide_sentence(ics_name: str, results) -> str:
    """What a search found among the insights given with no place (for the whole ICS)."""
    given = "given with no place"
    if results.match == "none":
        if not results.total:
            return f"No insight {given} in {ics_name} for this choice of filters."
        return f"{counted(results.total, 'insight')} {given} in {ics_name}, newest first."
    words = results.query.describe()
    if not results.total:
        return f"No insight {given} in {ics_name} mentions {words}."
    mention = verb(results.total, "mentions", "mention")
    if results.match == "any":
        return (f"No insight {given} in {ics_name} mentions all of {words}; "
                f"{counted(results.total, 'insight')} {mention} at least one of them.")
    return f"{counted(results.total, 'insight')} {given} in {ics_name} {mention} {words}, best matches first."


def themes_sentence(counts, total: int) -> str:
    """The themes most often named by a set of insights (wpc.insights.search.theme_counts)."""
    if counts.empty:
        return "None of these insights names a theme."
    top = counts.iloc[0]
    text = (
        f'The theme named most often by these {counted(total, "insight")} is "{top["theme"]}" '
        f"({number(top['insights'])})."
    )
    if len(counts) > 1:
        second = counts.iloc[1]
        text += f' Next is "{second["theme"]}" ({number(second["insights"])}).'
    return text


def before_you_engage(place_name: str, group_label: str | None, insights: int, recent) -> str:
    """What is already known, and recently done, before engaging a group in a place
    (a count of insights, and measures.log.recent_activities)."""
    who = group_label or "anyone"
    they, them = ("they", "them") if group_label else ("people there", "people there")
    if insights:
        records = verb(insights, "records", "record")
        known = f"{counted(insights, 'insight')} already {records} what {they} told us"
    else:
        known = f"no insight yet records what {they} told us"
    if recent.empty:
        done = f"no activity in the last 12 months targeted {them}"
    else:
        latest = recent.iloc[0]
        by = f" by {latest['organisation']}" if isinstance(latest["organisation"], str) else ""
        done = (
            f"{activity_count(len(recent))} in the last 12 months targeted {them} (the latest: "
            f'"{latest["title"]}"{by}, started {day(latest["start_date"])})'
        )
    return f"Before engaging {who} in {place_name}: {known}, and {done}."
