"""Full-text search over the insight library, offline: an in-memory SQLite FTS5 index.

DuckDB's fts extension cannot be installed without the internet, so the index is built with
Python's own sqlite3 (FTS5, porter stemmer): "appointment" finds "appointments", "waiting"
finds "wait". Results are ranked by bm25 over summary, quote, themes and source title, with
the matched words marked for highlighting.

What people type is never passed to FTS5 as a query: `parse` keeps only the words (and
"quoted phrases") and quotes each one, so operators (AND, OR, NOT, NEAR), stray quotes,
asterisks, brackets and any other characters are searched as plain words or ignored, and
can never raise.

A search for several words first asks for insights containing all of them; if none do, it
asks for any of them (best matches first) and says so. A word found nowhere in the library
(nor any word of its stem) is read as a misspelling of the closest word the library holds
("apointment" -> "appointment", difflib's ratio at least 0.8), and the results say so.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field

import pandas as pd

from wpc import db

# Private-use characters mark matched words in FTS5 highlight() output; they are removed from
# the indexed text, so they can only come from the index.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{MARK_OPEN}(.*?){MARK_CLOSE}", re.DOTALL)
_WORD = re.compile(r"\w+")
_PHRASE = re.compile(r'"([^"]*)"')
COLUMNS = ("summary", "quote", "themes", "source_title")
THEME_SEPARATOR = "; "


class SearchUnavailable(RuntimeError):
    """This Python's SQLite was built without FTS5, so the library cannot be searched."""


