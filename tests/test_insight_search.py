"""The insight library's offline full-text search (SQLite FTS5 with the porter stemmer), on
hand-made insights: stemming, ranking, highlighting, hostile queries and filters."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from wpc.insights import cards
from wpc.insights.search import MARK_CLOSE, MARK_OPEN, Filters, InsightIndex, parse, theme_counts, to_html

COLUMNS = [
    "insight_id",
    "activity_id",
    "insight_date",
    "place",
    "programme",
    "themes",
    "summary",
    "quote",
    "groups",
    "source_title",
    "source_url",
    "status",
    "action_taken",
]


def insight(
    insight_id,
    summary,
    quote=None,
    themes=(),
    place="Northtown",
    programme=None,
    groups=(),
    date="2025-06-01",
    source_title=None,
    source_url=None,
    status=None,
    action_taken=None,
) -> dict:
    return {
        "insight_id": insight_id,
        "activity_id": None,
        "insight_date": pd.Timestamp(date) if date else pd.NaT,
        "place": place,
        "programme": programme,
        "themes": list(themes),
        "summary": summary,
        "quote": quote,
        "groups": list(groups),
        "source_title": source_title,
        "source_url": source_url,
        "status": status,
        "action_taken": action_taken,
    }


def index_of(*rows: dict) -> InsightIndex:
    return InsightIndex(pd.DataFrame(list(rows), columns=COLUMNS))


def ids(results) -> list[str]:
    return results.hits["insight_id"].tolist()


@pytest.fixture(scope="module")
def library() -> InsightIndex:
    return index_of(
        insight(
            "A1",
            "Patients could not get appointments at the surgery",
            themes=["access"],
            place="Northtown",
            programme="Primary care",
            groups=["core20"],
            date="2025-03-01",
        ),
        insight(
            "A2",
            "The bus to the hospital takes an hour",
            quote="I missed my appointment twice",
            themes=["Travel", "access"],
            place="Southtown",
            programme="Cancer",
            groups=["carers"],
            date="2025-06-15",
        ),
        insight(
            "A3",
            "Waiting times for mental health support are too long",
            themes=["waiting times"],
            place=None,
            programme="Mental health",
            date=None,
        ),
        insight(
            "A4",
            "Staff were kind and listened",
            source_title="Appointment booking survey",
            place="Northtown",
            programme="Primary care",
            groups=["homeless", "core20"],
            date="2025-09-30",
        ),
        insight(
            "A5", "Nothing about the word here", themes=["respect"], place="Southtown", date="2024-12-31"
        ),
    )


# ---------- stemming and ranking


def test_appointment_finds_appointments_and_the_reverse(library):
    assert set(ids(library.search("appointment"))) == {"A1", "A2", "A4"}
    assert set(ids(library.search("Appointments"))) == {"A1", "A2", "A4"}
    assert ids(library.search("wait")) == ["A3"]  # "Waiting" stems to "wait"


def test_more_occurrences_rank_higher_and_themes_weigh_more():
    index = index_of(
        insight("ONCE", "the bus was late and the rain fell on us all"),
        insight("THRICE", "the bus was late and the bus then the bus"),
        insight("NONE", "the train was late and the rain fell on us all"),
    )
    # same length, same column: bm25 grows with the number of occurrences
    assert ids(index.search("bus")) == ["THRICE", "ONCE"]
    weighted = index_of(
        insight("SUMMARY", "damp housing", themes=["other things here"]),
        insight("THEME", "other things here", themes=["damp housing"]),
    )
    # the same words, in the themes column (weight 2) rather than the summary (weight 1)
    assert ids(weighted.search("damp")) == ["THEME", "SUMMARY"]


def test_every_word_must_appear_else_any_word_and_it_says_so(library):
    both = library.search("bus hospital")
    assert (ids(both), both.match) == (["A2"], "all")
    either = library.search("surgery zebra")
    assert (ids(either), either.match, either.total) == (["A1"], "any", 1)
    nothing = library.search("zebra giraffe")
    assert (nothing.total, nothing.match, len(nothing.hits)) == (0, "any", 0)


def test_quoted_phrases_keep_their_words_together():
    index = index_of(insight("P1", "waiting times are long"), insight("P2", "the times we spent waiting"))
    assert set(ids(index.search("waiting times"))) == {"P1", "P2"}
    assert ids(index.search('"waiting times"')) == ["P1"]
    assert parse('"waiting times" bus').describe() == '"waiting times", bus'


def test_no_words_lists_everything_newest_first_with_undated_last(library):
    results = library.search("   ")
    assert results.match == "none"
    assert ids(results) == ["A4", "A2", "A1", "A5", "A3"]
    assert library.search(None).total == 5


def test_limit_caps_the_rows_highlighted_not_the_matches(library):
    everything = library.search("appointment")
    results = library.search("appointment", limit=2)
    assert (len(results.hits), results.total, len(results.matches)) == (2, 3, 3)
    assert results.hits["insight_id"].tolist() == ids(everything)[:2]
    assert results.matches["insight_id"].tolist() == ids(everything)
    assert results.hits["summary_marked"].tolist() == everything.hits["summary_marked"].head(2).tolist()
    assert "summary_marked" not in results.matches.columns
    browsed = library.search("", limit=1)
    assert (len(browsed.hits), browsed.total, browsed.hits["themes_marked"].iloc[0]) == (1, 5, "")


# ---------- highlighting


def test_matched_words_are_marked_in_every_column_and_listed(library):
    hit = library.search("appointment").hits.set_index("insight_id")
    assert hit.loc["A1", "summary_marked"] == (
        f"Patients could not get {MARK_OPEN}appointments{MARK_CLOSE} at the surgery"
    )
    assert hit.loc["A2", "quote_marked"] == f"I missed my {MARK_OPEN}appointment{MARK_CLOSE} twice"
    assert hit.loc["A4", "source_title_marked"] == f"{MARK_OPEN}Appointment{MARK_CLOSE} booking survey"
    assert hit.loc["A1", "matched"] == ["appointments"]
    themed = library.search("travel").hits.iloc[0]
    assert themed["themes_marked"] == f"{MARK_OPEN}Travel{MARK_CLOSE}; access"


def test_html_is_escaped_and_only_the_marks_become_tags():
    index = index_of(
        insight(
            "X", "<script>alert('bus')</script> & <b>bus</b>", quote=f"a {MARK_OPEN}fake{MARK_CLOSE} mark"
        )
    )
    hit = index.search("bus").hits.iloc[0]
    assert to_html(hit["summary_marked"]) == (
        "&lt;script&gt;alert(&#x27;<mark>bus</mark>&#x27;)&lt;/script&gt; &amp; "
        "&lt;b&gt;<mark>bus</mark>&lt;/b&gt;"
    )
    # marks typed into an upload are removed when indexed, so they cannot inject tags
    assert to_html(index.search("").hits.iloc[0]["quote_marked"]) == "a fake mark"


def test_cards_escape_everything_and_link_only_web_addresses():
    index = index_of(
        insight(
            "C1",
            'Bus <img src="http://evil.example/x.png">',
            source_title="Report <i>1</i>",
            source_url="javascript:alert(1)",
            themes=["a <b>"],
            groups=["core20"],
            status="acted on",
            action_taken="Moved the <stop>",
        ),
        insight("C2", "Bus times", source_title="Bus survey", source_url="https://example.org/r?a=1&b=2"),
    )
    hits = index.search("bus").hits.set_index("insight_id")
    first = cards.card_html(hits.loc["C1"].to_dict() | {"insight_id": "C1"}, {"core20": "Core20"}.get)
    assert "<img" not in first and "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in first
    assert "javascript" not in first and "<a " not in first  # not a web address: the title alone
    assert "Groups: Core20" in first and "Status: Acted on: Moved the &lt;stop&gt;" in first
    second = cards.card_html(hits.loc["C2"].to_dict() | {"insight_id": "C2"})
    assert '<a href="https://example.org/r?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">' in second


# ---------- hostile queries

HOSTILE = [
    '"',
    '""',
    '"""',
    "'",
    "AND",
    "OR",
    "NOT",
    "AND OR",
    "AND OR NOT",
    "*",
    "a*",
    "*bus",
    "NEAR(",
    "NEAR(bus",
    "NEAR(bus hospital, 2)",
    "(",
    ")",
    "((bus",
    "^bus",
    "bus:",
    "summary:bus",
    "quote : bus",
    "-bus",
    "+bus",
    "\\",
    "%",
    "_",
    "__",
    "bus_",
    "\x00",
    "\x00bus",
    "🎉",
    "🎉 bus",
    "ünïcödé",
    "naïve café",
    "اللغة العربية",
    "中文 文本",
    "Ελληνικά",
    "ℌ𝔢𝔩𝔩𝔬",
    "²³",
    "x" * 10_000,
    'bus"',
    '"bus',
    '"bus" OR',
    "OR bus",
    "bus OR",
    "{bus}",
    "[bus]",
    "bus; DROP TABLE insight; --",
    "' OR 1=1 --",
    "\u202e",
    "\ufeff",
    " \t\n ",
    MARK_OPEN,
    f"{MARK_OPEN}bus{MARK_CLOSE}",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise(library, text):
    results = library.search(text, Filters(theme="access"))
    assert results.match in ("all", "any", "none")
    assert results.total == len(results.hits)


