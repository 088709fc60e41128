"""AppTest of the Insight library: search results and their counts against an independent
regular-expression count on the demo database, filters and the "before you engage" panel
from the URL, and clear messages when nothing matches or nothing has been uploaded."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.app.access_checks import unescape
from tests.engagement_rows import build_toy_db, write
from wpc.ui.widgets import escape_markdown

PAGE = "app_pages/insights.py"
# the searchable text of an insight, for counting matches independently of the FTS index
TEXT = "lower(concat_ws(' ', summary, quote, array_to_string(themes, ' '), source_title))"
# South East London's insights: placed in it, or given no place in its demo file
SEL = (
    "(preset = 'sel' or (preset is null and upload_id in "
    "(select upload_id from uploads where file_name = 'demo-sel-insights.csv')))"
)


def open_page(app_at, db_path, **params):
    at = app_at(db_path, **params).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def sql(db_path, query: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def is_card(html) -> bool:
    """Every page also adds its styles and the menu's script as HTML (wpc.ui.style): not cards."""
    return not html.value.lstrip().startswith(("<style", "<script"))


def cards(at) -> list[str]:
    return [h.value for h in at.html if is_card(h)]


def result_cards(at) -> list[str]:
    """The search results' cards: those drawn before the "Before you engage" header."""
    found = []

    def walk(node) -> bool:
        for child in getattr(node, "children", {}).values():
            if type(child).__name__ == "Header" and child.value == "Before you engage":
                return True
            if type(child).__name__ == "Html" and is_card(child):
                found.append(child.value)
            if walk(child):
                return True
        return False

    walk(at.main)
    return found


def sentences(at) -> list[str]:
    return [m.value for m in at.markdown]