@dataclass(frozen=True)
class Filters:
    """What narrows the library. place None = every place of the ICS; insights given with no
    place (tied to no ICS) are included while `include_unplaced`; `unplaced_only` keeps only
    those (the page shows them apart from the place's own). `places` (None = no limit)
    keeps only insights of those places, and none given with no place: what a person whose
    access covers some places of the ICS may see (wpc.access). Dates bound the insight
    date, both inclusive (an insight with no date is left out once a bound is set)."""

    place: str | None = None
    places: tuple[str, ...] | None = None
    include_unplaced: bool = True
    unplaced_only: bool = False
    theme: str | None = None
    group: str | None = None
    programme: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def params(self) -> dict:
        return {
            "place": self.place,
            "places": None if self.places is None else json.dumps(sorted(self.places)),
            "include_unplaced": int(self.include_unplaced and self.places is None),
            "unplaced_only": int(self.unplaced_only),
            "theme": self.theme.strip().casefold() if self.theme else None,
            "group_code": self.group,
            "programme": self.programme,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


@dataclass(frozen=True)
class Query:
    """What to look for: each term is one word or the words of one quoted phrase."""

    terms: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def expression(self, any_term: bool = False) -> str:
        """The FTS5 query: every term as a quoted string (so nothing is read as an operator),
        joined by AND (implicit) or OR."""
        quoted = ['"' + " ".join(words) + '"' for words in self.terms]
        return (" OR " if any_term else " ").join(quoted)

    def describe(self) -> str:
        """The terms as people read them: appointment, "waiting times"."""
        return ", ".join(f'"{" ".join(w)}"' if len(w) > 1 else w[0] for w in self.terms)


def _words(text: str) -> tuple[str, ...]:
    """The words of `text`: runs of letters and digits (underscores split words, as FTS5 does)."""
    return tuple(w for word in _WORD.findall(text) for w in word.split("_") if w)


def parse(text: str | None) -> Query:
    """What a person typed, as a Query: "quoted phrases" (balanced quotes only) and single
    words; every other character is a separator. Repeated terms count once."""
    text = (text or "")[:500]
    terms: list[tuple[str, ...]] = []
    for phrase in _PHRASE.findall(text):
        words = _words(phrase)
        if words:
            terms.append(words)
    for word in _words(_PHRASE.sub(" ", text)):
        terms.append((word,))
    unique = list(dict.fromkeys(tuple(w.casefold() for w in term) for term in terms))
    return Query(tuple(unique))


@dataclass
class Results:
    """What a search found. `matches`: every insight found, best first (plain rows, for counts,
    themes and downloads); `hits`: `limit` of them from `offset` (one page) with `score`, the
    *_marked text and the `matched` words (only these are highlighted); `total` = len(matches);
    `match`: "all" (every term), "any" (no insight had every term, so any of them), "none" (no
    words: newest first). `typed`: what was typed, when `query` is its spelling corrected."""

    hits: pd.DataFrame
    total: int
    query: Query
    match: str
    filters: Filters = field(default_factory=Filters)
    matches: pd.DataFrame | None = None
    typed: Query | None = None


def _clean(value) -> str:
    """Text to index: None -> '', the highlight marks removed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [str(v) for v in value if v is not None and str(v).strip()]


def _iso(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date().isoformat()


class InsightIndex:
    """The insight rows of one ICS (wpc.insights.library.insight_rows) and their FTS5 index.
    Safe to share between threads (one lock around the in-memory SQLite connection)."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows.reset_index(drop=True).copy()
        self.rows["themes"] = self.rows["themes"].map(_as_list)
        self.rows["groups"] = self.rows["groups"].map(_as_list)
        self._lock = threading.Lock()
        self._vocabulary: list[str] | None = None
        self._con = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            self._con.executescript(db.load_sql("insights/index_schema"))
        except sqlite3.OperationalError as exc:
            raise SearchUnavailable(
                "the insight library needs SQLite's FTS5 full-text search, which this Python's "
                f"sqlite3 does not have ({exc}); install Python from python.org or your distribution"
            ) from exc
        self._fill()

    def _fill(self) -> None:
        text, meta, themes, groups = [], [], [], []
        for number, row in enumerate(self.rows.itertuples(index=False), start=1):
            text.append(
                (
                    number,
                    _clean(row.summary),
                    _clean(row.quote),
                    _clean(THEME_SEPARATOR.join(row.themes)),
                    _clean(row.source_title),
                )
            )
            meta.append(
                (
                    number,
                    row.insight_id,
                    _iso(row.insight_date),
                    None if pd.isna(row.place) else row.place,
                    None if pd.isna(row.programme) else row.programme,
                )
            )
            themes += [(number, theme.strip().casefold()) for theme in dict.fromkeys(row.themes)]
            groups += [(number, code) for code in dict.fromkeys(row.groups)]
        with self._con:
            self._con.executemany(
                "insert into insight_text (rowid, summary, quote, themes, source_title) "
                "values (?, ?, ?, ?, ?)",
                text,
            )
            self._con.executemany("insert into insight values (?, ?, ?, ?, ?)", meta)
            self._con.executemany("insert into insight_theme values (?, ?)", themes)
            self._con.executemany("insert into insight_group values (?, ?)", groups)

    def __len__(self) -> int:
        return len(self.rows)

    def _run(self, name: str, params: dict) -> list[tuple]:
        sql = db.load_sql(name).replace("/* filters */", db.load_sql("insights/filters"))
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def vocabulary(self) -> list[str]:
        """Every word of the indexed text, lower case (built on the first misspelling)."""
        if self._vocabulary is None:
            words: set[str] = set()
            for row in self.rows.itertuples(index=False):
                for text in (row.summary, row.quote, THEME_SEPARATOR.join(row.themes), row.source_title):
                    words.update(w.casefold() for w in _words(_clean(text)))
            self._vocabulary = sorted(words)
        return self._vocabulary

    def _found_anywhere(self, words: tuple[str, ...]) -> bool:
        with self._lock:
            return bool(self._con.execute(
                "select 1 from insight_text where insight_text match ? limit 1",
                [Query((words,)).expression()]).fetchone())

    def spelled(self, query: Query) -> Query:
        """`query` with each word that no insight holds (nor any word of its stem) replaced by
        the library's closest word, where one is close enough; unchanged otherwise."""
        terms = []
        for term in query.terms:
            if self._found_anywhere(term):
                terms.append(term)
                continue
            corrected = []
            for word in term:
                if self._found_anywhere((word,)):
                    corrected.append(word)
                    continue
                closest = difflib.get_close_matches(word, self.vocabulary(), n=1, cutoff=0.8)
                corrected.append(closest[0] if closest else word)
            terms.append(tuple(corrected))
        return Query(tuple(dict.fromkeys(terms)))

    def search(
        self, text: str | None = None, filters: Filters | None = None, limit: int | None = None,
        offset: int = 0,
    ) -> Results:
        """Insights matching `text` (see `parse`, its misspellings corrected by `spelled`) and
        `filters`, best first; with no words, every insight passing the filters, newest first.
        Only `limit` (all if None) from `offset` are highlighted in `hits`; `matches` and `total`
        cover them all."""
        filters = filters or Filters()
        query = parse(text)
        params = filters.params()
        if not query:
            return self._results(self._run("insights/browse", params), query, "none", filters, limit, None,
                                 offset)
        typed, query = query, self.spelled(query)
        results = self._search(query, params, filters, limit, offset)
        if query != typed:
            results.typed = typed
        return results

    def _search(self, query: Query, params: dict, filters: Filters, limit: int | None,
                offset: int) -> Results:
        expression = query.expression()
        ranked = self._run("insights/search", {**params, "expression": expression})
        match = "all"
        if not ranked and len(query.terms) > 1:
            expression = query.expression(any_term=True)
            ranked = self._run("insights/search", {**params, "expression": expression})
            match = "any"
        return self._results(ranked, query, match, filters, limit, expression, offset)

    def _results(
        self, ranked: list[tuple], query: Query, match: str, filters: Filters, limit: int | None,
        expression: str | None, offset: int = 0,
    ) -> Results:
        numbers = [row_number for row_number, _score in ranked]
        matches = self.rows.iloc[[n - 1 for n in numbers]].reset_index(drop=True)
        start = max(int(offset), 0)
        end = len(numbers) if limit is None else start + max(int(limit), 0)
        shown = numbers[start:end]
        hits = matches.iloc[start:start + len(shown)].reset_index(drop=True).copy()
        hits["score"] = [score for _number, score in ranked[start:start + len(shown)]]
        if expression is None:  # nothing to highlight: the text as indexed
            for column in COLUMNS:
                values = hits["themes"].map(THEME_SEPARATOR.join) if column == "themes" else hits[column]
                hits[f"{column}_marked"] = [_clean(value) for value in values]
        else:
            marked = {
                row[0]: row[1:]
                for row in self._run("insights/highlight", {
                    "expression": expression, "row_numbers": json.dumps(shown),
                    "open": MARK_OPEN, "close": MARK_CLOSE,
                })
            }
            for i, column in enumerate(COLUMNS):
                hits[f"{column}_marked"] = [marked[n][i] for n in shown]
        hits["matched"] = pd.Series(
            [matched_words(*(hits[f"{c}_marked"].iloc[i] for c in COLUMNS)) for i in range(len(hits))],
            index=hits.index, dtype=object,
        )
        return Results(hits=hits, total=len(matches), query=query, match=match, filters=filters,
                       matches=matches)

    def options(self, places: tuple[str, ...] | None = None) -> dict:
        """The values each filter can take in this library (or, given `places`, in those
        places' insights): places, themes (most common spelling, alphabetical), group codes,
        programmes, and the first and last dates."""
        rows = self.rows if places is None else self.rows[self.rows["place"].isin(places)]
        themes: dict[str, str] = {}
        for theme_list in rows["themes"]:
            for theme in theme_list:
                themes.setdefault(theme.strip().casefold(), theme.strip())
        dates = pd.to_datetime(rows["insight_date"]).dropna()
        return {
            "places": sorted(rows["place"].dropna().unique().tolist()),
            "themes": sorted(themes.values(), key=str.casefold),
            "groups": sorted({code for codes in rows["groups"] for code in codes}),
            "programmes": sorted(rows["programme"].dropna().unique().tolist(), key=str.casefold),
            "first_date": dates.min().date() if len(dates) else None,
            "last_date": dates.max().date() if len(dates) else None,
            "unplaced": int(rows["place"].isna().sum()),
        }


def matched_words(*marked: str | None) -> list[str]:
    """The distinct words marked as matches in highlighted text, lower case, in order found."""
    found = []
    for text in marked:
        found += [word.casefold() for word in _MARKED.findall(text or "")]
    return list(dict.fromkeys(found))


def to_html(marked: str | None) -> str:
    """Highlighted text as safe HTML: everything escaped, matches in <mark>, line breaks kept."""
    escaped = html.escape(marked or "", quote=True)
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>").replace("\n", "<br>")


def plain_text(marked: str | None) -> str:
    """Highlighted text with the marks removed."""
    return (marked or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def theme_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """How many of the insights in `hits` name each theme (any case), most first, then A-Z."""
    counts: dict[str, list] = {}
    for themes in hits["themes"] if len(hits) else []:
        for key, theme in {t.strip().casefold(): t.strip() for t in themes}.items():
            counts.setdefault(key, [theme, 0])[1] += 1
    ordered = sorted(counts.values(), key=lambda entry: (-entry[1], entry[0].casefold()))
    return pd.DataFrame(ordered, columns=["theme", "insights"])
