"""After an upload, pages go on showing the figures from before it (and say so) while the new
ones are worked out, then move to them; a page never mixes the two, and the session that made
the upload sees it at once (wpc.ui.cache, docs/dashboard.md "After an upload")."""

from __future__ import annotations

import shutil

import pytest

from tests.app.access_checks import unescape
from tests.conftest import DEMO_END
from tests.fixtures.ingest_files import upload_in_lambeth
from wpc import db
from wpc.measures import Scope, build_report, families
from wpc.ui import cache

NOTICE = "New data was stored at"
LAMBETH = {"preset": "sel", "place": "Lambeth"}


@pytest.fixture
def path(demo_db, tmp_path):
    copy = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, copy)
    cache.clear()
    yield copy
    cache.wait_until_warm()
    cache.clear()


def participants(at) -> int:
    shown = {unescape(m.label): unescape(m.value) for m in at.metric}
    return int(shown["Participants"].replace(",", ""))


def noticed(at) -> bool:
    return any(NOTICE in unescape(i.value) for i in at.info)


def reported(path) -> int:
    """Lambeth's participants as `wpc report` gives them for the data as it is."""
    families.clear()
    with db.reading(path) as con:
        return build_report(con, Scope(**LAMBETH))["participants"]["total"]


def test_pages_show_the_figures_from_before_an_upload_until_the_new_ones_are_worked_out(app_at, path, tmp_path,
                                                                                       monkeypatch):
    at = app_at(path, **LAMBETH).run()
    before = participants(at)
    assert before == reported(path) and not noticed(at)

    warm, start_warming = [], cache._start_warming  # hold the warming back until the test lets it go
    monkeypatch.setattr(cache, "_start_warming", lambda *args: warm.append(args))
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40).stored == 40
    after = reported(path)
    assert after > before  # 40 more people: more than small changes to protect privacy can hide

    at.run()
    assert participants(at) == before and noticed(at)  # the figures from before, saying so
    other = app_at(path, **LAMBETH).run()  # a session opened meanwhile is served the same
    assert participants(other) == before and noticed(other)
    assert warm, "the new figures are being worked out"

    monkeypatch.setattr(cache, "_start_warming", start_warming)
    with cache._LOCK:
        start_warming(*warm[0])  # as the server does
    cache.wait_until_warm()
    at.run()
    assert not at.exception, at.exception
    assert participants(at) == after and not noticed(at)
    assert participants(other.run()) == after and not noticed(other)


def test_a_page_not_worked_out_for_the_older_figures_shows_the_new_ones_whole(app_at, path, tmp_path,
                                                                             monkeypatch):
    at = app_at(path, **LAMBETH).run()
    before = participants(at)
    monkeypatch.setattr(cache, "_start_warming", lambda *args: None)  # nothing worked out ahead
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40).stored == 40
    after = reported(path)
    at.run()
    assert participants(at) == before and noticed(at)

    at.switch_page("app_pages/place_coverage.py").run()  # asked of nobody before the upload
    assert not at.exception and not noticed(at)
    families.clear()
    with db.reading(path) as con:
        coverage = build_report(con, Scope(**LAMBETH))["coverage"]
    shown = {unescape(m.label): unescape(m.value) for m in at.metric}
    assert shown["Share reached"] == f"{100 * coverage['share']:.1f}%"
    # and the session never goes back to the older figures
    at.switch_page("app_pages/overview.py").run()
    assert participants(at) == after and not noticed(at)


def test_a_result_is_never_kept_under_a_version_it_was_not_read_from(path, tmp_path):
    from wpc import store as stores
    from wpc.measures import participants as count

    store = stores.resolve(path)
    key = (cache._store_key(store), db.version(store), count.__module__, count.__name__,
           (("scope", Scope(**LAMBETH)),))
    assert cache._cached_call(*key)["total"] == reported(path)
    upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40)
    stale = (key[0], "an older version", *key[2:])
    with pytest.raises(cache.Outdated):
        cache._cached_call(*stale)
    with pytest.raises(cache.Outdated):  # and nothing was kept: asked again, it is read again
        cache._cached_call(*stale)


def test_the_session_that_uploads_sees_its_upload_at_once(app_at, path, tmp_path):
    reader = app_at(path, **LAMBETH).run()
    before = participants(reader)
    with db.reading(path) as con:
        activity, lsoa = con.execute(
            "select a.activity_id, l.lsoa21cd from activities a join ref_lsoa l on l.place = a.place "
            "where l.preset = 'sel' and a.place = 'Lambeth' and a.start_date <= ? "
            "order by a.activity_id, l.lsoa21cd limit 1", [DEMO_END]).fetchone()
    upload = ("activity_id,lsoa_code,sex\n" + f"{activity},{lsoa},female\n" * 40).encode()

    uploader = app_at(path, **LAMBETH).run()
    uploader.switch_page("app_pages/upload.py").run()
    uploader.selectbox(key="upload_kind").set_value("participants")
    uploader.file_uploader(key="upload_file").set_value(("more.csv", upload, "text/csv"))
    uploader.run()
    uploader.button(key="upload_confirm").click()
    uploader.run()
    assert not uploader.exception and "40 rows stored" in unescape(uploader.success[0].value)
    uploader.switch_page("app_pages/overview.py").run()
    assert participants(uploader) == reported(path) > before and not noticed(uploader)
    reader.run()
    assert participants(reader) in (before, reported(path))  # before, saying so, until worked out
    assert noticed(reader) == (participants(reader) == before)


def test_an_upload_stored_while_the_last_is_worked_out_is_worked_out_next(app_at, path, tmp_path):
    """Pages left open ask for nothing that would start another warming: the thread goes on
    from the version the store left to the newest."""
    from wpc import store as stores

    at = app_at(path, **LAMBETH).run()
    before = participants(at)
    store = stores.resolve(path)
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40).stored == 40
    stale_version = db.version(store)
    assert upload_in_lambeth(path, tmp_path / "men.csv", DEMO_END, 41, sex="male").stored == 41  # stored again meanwhile
    assert db.version(store) != stale_version
    calls = list(cache._ASKED[cache._store_key(store)].values())
    cache._warm(store, cache._store_key(store), stale_version, calls)
    assert cache.serves_newest(path)
    at.run()
    assert participants(at) == reported(path) > before and not noticed(at)


def test_a_session_never_goes_back_to_figures_older_than_it_read(app_at, path, tmp_path, monkeypatch):
    at = app_at(path, **LAMBETH).run()
    before = participants(at)
    monkeypatch.setattr(cache, "_start_warming", lambda *args: None)  # the server keeps serving the first
    assert upload_in_lambeth(path, tmp_path / "more.csv", DEMO_END, 40).stored == 40
    at.switch_page("app_pages/place_coverage.py").run()  # not worked out before: moves to the second
    assert not at.exception and not noticed(at)
    at.switch_page("app_pages/overview.py").run()  # worked out for the second version too
    second = participants(at)
    assert second != before and not noticed(at)
    # a third version, while the server still serves the first
    assert upload_in_lambeth(path, tmp_path / "men.csv", DEMO_END, 41, sex="male").stored == 41
    at.switch_page("app_pages/place_coverage.py").run()
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception and participants(at) == second and noticed(at)  # the second's, not the first's