def test_operators_are_searched_as_plain_words():
    index = index_of(insight("W1", "bus AND train"), insight("W2", "bus or car"), insight("W3", "tram only"))
    assert ids(index.search("AND")) == ["W1"]
    assert set(ids(index.search("bus OR"))) == {"W2"}  # "or" is a word that must appear, not an operator
    near = index.search("NEAR(bus train")  # NEAR and the bracket are not syntax: "near" is a word
    assert (ids(near), near.match) == (["W1", "W2"], "any")  # no insight says "near"; W1 has two of the words


def test_random_unicode_never_raises(library):
    rng = random.Random(20251001)
    for _ in range(300):
        text = "".join(
            chr(
                rng.choice(
                    [rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF), rng.randint(0x1F300, 0x1FAFF)]
                )
            )
            for _ in range(rng.randint(1, 30))
        )
        library.search(text)


def test_accents_and_case_are_folded():
    index = index_of(insight("U1", "Un café très naïve"))
    assert ids(index.search("CAFE naive")) == ["U1"]


# ---------- filters


def test_place_filter_with_and_without_insights_given_no_place(library):
    assert set(ids(library.search("", Filters(place="Northtown")))) == {"A1", "A4", "A3"}
    assert set(ids(library.search("", Filters(place="Northtown", include_unplaced=False)))) == {"A1", "A4"}
    assert set(ids(library.search("", Filters(include_unplaced=False)))) == {"A1", "A2", "A4", "A5"}