def table(at, first_column: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def count(db_path, where: str) -> int:
    return sql(db_path, f"select count(*) from insights where {where}")[0][0]


def test_search_counts_highlights_pages_and_themes_match_an_independent_count(app_at, demo_db):
    where = f"{SEL} and regexp_matches({TEXT}, '\\bappointments?\\b')"
    placed = count(demo_db, f"{where} and place is not null")
    unplaced = count(demo_db, f"{where} and place is null")
    themes = dict(
        sql(
            demo_db,
            f"select theme, count(*) from (select unnest(themes) as theme from insights "
            f"where {where}) group by theme",
        )
    )
    assert placed > 20 and unplaced > 0  # more than one page of results, and some given no place
    at = open_page(app_at, demo_db, q="appointment")
    assert at.text_input(key="q").value == "appointment"
    assert escape_markdown(
        f"{placed} insights in South East London mention appointment (or words from the same stem, such as "
        "plurals), best matches first."
    ) in sentences(at)
    shown = result_cards(at)
    assert len(shown) == 20 + min(unplaced, 5)  # a page of the places' insights, then the ICS-wide ones
    assert all("<mark>appointment" in card.lower() for card in shown)  # "appointment" or "appointments"
    assert all("No place given" not in card for card in shown[:20])
    assert all("No place given" in card for card in shown[20:])
    assert "South East London-wide insights (no place given)" in [unescape(h.value) for h in at.subheader]
    pages = -(-placed // 20)
    assert any(f"Page 1 of {pages}: insights 1 to 20 of {placed}, best matches first." in unescape(c.value)
               for c in at.caption)
    counted = table(at, "Theme").set_index("Theme")["Insights"].to_dict()
    assert counted == themes
    assert at.get("download_button")[0].label == f"Download these {placed + unplaced} insights (CSV)"

    # the last page, from the URL, shows the rest; the page is kept in the URL
    at = open_page(app_at, demo_db, q="appointment", page=str(pages))
    assert at.number_input(key="page").value == pages and at.query_params["page"] == str(pages)
    assert len(result_cards(at)) == placed - 20 * (pages - 1) + min(unplaced, 5)

    # the sidebar's place narrows the same search to its own insights; a new search starts on page 1
    in_lambeth = count(demo_db, f"{where} and place = 'Lambeth'")
    at.selectbox(key="place").set_value("Lambeth").run()
    assert escape_markdown(
        f"{in_lambeth} insights in Lambeth mention appointment "
        "(or words from the same stem, such as plurals), best matches first."
    ) in sentences(at)
    assert len(result_cards(at)) == min(20, in_lambeth) + min(unplaced, 5)
    assert "page" not in at.query_params

    # a misspelt word is searched as the library's closest word, and the page says so
    at = open_page(app_at, demo_db, q="apointment")
    assert any("Showing results for appointment" in i.value for i in at.info)
    assert escape_markdown(
        f"{placed} insights in South East London mention appointment (or words from the same stem, such as "
        "plurals), best matches first."
    ) in sentences(at)


def test_filters_come_from_the_url_and_every_result_passes_them(app_at, demo_db):
    theme = sql(
        demo_db,
        "select t, count(*) from (select unnest(themes) as t from insights where preset = 'sel') "
        "group by t order by count(*) desc, t limit 1",
    )[0][0]
    expected = sql(
        demo_db,
        "select insight_id from insights where preset = 'sel' and list_contains(themes, ?) "
        "and list_contains(groups, 'core20') and insight_date >= '2025-01-01' "
        "order by insight_date desc, insight_id",
        [theme],
    )
    at = open_page(app_at, demo_db, theme=theme, group="core20", heard_from="2025-01-01", unplaced="0")
    assert (at.selectbox(key="theme").value, at.selectbox(key="group").value) == (theme, "core20")
    assert at.date_input(key="heard_from").value == dt.date(2025, 1, 1)
    assert at.checkbox(key="unplaced").value is False
    assert escape_markdown(
        f"{len(expected)} insights in South East London, newest first. Type words above to search them."
    ) in sentences(at)
    shown = result_cards(at)
    assert len(shown) == len(expected) < 20
    assert "page" not in at.query_params and not at.number_input  # one page: no pager
    assert all("Themes: " in card and theme in card and "Core20" in card for card in shown)
    assert at.query_params["theme"] == theme and at.query_params["unplaced"] == "0"


def test_nothing_found_and_hostile_text_give_a_clear_message(app_at, demo_db):
    at = open_page(app_at, demo_db, place="Lambeth", q="zebra giraffe")
    assert "No insight in Lambeth mentions" in at.info[0].value
    assert result_cards(at) == []
    for hostile in ['"NEAR( AND *', "'; drop table insights; --", "🎉", '"']:
        at = open_page(app_at, demo_db, q=hostile)
        assert sentences(at)  # a sentence, never a traceback


def test_reversed_dates_are_explained(app_at, demo_db):
    at = open_page(app_at, demo_db, heard_from="2025-06-01", heard_to="2025-01-01")
    assert "The dates are reversed" in at.error[0].value


def test_before_you_engage_on_the_demo(app_at, demo_db):
    known = sql(
        demo_db,
        "select count(*) from insights where preset = 'sel' and place = 'Lambeth' "
        "and list_contains(groups, 'carers')",
    )[0][0]
    at = open_page(app_at, demo_db, place="Lambeth", engage_group="carers")
    assert at.selectbox(key="engage_group").value == "carers"
    # the demo year ended in 2025, so nothing falls in the last 12 months before today
    assert escape_markdown(
        f"Before engaging Unpaid carers in Lambeth: {known} insights already record what they "
        "told us, and no activity in the last 12 months targeted them."
    ) in sentences(at)


def add_insight(con, insight_id, summary, place="Northtown", groups=(), date="2025-06-01", preset="toy"):
    con.execute(
        "insert into insights (insight_id, insight_date, preset, place, themes, summary, groups, upload_id) "
        "values (?, ?, ?, ?, ['access'], ?, ?, 1)",
        [insight_id, date, preset, place, summary, list(groups)],
    )


@pytest.fixture
def toy(tmp_path):
    today = dt.date.today()

    def fill(rows):
        rows.activity(
            "NEW",
            start=today - dt.timedelta(days=30),
            title="Street outreach",
            organisation="Toy ICB",
            target_groups=["homeless"],
        )
        rows.people("NEW", 3, lsoa21cd="E01900001")
        rows.activity(
            "LONG", start=today - dt.timedelta(days=400), title="Old survey", target_groups=["homeless"]
        )
        rows.activity(
            "SOUTH",
            place="Southtown",
            start=today - dt.timedelta(days=10),
            title="Southtown outreach",
            target_groups=["homeless"],
        )
        add_insight(rows.con, "I1", "Shelters are full in winter", groups=["homeless"])
        add_insight(rows.con, "I2", "No appointments without an address", groups=["homeless"])
        add_insight(rows.con, "I3", "Carers need respite", groups=["carers"])
        add_insight(rows.con, "I4", "Southtown shelter closed", place="Southtown", groups=["homeless"])

    path = build_toy_db(tmp_path)
    write(path, fill)
    return path


def test_before_you_engage_on_hand_made_data(app_at, toy):
    at = open_page(app_at, toy, place="Northtown", engage_group="homeless")
    started = dt.date.today() - dt.timedelta(days=30)
    assert escape_markdown(
        "Before engaging People experiencing homelessness in Northtown: 2 insights already record what "
        "they told us, and 1 activity in the last 12 months targeted them (the latest: "
        f'"Street outreach" by Toy ICB, started {started.day} {started:%b %Y}).'
    ) in sentences(at)
    recent = table(at, "Start")
    assert recent["Title"].tolist() == ["Street outreach"]
    assert recent["Participants"].tolist() == ["*"]  # 3 people: never shown on a record-level list
    shown = cards(at)
    assert len(shown) == 5  # the library's 3 Northtown insights, then the panel's 2 about homelessness
    assert "Shelters are full in winter" in shown[-2] and "No appointments without an address" in shown[-1]


def test_no_insights_uploaded_says_how_to_add_them(app_at, tmp_path):
    path = build_toy_db(tmp_path)
    at = open_page(app_at, path)
    assert "No insights have been uploaded for Toyshire yet" in at.info[0].value
    assert cards(at) == []


def test_an_insight_uploaded_on_the_upload_page_is_found_at_once(app_at, writable_reference_db, tmp_path):
    from tests.fixtures.ingest_files import load_base_activities

    load_base_activities(writable_reference_db, tmp_path)
    at = open_page(app_at, writable_reference_db, q="wheelchair")
    assert "No insights have been uploaded for South East London yet" in at.info[0].value
    at.switch_page("app_pages/upload.py").run()
    at.selectbox(key="upload_kind").set_value("insights")
    insights = (
        "insight_id,activity_id,date,themes,summary,quote\n"
        "INS-1,ACT-1,14/03/2025,access,Wheelchair users could not reach the clinic,The lift was broken\n"
    )
    at.file_uploader(key="upload_file").set_value(("insights.csv", insights.encode(), "text/csv"))
    at.run()
    at.button(key="upload_confirm").click().run()
    assert "1 rows stored, 0 quarantined" in unescape(at.success[0].value)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert escape_markdown(
        "1 insight in South East London mentions wheelchair (or words from the same stem, such as plurals), "
        "best matches first."
    ) in sentences(at)
    assert "<mark>Wheelchair</mark> users could not reach the clinic" in result_cards(at)[0]
    assert "Lambeth" in result_cards(at)[0]  # the place of its activity
