"""Login and access in the app (AppTest's user simulation: `at.user`, `at.secrets`).

A place lead logged in for Lambeth cannot see Southwark's record-level data on any page
registered in app.py (so pages added later are covered), through any URL (place=Southwark,
activity=<a Southwark activity>, insight search and filters) or any download, while the
ICS-wide aggregates stay visible under disclosure control. An unknown person sees only a
message; without login the app says it is in single-user mode.
"""

from __future__ import annotations

import re
import shutil
from unittest import mock

import duckdb
import pytest

from tests.app.access_checks import unescape
from tests.app.access_checks import ACCESS, ADMIN, LEAD, PACKS, PAGES, VIEWS, file_text, leaks, run_page
from wpc.config import ROOT
from wpc.ui import auth
from wpc.ui.widgets import escape_markdown
from wpc.views.workshop import QUESTIONS


# ---------- the tests (the fixtures are in tests/app/conftest.py)


def test_every_page_file_is_registered_so_the_leak_test_covers_it():
    assert len(PAGES) >= 8
    assert set(PAGES) == {f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py")}






def test_the_leak_check_finds_southwark_records_when_they_are_shown(session, access_db, southwark):
    """The same check on the ICS team's view finds every kind of record it looks for, so an
    empty result above means nothing was shown, not that nothing was looked at."""
    found: dict[str, set] = {}
    for page in PAGES:
        text, _downloads = run_page(session(access_db, ADMIN), page, packs=False,
                                    **VIEWS["whole ICS by a Southwark link"])
        for kind, values in leaks(text, southwark, page).items():
            found.setdefault(kind, set()).update(values)
    assert set(found) == {
        "activity ids",
        "titles",
        "insights",
        "file names",
        "markers",
        "lsoa codes",
        "neighbourhood names",
    }
    assert "SWK-SECRET-1" in found["activity ids"] and "southwark-secret-listening.csv" in found["file names"]


def test_links_to_southwark_are_refused_with_a_message(session, access_db):
    at = session(access_db, LEAD, place="Southwark", preset="sel")
    run_page(at, "app_pages/activities.py", activity="SWK-SECRET-1")
    warnings = " ".join(w.value for w in at.warning)
    assert "You cannot open the activity this link names" in warnings
    # the newest of theirs instead
    con = duckdb.connect(str(access_db), read_only=True)
    try:
        newest = con.execute(
            "select activity_id, title from activities where place = 'Lambeth' and status = 'held' "
            "order by start_date desc, activity_id limit 1"
        ).fetchall()[0]
    finally:
        con.close()
    assert at.selectbox(key="activity").value == newest[0]
    assert at.subheader[0].value == escape_markdown(newest[1])
    at = session(access_db, LEAD, place="Southwark", preset="mse")
    at.run()
    refused = [w.value for w in at.warning if w.value.startswith("You cannot open")]
    assert refused == [
        "You cannot open Mid and South Essex: it is not one of the places your access covers, so nothing of "
        "it is shown. Choose one of yours in the sidebar.",
        "You cannot open Southwark: it is not one of the places your access covers, so nothing of it is "
        "shown. Choose one of yours in the sidebar.",
    ]
    assert "show only your places: Lambeth" in at.info[0].value


def test_the_lead_downloads_only_lambeth_records(session, access_db, southwark):
    _text, files = run_page(session(access_db, LEAD), "app_pages/activities.py")
    log = files["wpc-activity-log-south-east-london-all-dates.csv"].decode("utf-8-sig")
    assert "LAM-OWN-1" in log and "DEMO-SEL-" in log
    assert set(re.findall(r"DEMO-SEL-\d{4}", log)).isdisjoint(southwark["activity ids"])
    assert ",Southwark," not in log
    _text, files = run_page(session(access_db, LEAD), "app_pages/insights.py")
    insights = files["wpc-insights-south-east-london.csv"].decode("utf-8-sig")
    assert "Lambeth" in insights and "Southwark" not in insights


def metrics(at) -> dict[str, str]:
    return {unescape(m.label): unescape(m.value) for m in at.metric}


def table(at, first_column: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def test_ics_wide_aggregates_stay_visible_with_disclosure_control(session, access_db):
    views = {}
    for who in (LEAD, ADMIN):
        shown = {}
        for page in (
            "app_pages/overview.py",
            "app_pages/place_coverage.py",
            "app_pages/activities.py",
            "app_pages/reach_gaps.py",
        ):
            at = session(access_db, who)
            run_page(at, page)
            shown[page] = at
        views[who] = shown
    lead, admin = views[LEAD], views[ADMIN]
    # The same ICS-wide numbers for both: the aggregates are not cut down to Lambeth.
    for page in lead:
        shown = metrics(lead[page])
        if page == "app_pages/activities.py":  # the headlines, not the chosen activity's own
            shown = {
                k: shown[k]
                for k in (
                    "Activities",
                    "At co-design or co-production",
                    "Feedback closed on time",
                    "Feedback overdue",
                )
            }
        assert shown == {k: metrics(admin[page])[k] for k in shown}, page
    by_place = table(lead["app_pages/overview.py"], "Area")
    assert by_place.equals(table(admin["app_pages/overview.py"], "Area"))
    assert {"Southwark", "Lambeth", "South East London"} <= set(by_place["Area"])
    reach = table(lead["app_pages/reach_gaps.py"], "Category")
    assert reach.equals(table(admin["app_pages/reach_gaps.py"], "Category"))
    # disclosure control: no count of 1 to 7 people is shown anywhere in the table
    counts = [v for column in reach.columns if column.startswith("Participants") for v in reach[column]]
    shown_counts = [int(str(v).replace(",", "")) for v in counts if str(v) not in ("*", "", "nan", "None")]
    assert shown_counts and not [n for n in shown_counts if 1 <= n <= 7]
    # while the lists are cut down: the lead's activity log is Lambeth's only
    lead_log, admin_log = (table(v["app_pages/activities.py"], "Start") for v in (lead, admin))
    assert set(lead_log["Place"]) == {"Lambeth"} and "Southwark" in set(admin_log["Place"])
    assert len(lead_log) == (admin_log["Place"] == "Lambeth").sum()
    lead_spots = table(lead["app_pages/place_coverage.py"], "LSOA")
    assert set(lead_spots["Place"]) <= {"Lambeth"}


@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_person_sees_only_a_message(session, access_db, page):
    at = session(access_db, "someone@example.org")
    _text, files = run_page(at, page)
    assert [w.value for w in at.warning] == [
        "You are logged in as **someone\\@example\\.org**, but wpc's access config gives you no places, "
        "so there is nothing to show. Ask your wpc administrator to add your e-mail address (or your "
        "organisation's domain) to it."
    ]
    assert (
        not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.selectbox and not files
    )
    assert [b.label for b in at.button] == ["Log out"]


def test_nobody_logged_in_sees_the_login_button_only(session, access_db):
    at = session(access_db, None)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe and not at.metric and not at.selectbox and not at.warning


def test_an_unverified_email_is_not_trusted(session, access_db):
    at = session(access_db, {"is_logged_in": True, "email": LEAD, "email_verified": False})
    at.run()
    assert "did not give wpc a verified e-mail address" in at.error[0].value
    assert not at.dataframe and not at.selectbox


def test_the_logged_in_person_and_a_log_out_button_are_shown(session, access_db):
    at = session(access_db, LEAD)
    at.run()
    assert at.sidebar.caption[0].value == (
        f":material/person: Logged in as **Lead** ({escape_markdown(LEAD)})"
    )
    at.sidebar.button(key="auth_log_out").click().run()
    assert at.user == {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Log in"] and not at.dataframe


def test_without_login_the_app_says_it_is_in_single_user_mode(app_at, access_db):
    at = app_at(access_db)
    at.run()
    assert not at.exception
    assert "Single-user mode" in at.sidebar.caption[0].value
    assert at.selectbox(key="place").options == [
        "All places",
        "Bexley",
        "Bromley",
        "Greenwich",
        "Lambeth",
        "Lewisham",
        "Southwark",
    ]
    assert not at.button  # no log-in or log-out


@pytest.mark.parametrize("address", ["0.0.0.0", "", "192.168.1.20"])
def test_without_login_the_app_shows_nothing_on_a_network_address(app_at, access_db, address):
    at = app_at(access_db)
    with mock.patch.object(auth, "server_address", return_value=address):
        at.run()
    assert not at.exception
    assert at.error[0].value.startswith(
        "wpc is in single-user mode (no login is configured), so it only serves "
        f"this computer, but this server listens on {address or 'every network'}"
    )
    assert not at.dataframe and not at.metric and not at.selectbox


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("incomplete login", "Login is set up in `.streamlit/secrets.toml` but is incomplete"),
        ("no access config", "No data can be shown: there is no access config at"),
        ("a misspelt place", "No data can be shown: the access config has 1 problem(s)"),
    ],
)
def test_a_broken_login_or_access_config_shows_nobody_anything(
    session, access_db, access_file, problem, message
):
    at = session(access_db, ADMIN)
    if problem == "incomplete login":
        del at.secrets["auth"]["cookie_secret"]
    elif problem == "no access config":
        access_file.unlink()
    else:
        access_file.write_text(ACCESS.replace('"Lambeth"', '"Lambth"'), encoding="utf-8")
    at.run()
    assert not at.exception
    assert message in at.error[0].value
    assert not at.dataframe and not at.metric and not at.selectbox


MIXED = (
    "activity_id,title,start_date,place,method\n"
    "LAM-NEW-1,Lambeth walk and talk,2025-06-10,Lambeth,listening event\n"
    "SWK-NEW-1,Southwark walk and talk,2025-06-11,Southwark,listening event\n"
).encode()


def test_a_lead_uploads_for_lambeth_only_and_sees_only_their_uploads(session, demo_db, tmp_path):
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    at = session(path, LEAD)
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert "rows for any other place are quarantined" in " ".join(c.value for c in at.caption)
    assert "You have uploaded nothing yet." in [unescape(m.value) for m in at.markdown]
    at.selectbox(key="upload_kind").set_value("activities")
    at.file_uploader(key="upload_file").set_value(("walks.csv", MIXED, "text/csv"))
    at.run()
    problems = table(at, "Line")
    assert problems.to_dict("list") == {
        "Line": [3],
        "Column": ["place"],
        "Value": ["Southwark"],
        "Problem": ["not a place you may upload for (your access covers sel: Lambeth)"],
    }
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute(
            "select activity_id from activities where activity_id like '%-NEW-%'"
        ).fetchall() == [("LAM-NEW-1",)]
        assert con.execute(
            "select uploaded_by, rows_stored, rows_quarantined from uploads where file_name = 'walks.csv'"
        ).fetchall() == [(LEAD, 1, 1)]
    finally:
        con.close()
    recent = table(at, "Upload")
    assert recent["File"].tolist() == ["walks.csv"]  # the demo uploads are not theirs


def test_a_link_to_a_place_that_does_not_exist_says_so(app_at, access_db):
    at = app_at(access_db, place="Atlantis")
    at.run()
    assert at.info[0].value == "Atlantis is not a place of South East London: showing all places instead."
    assert not [w for w in at.warning if w.value.startswith("You cannot open")]
    assert at.selectbox(key="place").value == "All places"


def test_nobody_logged_in_learns_nothing_of_the_installation(session, tmp_path):
    at = session(tmp_path / "no-database-here.duckdb", None)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.error  # not even that there is no database, or where


@pytest.mark.parametrize("screen", ["core20", "reach", "coverage", "cold_spots", "feedback", "ladder"])
def test_workshop_screens_list_only_lambeth_records(session, access_db, southwark, screen):
    """Workshop mode's screens that list neighbourhoods or activities keep to the lead's places
    in the ICS-wide view, as the pages do (the packs they hand out: the test below)."""
    text, _files = run_page(session(access_db, LEAD), "app_pages/workshop.py", packs=False, screen=screen)
    assert leaks(text, southwark, "app_pages/workshop.py") == {}
    admin_text, _files = run_page(session(access_db, ADMIN), "app_pages/workshop.py", packs=False, screen=screen)
    if screen in ("coverage", "cold_spots") or (screen == "feedback" and "SWK-SECRET-1" in admin_text):
        assert leaks(admin_text, southwark, "app_pages/workshop.py") != {}  # the check can see them


def test_the_workshop_packs_hold_only_lambeth_records(session, access_db, southwark):
    """The place pack (PowerPoint, PDF, web page) and the board assurance pack (PowerPoint, PDF)
    the lead downloads in the ICS-wide view hold none of Southwark's records, screen by screen."""
    text, files = run_page(session(access_db, LEAD), "app_pages/workshop.py", screen="cold_spots")
    packs = {name: data for name, data in files.items() if name.endswith(PACKS)}
    assert sorted(name.rsplit(".", 1)[1] for name in packs) == ["html", "pdf", "pdf", "pptx", "pptx"]
    assert all(packs.values())  # each was made, and read into `text`
    for name, data in packs.items():  # each pack's own words (none of them is on the page itself)
        own = "Board assurance:" if "assurance" in name else "Methods and sources"
        assert own in file_text(data), name
    assert leaks(text, southwark, "app_pages/workshop.py") == {}


# ---------- below the pages: every view builder that lists records applies the person's access

# the values a builder's other required arguments take, for every kind wpc has
BUILDER_ARGUMENTS = {
    "colouring": ["rate", "imd_decile"],
    "key": list(QUESTIONS),  # every workshop screen
    "group": ["core20", "homeless"],
    "title": [None, "listening"],
    "upload_id": list(range(1, 25)),  # every upload of the access database, and some that do not exist
}


def _index(con, scope, person):
    from wpc.views import insights

    return insights.index(con, scope.preset)


def _preset(con, scope, person):
    from wpc.presets import registered_preset

    return registered_preset(con, scope.preset)


# what builders that take no connection are given: the insight index, the preset and place,
# and the recent activities (as the page hands them on, already limited by the view that lists them)
OBJECTS = {
    "found": _index,
    "preset": _preset,
    "place": lambda con, scope, person: scope.place,
    "activities": lambda con, scope, person: __import__("wpc.views.activity", fromlist=["recent"]).recent(
        con, scope, "core20", person),
}


def _view_text(value) -> str:
    """Every string a view object holds: dataclass fields, tables cell by cell, charts' specs."""
    import dataclasses

    import pandas as pd
    import plotly.graph_objects as go

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return "\n".join(_view_text(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, pd.DataFrame):
        return value.to_csv(index=False)
    if isinstance(value, go.Figure):
        return value.to_json()
    if isinstance(value, dict):
        return "\n".join(f"{_view_text(k)}\n{_view_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(_view_text(v) for v in value)
    return "" if value is None else str(value)


def view_builders() -> list:
    """Every view builder of wpc.views that takes the person's `access` (found, not listed, so
    builders added later are covered): public functions whose first argument is the database
    connection, or the insight index."""
    import importlib
    import inspect
    import pkgutil

    import wpc.views

    found = []
    for module in pkgutil.iter_modules(wpc.views.__path__):
        loaded = importlib.import_module(f"wpc.views.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            parameters = list(inspect.signature(function).parameters)
            if (function.__module__ == loaded.__name__ and not name.startswith("_") and "access" in parameters
                    and parameters[0] in ("con", "found")):
                found.append(function)
    return found


def test_every_view_builder_that_lists_records_keeps_to_the_persons_places(access_db, southwark):
    import inspect
    import itertools

    from wpc import db
    from wpc.access import AccessRules
    from wpc.measures import Scope
    from wpc.presets import registered

    builders = view_builders()
    assert len(builders) >= 10, [b.__qualname__ for b in builders]
    found_for_admin = set()
    with db.reading(access_db) as con:
        catalogue = {pid: p.place_names for pid, p in registered(con).items()}
        people = {who: AccessRules.from_toml(ACCESS).for_user(who, catalogue) for who in (LEAD, ADMIN)}
        for builder in builders:
            parameters = inspect.signature(builder).parameters
            wanted = [name for name, p in parameters.items() if p.default is inspect.Parameter.empty
                      and name not in ("con", "scope", "access", *OBJECTS)]
            assert set(wanted) <= set(BUILDER_ARGUMENTS), f"{builder.__qualname__}: add values for {wanted}"
            for place, values in itertools.product(
                    (None, "Lambeth"), itertools.product(*(BUILDER_ARGUMENTS[name] for name in wanted))):
                scope = Scope(preset="sel", place=place)
                for who in (LEAD, ADMIN) if place is None else (LEAD,):
                    arguments = {name: make(con, scope, people[who]) for name, make in OBJECTS.items()
                                 if name in parameters}
                    if "con" in parameters:
                        arguments["con"] = con
                    if "scope" in parameters:
                        arguments["scope"] = scope
                    try:
                        view = builder(**arguments, **dict(zip(wanted, values)), access=people[who])
                    except PermissionError:  # refused outright (another person's upload): nothing shown
                        continue
                    found = leaks(_view_text(view), southwark, "view")
                    if who == LEAD:
                        assert found == {}, (builder.__qualname__, place, values)
                    else:
                        found_for_admin |= set(found)
    # the same check finds Southwark's records in the ICS team's views, so it can see them
    assert {"activity ids", "titles", "insights", "file names", "lsoa codes", "neighbourhood names"} <= found_for_admin