def test_theme_group_and_programme_filters(library):
    assert set(ids(library.search("", Filters(theme="ACCESS")))) == {"A1", "A2"}  # any case
    assert set(ids(library.search("appointment", Filters(theme="travel")))) == {"A2"}
    assert set(ids(library.search("", Filters(group="core20")))) == {"A1", "A4"}
    assert set(ids(library.search("", Filters(group="homeless", programme="Primary care")))) == {"A4"}
    assert ids(library.search("", Filters(programme="Cancer", place="Northtown"))) == []


def test_date_filters_are_inclusive_and_leave_out_undated(library):
    june_on = Filters(date_from=dt.date(2025, 6, 15))
    assert set(ids(library.search("", june_on))) == {"A2", "A4"}
    to_june = Filters(date_to=dt.date(2025, 6, 15))
    assert set(ids(library.search("", to_june))) == {"A1", "A2", "A5"}
    both = Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 9, 30))
    assert set(ids(library.search("appointment", both))) == {"A1", "A2", "A4"}


def test_options_and_theme_counts(library):
    options = library.options()
    assert options["places"] == ["Northtown", "Southtown"]
    assert options["themes"] == ["access", "respect", "Travel", "waiting times"]
    assert options["groups"] == ["carers", "core20", "homeless"]
    assert options["programmes"] == ["Cancer", "Mental health", "Primary care"]
    assert (options["first_date"], options["last_date"], options["unplaced"]) == (
        dt.date(2024, 12, 31),
        dt.date(2025, 9, 30),
        1,
    )
    counts = theme_counts(library.search("").hits)
    assert counts.to_dict("list") == {
        "theme": ["access", "respect", "Travel", "waiting times"],
        "insights": [2, 1, 1, 1],
    }


def test_an_empty_library_searches_to_nothing():
    empty = index_of()
    assert (len(empty), empty.search("bus").total, empty.search("").total) == (0, 0, 0)


def test_unplaced_only_keeps_just_the_insights_given_no_place(library):
    assert ids(library.search("", Filters(place="Northtown", unplaced_only=True))) == ["A3"]
    assert ids(library.search("bus", Filters(place="Southtown", unplaced_only=True))) == []


# ---------- pages and misspellings


def test_offset_and_limit_give_one_page_of_the_ranked_matches():
    # 25 insights saying "bus" once more each: A25 ranks first, A01 last
    index = index_of(*[insight(f"A{n:02d}", " ".join(["bus"] * n) + " stop", date="2025-01-01")
                       for n in range(1, 26)])
    everything = ids(index.search("bus"))
    assert everything == [f"A{n:02d}" for n in range(25, 0, -1)]
    second = index.search("bus", limit=10, offset=10)
    assert second.total == 25 and ids(second) == everything[10:20]
    assert all(MARK_OPEN in text for text in second.hits["summary_marked"])  # the page is highlighted
    assert ids(index.search("bus", limit=10, offset=20)) == everything[20:]
    assert ids(index.search("bus", limit=10, offset=30)) == []


def test_a_word_found_nowhere_is_read_as_the_closest_word_of_the_library(library):
    results = library.search("apointment")
    assert results.typed is not None and results.typed.describe() == "apointment"
    assert results.query.describe() == "appointment"  # the closest word the library holds
    assert set(ids(results)) == set(ids(library.search("appointment"))) == {"A1", "A2", "A4"}
    # a known word is left alone, a misspelt one beside it corrected
    both = library.search("bus hospitl")
    assert both.query.describe() == "bus, hospital" and ids(both) == ["A2"]
    # words of a known stem are not misspellings; nothing close enough leaves the word as typed
    assert library.search("appointing").typed is None
    far = library.search("zebra")
    assert far.typed is None and far.total == 0


def test_a_card_does_not_show_a_quote_its_summary_already_repeats_word_for_word():
    index = index_of(insight("R1", 'Patients said: "The bus takes an hour."',
                             quote="The bus  takes an hour."),
                     insight("R2", "Travel to hospital is slow", quote="The bus takes an hour."))
    shown = {hit["insight_id"]: cards.card_html(hit) for hit in index.search("bus").hits.to_dict("records")}
    assert "<blockquote" not in shown["R1"] and shown["R1"].count("takes an hour") == 1
    assert "<blockquote" in shown["R2"] and "takes an hour" in shown["R2"]
